using System;
using Xunit;

namespace CustomizedLinear.Runtime.Tests;

public class LossTests
{
    private delegate float ElementwiseLoss(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> gradient);

    private const int N = 37;

    private static ElementwiseLoss Elementwise(string name) => name switch
    {
        "L1" => Loss.L1,
        "Mse" => Loss.Mse,
        "BceWithLogits" => Loss.BceWithLogits,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    // ---- references, in double, from the PyTorch documentation's formulas ----

    private static (double Loss, double[] Gradient) ReferenceL1(float[] p, float[] t)
    {
        double sum = 0;
        var gradient = new double[p.Length];
        for (int i = 0; i < p.Length; i++)
        {
            double d = (double)p[i] - t[i];
            sum += Math.Abs(d);
            gradient[i] = Math.Sign(d) / (double)p.Length;
        }

        return (sum / p.Length, gradient);
    }

    private static (double Loss, double[] Gradient) ReferenceMse(float[] p, float[] t)
    {
        double sum = 0;
        var gradient = new double[p.Length];
        for (int i = 0; i < p.Length; i++)
        {
            double d = (double)p[i] - t[i];
            sum += d * d;
            gradient[i] = 2 * d / p.Length;
        }

        return (sum / p.Length, gradient);
    }

    // ℓ = −[t·log σ(x) + (1 − t)·log(1 − σ(x))], with log σ(x) = −log(1 + e^(−x)) and
    // log(1 − σ(x)) = log σ(−x) = −log(1 + e^x): exact identities that stay finite in double for |x| ≤ 700.
    private static (double Loss, double[] Gradient) ReferenceBce(float[] x, float[] t)
    {
        double sum = 0;
        var gradient = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double logSigmoid = -Math.Log(1 + Math.Exp(-(double)x[i]));
            double logOneMinusSigmoid = -Math.Log(1 + Math.Exp(x[i]));
            sum += -(t[i] * logSigmoid + (1 - (double)t[i]) * logOneMinusSigmoid);
            double sigmoid = 1 / (1 + Math.Exp(-(double)x[i]));
            gradient[i] = (sigmoid - t[i]) / x.Length;
        }

        return (sum / x.Length, gradient);
    }

    private static (double Loss, double[] Gradient) Reference(string name, float[] p, float[] t) => name switch
    {
        "L1" => ReferenceL1(p, t),
        "Mse" => ReferenceMse(p, t),
        "BceWithLogits" => ReferenceBce(p, t),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    // loss_n = −x[n, y_n] + log Σ_c exp(x[n, c]), mean over n. exp(±100) is finite in double, so no shift is needed.
    private static (double Loss, double[] Gradient) ReferenceCrossEntropy(float[] logits, int[] labels)
    {
        int batch = labels.Length;
        int classes = logits.Length / batch;
        double sum = 0;
        var gradient = new double[logits.Length];
        for (int n = 0; n < batch; n++)
        {
            double sumExp = 0;
            for (int c = 0; c < classes; c++)
            {
                sumExp += Math.Exp(logits[n * classes + c]);
            }

            sum += -logits[n * classes + labels[n]] + Math.Log(sumExp);
            for (int c = 0; c < classes; c++)
            {
                double softmax = Math.Exp(logits[n * classes + c]) / sumExp;
                gradient[n * classes + c] = (softmax - (c == labels[n] ? 1 : 0)) / batch;
            }
        }

        return (sum / batch, gradient);
    }

    // ---- data ----

    private static (float[] Prediction, float[] Target) Data(string name, int seed)
    {
        var random = new Random(seed);
        float[] p = Check.RandomFloats(random, N, -3, 3);
        float[] t;
        if (name == "BceWithLogits")
        {
            t = Check.RandomFloats(random, N, 0, 1);
            for (int i = 0; i < N; i += 4)
            {
                t[i] = i % 8 == 0 ? 1f : 0f; // hard labels too
            }
        }
        else
        {
            t = Check.RandomFloats(random, N, -3, 3);
        }

        return (p, t);
    }

    // ---- values and gradients ----

    [Theory]
    [InlineData("L1")]
    [InlineData("Mse")]
    [InlineData("BceWithLogits")]
    public void Elementwise_MatchesReference(string name)
    {
        (float[] p, float[] t) = Data(name, seed: 41);
        if (name == "L1")
        {
            for (int i = 0; i < N; i += 5)
            {
                t[i] = p[i]; // sign(0) = 0
            }
        }

        var gradient = new float[N];
        Array.Fill(gradient, float.NaN); // must be overwritten
        float loss = Elementwise(name)(p, t, gradient);
        (double expectedLoss, double[] expectedGradient) = Reference(name, p, t);

        Check.Close(expectedLoss, loss, "loss", abs: 1e-6, rel: 1e-5);
        Check.AllClose(expectedGradient, gradient, "gradient", abs: 1e-7, rel: 1e-5);
        if (name == "L1")
        {
            Assert.Equal(0f, gradient[0]);
            Assert.Equal(0f, gradient[5]);
        }
    }

    [Fact]
    public void BceWithLogits_LargeLogits_AreStable()
    {
        float[] x = [100f, -100f, 100f, -100f, 100f, -100f, 60f, -60f, 0f, 20f];
        float[] t = [1f, 0f, 0f, 1f, 0.25f, 0.75f, 1f, 1f, 0.5f, 0f];
        var gradient = new float[x.Length];
        float loss = Loss.BceWithLogits(x, t, gradient);
        (double expectedLoss, double[] expectedGradient) = ReferenceBce(x, t);

        Assert.True(float.IsFinite(loss));
        Check.Close(expectedLoss, loss, "loss", abs: 1e-6, rel: 1e-5);
        Check.AllClose(expectedGradient, gradient, "gradient", abs: 1e-7, rel: 1e-5);
    }

    [Fact]
    public void SoftmaxCrossEntropy_MatchesReference()
    {
        const int batch = 6, classes = 5;
        var random = new Random(42);
        float[] logits = Check.RandomFloats(random, batch * classes, -4, 4);
        int[] labels = new int[batch];
        for (int n = 0; n < batch; n++)
        {
            labels[n] = random.Next(classes);
        }

        // Large logits: a confident right answer, a confident wrong one, and a row of equal huge logits.
        float[] confident = [100f, -100f, 0f, 50f, -50f];
        confident.CopyTo(logits, 0);
        labels[0] = 0;
        confident.CopyTo(logits, classes);
        labels[1] = 1;
        Array.Fill(logits, 100f, 2 * classes, classes);
        labels[2] = 4;
        Array.Fill(logits, -100f, 3 * classes, classes);
        logits[3 * classes + 2] = 100f;
        labels[3] = 3;

        var gradient = new float[logits.Length];
        Array.Fill(gradient, float.NaN);
        float loss = Loss.SoftmaxCrossEntropy(logits, labels, gradient);
        (double expectedLoss, double[] expectedGradient) = ReferenceCrossEntropy(logits, labels);

        Assert.True(float.IsFinite(loss));
        Check.Close(expectedLoss, loss, "loss", abs: 1e-5, rel: 1e-5);
        Check.AllClose(expectedGradient, gradient, "gradient", abs: 1e-7, rel: 1e-5);
    }

    // ---- finite differences of the float functions themselves ----

    [Theory]
    [InlineData("L1")]
    [InlineData("Mse")]
    [InlineData("BceWithLogits")]
    public void Elementwise_GradientMatchesFiniteDifferences(string name)
    {
        const float h = 1e-2f;
        ElementwiseLoss loss = Elementwise(name);
        (float[] p, float[] t) = Data(name, seed: 43);
        var gradient = new float[N];
        loss(p, t, gradient);

        var scratch = new float[N];
        int checkedCount = 0;
        for (int i = 0; i < N; i++)
        {
            if (name == "L1" && Math.Abs(p[i] - t[i]) < 5 * h)
            {
                continue; // not differentiable at p == t
            }

            float original = p[i];
            float plus = original + h;
            float minus = original - h;
            p[i] = plus;
            double lossPlus = loss(p, t, scratch);
            p[i] = minus;
            double lossMinus = loss(p, t, scratch);
            p[i] = original;
            double numeric = (lossPlus - lossMinus) / ((double)plus - minus);
            Check.Close(numeric, gradient[i], $"{name} dL/dp[{i}]", abs: 5e-5, rel: 2e-3);
            checkedCount++;
        }

        Assert.True(checkedCount > N / 2, $"only {checkedCount} elements checked");
    }

    [Fact]
    public void SoftmaxCrossEntropy_GradientMatchesFiniteDifferences()
    {
        const float h = 1e-2f;
        const int batch = 4, classes = 6;
        var random = new Random(44);
        float[] logits = Check.RandomFloats(random, batch * classes, -3, 3);
        int[] labels = [2, 0, 5, 3];
        var gradient = new float[logits.Length];
        Loss.SoftmaxCrossEntropy(logits, labels, gradient);

        var scratch = new float[logits.Length];
        for (int i = 0; i < logits.Length; i++)
        {
            float original = logits[i];
            float plus = original + h;
            float minus = original - h;
            logits[i] = plus;
            double lossPlus = Loss.SoftmaxCrossEntropy(logits, labels, scratch);
            logits[i] = minus;
            double lossMinus = Loss.SoftmaxCrossEntropy(logits, labels, scratch);
            logits[i] = original;
            double numeric = (lossPlus - lossMinus) / ((double)plus - minus);
            Check.Close(numeric, gradient[i], $"dL/dlogits[{i}]", abs: 5e-5, rel: 2e-3);
        }
    }

    // ---- in place ----

    [Theory]
    [InlineData("L1")]
    [InlineData("Mse")]
    [InlineData("BceWithLogits")]
    public void Elementwise_GradientMayOverwritePrediction(string name)
    {
        (float[] p, float[] t) = Data(name, seed: 45);
        var separate = new float[N];
        float expected = Elementwise(name)(p, t, separate);
        float actual = Elementwise(name)(p, t, p);
        Assert.Equal(expected, actual);
        Assert.Equal(separate, p);
    }

    [Fact]
    public void SoftmaxCrossEntropy_GradientMayOverwriteLogits()
    {
        float[] logits = Check.RandomFloats(new Random(46), 12, -3, 3);
        int[] labels = [1, 0, 2];
        var separate = new float[logits.Length];
        float expected = Loss.SoftmaxCrossEntropy(logits, labels, separate);
        float actual = Loss.SoftmaxCrossEntropy(logits, labels, logits);
        Assert.Equal(expected, actual);
        Assert.Equal(separate, logits);
    }

    // ---- empty input and exceptions ----

    [Fact]
    public void EmptyInput_ReturnsNaN()
    {
        Assert.True(float.IsNaN(Loss.L1([], [], [])));
        Assert.True(float.IsNaN(Loss.Mse([], [], [])));
        Assert.True(float.IsNaN(Loss.BceWithLogits([], [], [])));
        Assert.True(float.IsNaN(Loss.SoftmaxCrossEntropy([], [], [])));
    }

    [Theory]
    [InlineData("L1", "prediction")]
    [InlineData("Mse", "prediction")]
    [InlineData("BceWithLogits", "logits")]
    public void Elementwise_LengthMismatch_Throws(string name, string firstName)
    {
        ElementwiseLoss loss = Elementwise(name);
        var p = new float[5];
        var ok = new float[5];
        var gradient = new float[5];

        ArgumentException shortTarget = Assert.Throws<ArgumentException>(() => loss(p, new float[4], gradient));
        Assert.Equal("target", shortTarget.ParamName);
        Assert.Contains("5", shortTarget.Message, StringComparison.Ordinal);
        Assert.Contains(firstName, shortTarget.Message, StringComparison.Ordinal);

        ArgumentException longGradient = Assert.Throws<ArgumentException>(() => loss(p, ok, new float[6]));
        Assert.Equal("gradient", longGradient.ParamName);
        Assert.Contains("expected", longGradient.Message, StringComparison.Ordinal);
        Assert.Contains("5", longGradient.Message, StringComparison.Ordinal);

        var shared = new float[8];
        ArgumentException overlap = Assert.Throws<ArgumentException>(() => loss(shared.AsSpan(0, 5), ok, shared.AsSpan(2, 5)));
        Assert.Equal("gradient", overlap.ParamName);
    }

    [Fact]
    public void SoftmaxCrossEntropy_BadArguments_Throw()
    {
        int[] labels = [0, 2, 1];
        var logits = new float[3 * 4];
        var gradient = new float[3 * 4];

        ArgumentException notMultiple = Assert.Throws<ArgumentException>(() => Loss.SoftmaxCrossEntropy(new float[11], labels, new float[11]));
        Assert.Equal("logits", notMultiple.ParamName);
        Assert.Contains("3", notMultiple.Message, StringComparison.Ordinal);

        ArgumentException noClasses = Assert.Throws<ArgumentException>(() => Loss.SoftmaxCrossEntropy([], labels, []));
        Assert.Equal("logits", noClasses.ParamName);

        ArgumentException wrongGradient = Assert.Throws<ArgumentException>(() => Loss.SoftmaxCrossEntropy(logits, labels, new float[8]));
        Assert.Equal("gradient", wrongGradient.ParamName);
        Assert.Contains("12", wrongGradient.Message, StringComparison.Ordinal);

        ArgumentException emptyLabels = Assert.Throws<ArgumentException>(() => Loss.SoftmaxCrossEntropy(logits, [], gradient));
        Assert.Equal("logits", emptyLabels.ParamName);

        Array.Fill(gradient, 7f);
        ArgumentOutOfRangeException tooLarge = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.SoftmaxCrossEntropy(logits, [0, 4, 1], gradient));
        Assert.Equal("labels", tooLarge.ParamName);
        Assert.Contains("labels[1]", tooLarge.Message, StringComparison.Ordinal);
        Assert.All(gradient, g => Assert.Equal(7f, g)); // checked before anything is written

        ArgumentOutOfRangeException negative = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.SoftmaxCrossEntropy(logits, [0, 1, -1], gradient));
        Assert.Equal("labels", negative.ParamName);
        Assert.Contains("labels[2]", negative.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("L1")]
    [InlineData("Mse")]
    [InlineData("BceWithLogits")]
    public void Elementwise_AllocatesNothing(string name)
    {
        // A loss runs every training step. Warm past the JIT's tier-up first (as the layer allocation tests do).
        (float[] p, float[] t) = Data(name, seed: 3);
        var gradient = new float[N];
        ElementwiseLoss loss = Elementwise(name);
        for (int i = 0; i < 300; i++)
        {
            loss(p, t, gradient);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            loss(p, t, gradient);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void BceWithLogits_GradientsBelowTheSmallestNormalFloat_AreZero()
    {
        // σ(−95)/n is about 5e-42 (subnormal): flushed. σ(−80)/n is about 1.8e-35 / n: kept, as the double reference.
        float[] x = [-95f, -80f, 95f, 3f, -95f, -80f, 95f, 3f, -95f, -80f, 95f, 3f, -95f, -80f, 95f, 3f, -95f, -80f];
        float[] t = [0f, 0f, 1f, 1f, 0f, 0f, 1f, 1f, 0f, 0f, 1f, 1f, 0f, 0f, 1f, 1f, 0f, 0f];
        var gradient = new float[x.Length];
        Loss.BceWithLogits(x, t, gradient);
        for (int i = 0; i < x.Length; i++)
        {
            double sigmoid = 1.0 / (1.0 + Math.Exp(-(double)x[i]));
            double expected = (sigmoid - t[i]) / x.Length;
            if (Math.Abs(expected) < 1.17549435e-38)
            {
                Assert.Equal(0f, gradient[i]);
            }
            else
            {
                Check.Close(expected, gradient[i], $"gradient[{i}]", abs: 0, rel: 1e-5);
            }
        }

        Assert.Contains(gradient, g => g == 0f);
        Assert.Contains(gradient, g => g > 0f && g < 1e-30f);
    }

    [Fact]
    public void BceWithLogits_ConfidentLogits_KeepTheirSmallLoss()
    {
        // log(1 + e) for e = exp(−|x|) tiny: 1 + e rounds in float, and a plain log loses the term. Each logit alone
        // (n = 1) and in a vector-sized batch, against the double formula.
        float[] logits = [10f, 17f, 20f, 30f, -10f, -20f, 50f, -50f, 10f, 17f, 20f, 30f, -10f, -20f, 50f, -50f, 12.5f];
        float[] targets = [1f, 1f, 1f, 1f, 0f, 0f, 1f, 0f, 1f, 1f, 1f, 1f, 0f, 0f, 1f, 0f, 1f];
        for (int i = 0; i < logits.Length; i++)
        {
            double x = logits[i], t = targets[i];
            double expected = Math.Max(x, 0) - x * t + LogOnePlus(Math.Exp(-Math.Abs(x)));
            Check.Close(expected, Loss.BceWithLogits(logits.AsSpan(i, 1), targets.AsSpan(i, 1), new float[1]), $"loss of x = {x}", abs: 0, rel: 1e-5);
        }

        double mean = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            double x = logits[i], t = targets[i];
            mean += (Math.Max(x, 0) - x * t + LogOnePlus(Math.Exp(-Math.Abs(x)))) / logits.Length;
        }

        Check.Close(mean, Loss.BceWithLogits(logits, targets, new float[logits.Length]), "mean loss", abs: 0, rel: 1e-5);

        // log(1 + e) even where 1 + e rounds in double (e below about 1e-8): the series, exact there.
        static double LogOnePlus(double e) => e < 1e-5 ? e - (e * e / 2) + (e * e * e / 3) : Math.Log(1 + e);
    }
}
