using System;
using System.Collections.Generic;
using Xunit;

namespace CustomizedLinear.Runtime.Tests;

public class AdamTests
{
    private const int Steps = 6;

    [Theory]
    [InlineData(0.01f, 0.9f, 0.999f, 1e-8f, 0f)]
    [InlineData(0.01f, 0.9f, 0.999f, 1e-8f, 0.1f)]
    [InlineData(0.02f, 0.5f, 0.9f, 1e-3f, 0.05f)]
    [InlineData(0.01f, 0f, 0.99f, 1e-8f, 0f)]
    public void Adam_MatchesTorchFormula(float lr, float beta1, float beta2, float eps, float weightDecay)
    {
        var harness = new OptimizerHarness(seed: 21);
        var adam = new Adam(harness.Layers, lr, beta1, beta2, eps, weightDecay);
        var reference = new ReferenceAdam(lr, beta1, beta2, eps, weightDecay, decoupled: false);
        RunAndCompare(harness, adam, reference);
    }

    [Theory]
    [InlineData(0.01f, 0.9f, 0.999f, 1e-8f, 0.01f)]
    [InlineData(0.01f, 0.9f, 0.999f, 1e-8f, 0.5f)]
    [InlineData(0.02f, 0.5f, 0.9f, 1e-3f, 0f)]
    public void AdamW_MatchesTorchFormula(float lr, float beta1, float beta2, float eps, float weightDecay)
    {
        var harness = new OptimizerHarness(seed: 22);
        var adamW = new AdamW(harness.Layers, lr, beta1, beta2, eps, weightDecay);
        var reference = new ReferenceAdam(lr, beta1, beta2, eps, weightDecay, decoupled: true);
        RunAndCompare(harness, adamW, reference);
    }

    [Fact]
    public void Defaults_AreTorchDefaults()
    {
        var adamHarness = new OptimizerHarness(seed: 23);
        var adam = new Adam(adamHarness.Layers);
        Assert.Equal(1e-3f, adam.LearningRate);
        RunAndCompare(adamHarness, adam, new ReferenceAdam(1e-3f, 0.9f, 0.999f, 1e-8f, 0, decoupled: false));

        var adamWHarness = new OptimizerHarness(seed: 23);
        var adamW = new AdamW(adamWHarness.Layers);
        Assert.Equal(1e-3f, adamW.LearningRate);
        RunAndCompare(adamWHarness, adamW, new ReferenceAdam(1e-3f, 0.9f, 0.999f, 1e-8f, 1e-2f, decoupled: true));
    }

    [Fact]
    public void AdamW_DiffersFromAdamWithWeightDecay()
    {
        var adamHarness = new OptimizerHarness(seed: 24);
        var adamWHarness = new OptimizerHarness(seed: 24);
        var adam = new Adam(adamHarness.Layers, lr: 0.01f, weightDecay: 0.5f);
        var adamW = new AdamW(adamWHarness.Layers, lr: 0.01f, weightDecay: 0.5f);
        for (int step = 0; step < Steps; step++)
        {
            adamHarness.SetRandomGradients();
            adamWHarness.SetRandomGradients(); // same seed, so the same gradients
            adam.Step();
            adamW.Step();
        }

        double largest = 0;
        List<double[]> a = adamHarness.Parameters();
        List<double[]> w = adamWHarness.Parameters();
        for (int p = 0; p < a.Count; p++)
        {
            for (int i = 0; i < a[p].Length; i++)
            {
                largest = Math.Max(largest, Math.Abs(a[p][i] - w[p][i]));
            }
        }

        // Far beyond the 1e-5 + 1e-4·|b| tolerance both are checked against their references with.
        Assert.True(largest > 1e-3, $"Adam and AdamW with weight decay differ by at most {largest}.");
    }

    [Fact]
    public void AdamW_WithoutWeightDecay_EqualsAdam()
    {
        var adamHarness = new OptimizerHarness(seed: 25);
        var adamWHarness = new OptimizerHarness(seed: 25);
        var adam = new Adam(adamHarness.Layers, lr: 0.01f);
        var adamW = new AdamW(adamWHarness.Layers, lr: 0.01f, weightDecay: 0f);
        for (int step = 0; step < Steps; step++)
        {
            adamHarness.SetRandomGradients();
            adamWHarness.SetRandomGradients();
            adam.Step();
            adamW.Step();
        }

        Assert.Equal(adamHarness.Parameters(), adamWHarness.Parameters());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LearningRate_SetMidway_TakesEffect(bool decoupled)
    {
        var harness = new OptimizerHarness(seed: 26);
        Adam optimizer = decoupled
            ? new AdamW(harness.Layers, lr: 0.01f, weightDecay: 0.1f)
            : new Adam(harness.Layers, lr: 0.01f, weightDecay: 0.1f);
        var reference = new ReferenceAdam(0.01f, 0.9f, 0.999f, 1e-8f, 0.1f, decoupled);
        for (int step = 1; step <= Steps; step++)
        {
            if (step == 4)
            {
                optimizer.LearningRate = 0.003f;
                reference.Lr = 0.003f;
            }

            List<double[]> grads = harness.SetRandomGradients();
            optimizer.Step();
            reference.Step(harness.Reference, grads);
            harness.AssertMatchesReference($"step {step}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Step_DoesNotChangeGradients(bool decoupled)
    {
        var harness = new OptimizerHarness(seed: 27);
        Adam optimizer = decoupled
            ? new AdamW(harness.Layers, lr: 0.01f, weightDecay: 0.1f)
            : new Adam(harness.Layers, lr: 0.01f, weightDecay: 0.1f);
        for (int step = 0; step < 3; step++)
        {
            harness.SetRandomGradients();
            float[][] before = SgdTests.CopyGradients(harness.Layers);
            optimizer.Step();
            Assert.Equal(before, SgdTests.CopyGradients(harness.Layers));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Constructor_ValidatesLikeTorch(bool decoupled)
    {
        FakeLayer[] layers = [new FakeLayer(2, 2, hasBias: false)];
        Func<IEnumerable<IMaskedLinear>, float, float, float, float, float, Adam> create = decoupled
            ? (l, lr, b1, b2, eps, wd) => new AdamW(l, lr, b1, b2, eps, wd)
            : (l, lr, b1, b2, eps, wd) => new Adam(l, lr, b1, b2, eps, wd);

        Assert.Equal("layers", Assert.Throws<ArgumentNullException>(() => create(null!, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f)).ParamName);
        Assert.Equal("lr", Assert.Throws<ArgumentOutOfRangeException>(() => create(layers, -1e-3f, 0.9f, 0.999f, 1e-8f, 0f)).ParamName);
        Assert.Equal("eps", Assert.Throws<ArgumentOutOfRangeException>(() => create(layers, 1e-3f, 0.9f, 0.999f, -1e-8f, 0f)).ParamName);
        Assert.Equal("beta1", Assert.Throws<ArgumentOutOfRangeException>(() => create(layers, 1e-3f, 1f, 0.999f, 1e-8f, 0f)).ParamName);
        Assert.Equal("beta1", Assert.Throws<ArgumentOutOfRangeException>(() => create(layers, 1e-3f, -0.1f, 0.999f, 1e-8f, 0f)).ParamName);
        Assert.Equal("beta2", Assert.Throws<ArgumentOutOfRangeException>(() => create(layers, 1e-3f, 0.9f, 1f, 1e-8f, 0f)).ParamName);
        Assert.Equal("beta2", Assert.Throws<ArgumentOutOfRangeException>(() => create(layers, 1e-3f, 0.9f, -0.5f, 1e-8f, 0f)).ParamName);
        Assert.Equal("weightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => create(layers, 1e-3f, 0.9f, 0.999f, 1e-8f, -0.01f)).ParamName);

        // Range edges torch accepts.
        _ = create(layers, 0f, 0f, 0f, 0f, 0f);
    }

    [Theory]
    [InlineData(false, 0f)]
    [InlineData(false, 0.1f)]
    [InlineData(true, 0.1f)]
    public void Step_GivesTheBitsOfTheElementWiseFloatFormula_InTheVectorBodyAndTheTail(bool decoupled, float weightDecay)
    {
        // 35 weights: whole vectors of every width and a tail. The reference is the same float operations one
        // element at a time, each product and sum rounded separately, in the order the implementation documents.
        var layer = new FakeLayer(inputSize: 7, outputSize: 5, hasBias: true);
        var random = new Random(31);
        Check.RandomFloats(random, layer.Weights.Length, -1, 1).CopyTo(layer.Weights);
        Check.RandomFloats(random, layer.Bias.Length, -1, 1).CopyTo(layer.Bias);
        const float lr = 0.01f, beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
        Adam optimizer = decoupled ? new AdamW([layer], lr, beta1, beta2, eps, weightDecay) : new Adam([layer], lr, beta1, beta2, eps, weightDecay);
        float[][] p = [layer.Weights.ToArray(), layer.Bias.ToArray()];
        float[][] m = [new float[p[0].Length], new float[p[1].Length]];
        float[][] v = [new float[p[0].Length], new float[p[1].Length]];
        for (int step = 1; step <= 5; step++)
        {
            Check.RandomFloats(random, layer.WeightGrad.Length, -1, 1).CopyTo(layer.WeightGrad);
            Check.RandomFloats(random, layer.BiasGrad.Length, -1, 1).CopyTo(layer.BiasGrad);
            float[][] g = [layer.WeightGrad.ToArray(), layer.BiasGrad.ToArray()];
            optimizer.Step();

            float stepSize = (float)(lr / (1.0 - Math.Pow(beta1, step)));
            float bc2Sqrt = (float)Math.Sqrt(1.0 - Math.Pow(beta2, step));
            float decay = (float)(1.0 - (double)lr * weightDecay);
            for (int t = 0; t < 2; t++)
            {
                for (int i = 0; i < p[t].Length; i++)
                {
                    float gi = g[t][i];
                    if (weightDecay != 0f && !decoupled)
                    {
                        gi = (p[t][i] * weightDecay) + gi;
                    }
                    else if (weightDecay != 0f)
                    {
                        p[t][i] *= decay;
                    }

                    m[t][i] = (m[t][i] * beta1) + (gi * (1f - beta1));
                    v[t][i] = (v[t][i] * beta2) + (gi * gi * (1f - beta2));
                    float denominator = (MathF.Sqrt(v[t][i]) / bc2Sqrt) + eps;
                    p[t][i] = (m[t][i] / denominator * -stepSize) + p[t][i];
                }
            }

            Assert.Equal(p[0], layer.Weights.ToArray());
            Assert.Equal(p[1], layer.Bias.ToArray());
        }
    }

    private static void RunAndCompare(OptimizerHarness harness, Optimizer optimizer, ReferenceAdam reference)
    {
        for (int step = 1; step <= Steps; step++)
        {
            List<double[]> grads = harness.SetRandomGradients();
            optimizer.Step();
            reference.Step(harness.Reference, grads);
            harness.AssertMatchesReference($"step {step}");
        }
    }
}
