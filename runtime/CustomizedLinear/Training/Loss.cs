using System;
using System.Numerics;

namespace CustomizedLinear;

/// <summary>
/// Loss functions with mean reduction, like the PyTorch modules of the same names. Each returns the loss
/// and overwrites <c>gradient</c> with dLoss/dPrediction. Sums are accumulated in double. An empty input
/// returns <see cref="float.NaN"/> (PyTorch's mean of nothing). <c>gradient</c> may be exactly the same
/// memory as the prediction (in place) but must not partially overlap it.
/// </summary>
public static class Loss
{
    /// <summary>The smallest positive normal float (2⁻¹²⁶); below it floats are subnormal.</summary>
    private const float SmallestNormal = 1.17549435e-38f;

    /// <summary>
    /// Mean absolute error, like <c>nn.L1Loss</c>: <c>mean(|p − t|)</c>; the gradient is
    /// <c>sign(p − t) / n</c> with <c>sign(0) = 0</c>.
    /// </summary>
    /// <param name="prediction">The predictions.</param>
    /// <param name="target">The targets; the same length as <paramref name="prediction"/>.</param>
    /// <param name="gradient">Receives dLoss/dPrediction; the same length as <paramref name="prediction"/>.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">A length differs from <paramref name="prediction"/>'s, or <paramref name="gradient"/> partially overlaps an input.</exception>
    public static float L1(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> gradient)
    {
        CheckElementwise(prediction, target, gradient, nameof(prediction), nameof(target));
        int n = prediction.Length;
        if (n == 0)
        {
            return float.NaN;
        }

        float scale = 1f / n;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            float difference = prediction[i] - target[i];
            sum += Math.Abs((double)difference);
            float sign = difference > 0f ? 1f : difference < 0f ? -1f : float.IsNaN(difference) ? float.NaN : 0f;
            gradient[i] = sign * scale;
        }

        return (float)(sum / n);
    }

    /// <summary>
    /// Mean squared error, like <c>nn.MSELoss</c>: <c>mean((p − t)²)</c>; the gradient is <c>2 (p − t) / n</c>.
    /// </summary>
    /// <param name="prediction">The predictions.</param>
    /// <param name="target">The targets; the same length as <paramref name="prediction"/>.</param>
    /// <param name="gradient">Receives dLoss/dPrediction; the same length as <paramref name="prediction"/>.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">A length differs from <paramref name="prediction"/>'s, or <paramref name="gradient"/> partially overlaps an input.</exception>
    public static float Mse(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> gradient)
    {
        CheckElementwise(prediction, target, gradient, nameof(prediction), nameof(target));
        int n = prediction.Length;
        if (n == 0)
        {
            return float.NaN;
        }

        float scale = 2f / n;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            float difference = prediction[i] - target[i];
            sum += (double)difference * difference;
            gradient[i] = difference * scale;
        }

        return (float)(sum / n);
    }

    /// <summary>
    /// Binary cross-entropy on logits, like <c>nn.BCEWithLogitsLoss</c>, in the numerically stable form
    /// <c>mean(max(x, 0) − x·t + log(1 + exp(−|x|)))</c>; the gradient is <c>(σ(x) − t) / n</c>, except that a
    /// gradient smaller in magnitude than the smallest normal float (2⁻¹²⁶, about 1.2e-38) is written as 0
    /// (<c>torch</c> keeps the subnormal value): such a value changes no float sum it joins, and every
    /// multiply-add that reads a subnormal operand is many times slower on x86. The flush applies to this mean
    /// gradient, before any caller scales it.
    /// </summary>
    /// <param name="logits">The logits <c>x</c>.</param>
    /// <param name="target">The targets <c>t</c> (probabilities); the same length as <paramref name="logits"/>.</param>
    /// <param name="gradient">Receives dLoss/dLogits; the same length as <paramref name="logits"/>.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">A length differs from <paramref name="logits"/>'s, or <paramref name="gradient"/> partially overlaps an input.</exception>
    public static float BceWithLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> target, Span<float> gradient)
    {
        CheckElementwise(logits, target, gradient, nameof(logits), nameof(target));
        int n = logits.Length;
        if (n == 0)
        {
            return float.NaN;
        }

        // Vectors of floats (exp and log element-wise in float, the sum widened to double lane by lane): a MADE
        // batch has 78,400 logits, and one exp and one log each in double would cost more than the batch's
        // forward pass. log(1 + e) is taken as log(u) · e / (u − 1) with u = 1 + e rounded (Goldberg's log1p):
        // for a confident logit 1 + e rounds to 1 or near it and a plain log would lose the term. The double sum
        // keeps the total exact enough. The flush of subnormal gradients (see the summary) was measured on the
        // MADE sample, whose always-black border pixels reach them within 15 epochs: its epochs took twice as long
        // while its gradients held them.
        double sum = 0;
        float scale = (float)(1.0 / n);
        int i = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            var vectorScale = new Vector<float>(scale);
            Vector<double> sumLow = Vector<double>.Zero, sumHigh = Vector<double>.Zero;
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                var x = new Vector<float>(logits[i..]);
                var t = new Vector<float>(target[i..]);
                Vector<float> e = Vector.Exp(-Vector.Abs(x)); // in (0, 1]: never overflows
                Vector<float> onePlusE = Vector<float>.One + e;
                Vector<float> log1p = Vector.ConditionalSelect(Vector.Equals(onePlusE, Vector<float>.One), e, Vector.Log(onePlusE) * e / (onePlusE - Vector<float>.One));
                Vector<float> term = Vector.Max(x, Vector<float>.Zero) - x * t + log1p;
                Vector<float> sigmoid = Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, Vector<float>.Zero), Vector<float>.One, e) / onePlusE;
                Vector<float> g = (sigmoid - t) * vectorScale;
                Vector.ConditionalSelect(Vector.LessThan(Vector.Abs(g), new Vector<float>(SmallestNormal)), Vector<float>.Zero, g).CopyTo(gradient[i..]);
                Vector.Widen(term, out Vector<double> low, out Vector<double> high);
                sumLow += low;
                sumHigh += high;
            }

            sum = Vector.Sum(sumLow + sumHigh);
        }

        for (; i < n; i++)
        {
            float x = logits[i];
            float t = target[i];
            float e = MathF.Exp(-MathF.Abs(x));
            float onePlusE = 1f + e;
            float log1p = onePlusE == 1f ? e : MathF.Log(onePlusE) * e / (onePlusE - 1f);
            sum += MathF.Max(x, 0f) - x * t + log1p;
            float sigmoid = (x >= 0f ? 1f : e) / onePlusE;
            float g = (sigmoid - t) * scale;
            gradient[i] = MathF.Abs(g) < SmallestNormal ? 0f : g;
        }

        return (float)(sum / n);
    }

    /// <summary>
    /// Softmax cross-entropy, like <c>nn.CrossEntropyLoss</c> with class-index targets: the mean over the batch
    /// of <c>logsumexp(x) − x[label]</c> (computed stably); the gradient is <c>(softmax(x) − onehot(label)) / batch</c>.
    /// </summary>
    /// <param name="logits">The logits, <c>[batch, classes]</c> row-major, with <c>batch = labels.Length</c>.</param>
    /// <param name="labels">The class index of each row, in <c>[0, classes)</c>.</param>
    /// <param name="gradient">Receives dLoss/dLogits; the same length as <paramref name="logits"/>.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="logits"/> is not a non-empty multiple of <c>labels.Length</c>, <paramref name="gradient"/>'s
    /// length differs from <paramref name="logits"/>'s, or <paramref name="gradient"/> partially overlaps <paramref name="logits"/>.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside <c>[0, classes)</c>.</exception>
    public static float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> gradient)
    {
        int batch = labels.Length;
        if (batch == 0)
        {
            if (!logits.IsEmpty)
            {
                throw new ArgumentException(
                    $"logits has {logits.Length} values; expected batch × classes = 0 × classes = 0 for an empty labels span.",
                    nameof(logits));
            }

            RequireLength(gradient.Length, 0, nameof(gradient), "logits");
            return float.NaN;
        }

        if (logits.Length % batch != 0 || logits.IsEmpty)
        {
            throw new ArgumentException(
                $"logits has {logits.Length} values; expected batch × classes with batch = labels.Length = {batch} and classes ≥ 1, i.e. a positive multiple of {batch}.",
                nameof(logits));
        }

        int classes = logits.Length / batch;
        RequireLength(gradient.Length, logits.Length, nameof(gradient), "logits");
        CheckNoPartialOverlap(logits, gradient, nameof(gradient));
        for (int row = 0; row < batch; row++)
        {
            int label = labels[row];
            if ((uint)label >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(labels), label, $"labels[{row}] is {label}; expected a class index in [0, {classes}).");
            }
        }

        double scale = 1.0 / batch;
        double sum = 0;
        for (int row = 0; row < batch; row++)
        {
            ReadOnlySpan<float> x = logits.Slice(row * classes, classes);
            Span<float> g = gradient.Slice(row * classes, classes);
            int label = labels[row];

            float max = float.NegativeInfinity;
            foreach (float value in x)
            {
                max = Math.Max(max, value);
            }

            double sumExp = 0;
            foreach (float value in x)
            {
                sumExp += Math.Exp((double)value - max);
            }

            double logSumExp = max + Math.Log(sumExp);
            sum += logSumExp - x[label];

            // x is read before g is written at each index, so g may be exactly x (in place).
            for (int j = 0; j < classes; j++)
            {
                double softmax = Math.Exp((double)x[j] - max) / sumExp;
                g[j] = (float)((j == label ? softmax - 1.0 : softmax) * scale);
            }
        }

        return (float)(sum / batch);
    }

    private static void CheckElementwise(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> gradient, string predictionName, string targetName)
    {
        RequireLength(target.Length, prediction.Length, targetName, predictionName);
        RequireLength(gradient.Length, prediction.Length, nameof(gradient), predictionName);
        CheckNoPartialOverlap(prediction, gradient, nameof(gradient));
        CheckNoPartialOverlap(target, gradient, nameof(gradient));
    }

    /// <summary>The message is built only when thrown: a loss runs every training step and must not allocate.</summary>
    private static void RequireLength(int actual, int expected, string paramName, string lengthOf)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{paramName} has {actual} values; expected {lengthOf}.Length = {expected}.", paramName);
        }
    }

    private static void CheckNoPartialOverlap(ReadOnlySpan<float> input, ReadOnlySpan<float> output, string outputName)
    {
        if (input.Overlaps(output, out int offset) && offset != 0)
        {
            throw new ArgumentException(
                $"{outputName} partially overlaps an input (offset {offset}); it may be exactly the same memory or separate memory.",
                outputName);
        }
    }
}
