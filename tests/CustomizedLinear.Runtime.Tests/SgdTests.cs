using System;
using System.Collections.Generic;
using Xunit;

namespace CustomizedLinear.Runtime.Tests;

public class SgdTests
{
    private const int Steps = 6;

    [Theory]
    [InlineData(0.1f, 0f, 0f, 0f, false)]      // plain
    [InlineData(0.05f, 0.9f, 0.1f, 0f, false)] // momentum + dampening
    [InlineData(0.1f, 0f, 0f, 0.01f, false)]   // weight decay
    [InlineData(0.05f, 0.8f, 0.3f, 0.05f, false)] // momentum + dampening + weight decay
    [InlineData(0.05f, 0.9f, 0f, 0f, true)]    // nesterov
    [InlineData(0.05f, 0.9f, 0f, 0.01f, true)] // nesterov + weight decay
    public void Step_MatchesTorchFormula(float lr, float momentum, float dampening, float weightDecay, bool nesterov)
    {
        var harness = new OptimizerHarness(seed: 11);
        var sgd = new Sgd(harness.Layers, lr, momentum, dampening, weightDecay, nesterov);
        var reference = new ReferenceSgd(lr, momentum, dampening, weightDecay, nesterov);

        for (int step = 1; step <= Steps; step++)
        {
            List<double[]> grads = harness.SetRandomGradients();
            sgd.Step();
            reference.Step(harness.Reference, grads);
            harness.AssertMatchesReference($"step {step}");
        }
    }

    [Theory]
    [InlineData(0f, 0f, 0f, false)]
    [InlineData(0.9f, 0.1f, 0.01f, false)]
    [InlineData(0.9f, 0f, 0.01f, true)]
    public void Step_DoesNotChangeGradients(float momentum, float dampening, float weightDecay, bool nesterov)
    {
        var harness = new OptimizerHarness(seed: 12);
        var sgd = new Sgd(harness.Layers, 0.1f, momentum, dampening, weightDecay, nesterov);
        for (int step = 0; step < 3; step++)
        {
            harness.SetRandomGradients();
            float[][] before = CopyGradients(harness.Layers);
            sgd.Step();
            float[][] after = CopyGradients(harness.Layers);
            Assert.Equal(before, after);
        }
    }

    [Fact]
    public void LearningRate_SetMidway_TakesEffect()
    {
        var harness = new OptimizerHarness(seed: 13);
        var sgd = new Sgd(harness.Layers, lr: 0.1f, momentum: 0.9f, dampening: 0f, weightDecay: 0.01f);
        var reference = new ReferenceSgd(0.1f, 0.9f, 0f, 0.01f, nesterov: false);
        for (int step = 1; step <= 6; step++)
        {
            if (step == 4)
            {
                sgd.LearningRate = 0.02f;
                reference.Lr = 0.02f;
                Assert.Equal(0.02f, sgd.LearningRate);
            }

            List<double[]> grads = harness.SetRandomGradients();
            sgd.Step();
            reference.Step(harness.Reference, grads);
            harness.AssertMatchesReference($"step {step}");
        }
    }

    [Fact]
    public void ZeroGrad_ClearsEveryLayersGradients()
    {
        var harness = new OptimizerHarness(seed: 14);
        var sgd = new Sgd(harness.Layers);
        harness.SetRandomGradients();
        sgd.ZeroGrad();
        foreach (FakeLayer layer in harness.Layers)
        {
            Assert.Equal(1, layer.ZeroGradCalls);
            Assert.All(layer.WeightGrad.ToArray(), g => Assert.Equal(0f, g));
            Assert.All(layer.BiasGrad.ToArray(), g => Assert.Equal(0f, g));
        }
    }

    [Fact]
    public void Defaults_AreTorchDefaults()
    {
        var harness = new OptimizerHarness(seed: 15);
        var sgd = new Sgd(harness.Layers);
        Assert.Equal(1e-3f, sgd.LearningRate);
        var reference = new ReferenceSgd(1e-3f, 0, 0, 0, nesterov: false);
        for (int step = 0; step < 2; step++)
        {
            List<double[]> grads = harness.SetRandomGradients();
            sgd.Step();
            reference.Step(harness.Reference, grads);
        }

        harness.AssertMatchesReference("defaults");
    }

    [Fact]
    public void Constructor_ValidatesLikeTorch()
    {
        FakeLayer[] layers = [new FakeLayer(2, 2, hasBias: true)];
        Assert.Equal("layers", Assert.Throws<ArgumentNullException>(() => new Sgd((IEnumerable<IMaskedLinear>)null!)).ParamName);
        Assert.Equal("lr", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(layers, lr: -0.1f)).ParamName);
        Assert.Equal("lr", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(layers, lr: float.NaN)).ParamName);
        Assert.Equal("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(layers, momentum: -0.5f)).ParamName);
        Assert.Equal("weightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(layers, weightDecay: -1e-4f)).ParamName);
        Assert.Equal("nesterov", Assert.Throws<ArgumentException>(() => new Sgd(layers, momentum: 0f, nesterov: true)).ParamName);
        Assert.Equal("nesterov", Assert.Throws<ArgumentException>(() => new Sgd(layers, momentum: 0.9f, dampening: 0.1f, nesterov: true)).ParamName);
        Assert.Equal("layers", Assert.Throws<ArgumentException>(() => new Sgd([layers[0], null!])).ParamName);
        Assert.Equal("layers", Assert.Throws<ArgumentException>(() => new Sgd([layers[0], layers[0]])).ParamName);

        // Valid edge cases do not throw.
        _ = new Sgd(layers, lr: 0f, momentum: 0.9f, dampening: 0f, nesterov: true);
        _ = new Sgd([]);

        var sgd = new Sgd(layers);
        Assert.Throws<ArgumentOutOfRangeException>(() => sgd.LearningRate = -1f);
        Assert.Equal(1e-3f, sgd.LearningRate);
    }

    internal static float[][] CopyGradients(FakeLayer[] layers)
    {
        var result = new List<float[]>();
        foreach (FakeLayer layer in layers)
        {
            result.Add(layer.WeightGrad.ToArray());
            result.Add(layer.BiasGrad.ToArray());
        }

        return [.. result];
    }
}
