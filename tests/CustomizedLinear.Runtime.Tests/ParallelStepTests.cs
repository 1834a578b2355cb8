using System;
using System.Linq;
using Xunit;

namespace CustomizedLinear.Runtime.Tests;

/// <summary><see cref="Optimizer.Step(int)"/>: the chunked parallel update of Adam and AdamW, and the fallback of the others.</summary>
public class ParallelStepTests
{
    /// <summary>Parameters of several chunks (16,384 values each) with a partial last one, and small ones beside them.</summary>
    private static FakeLayer[] Layers(int seed)
    {
        var random = new Random(seed);
        FakeLayer[] layers = [new FakeLayer(300, 131, hasBias: true), new FakeLayer(7, 5, hasBias: false), new FakeLayer(257, 64, hasBias: true)];
        foreach (FakeLayer layer in layers)
        {
            Fill(layer.Weights, random);
            Fill(layer.Bias, random);
        }

        return layers;
    }

    private static void RandomGradients(FakeLayer[] layers, Random random)
    {
        foreach (FakeLayer layer in layers)
        {
            Fill(layer.WeightGrad, random);
            Fill(layer.BiasGrad, random);
        }
    }

    private static void Fill(Span<float> values, Random random)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1);
        }
    }

    [Theory]
    [InlineData(false, 2)]
    [InlineData(false, 3)]
    [InlineData(true, 2)]
    [InlineData(true, 8)]
    public void AdamOnSeveralThreads_GivesTheBitsOfOneThread(bool decoupled, int degree)
    {
        FakeLayer[] one = Layers(5), many = Layers(5);
        Optimizer Make(FakeLayer[] layers) => decoupled ? new AdamW(layers, lr: 0.01f, weightDecay: 0.1f) : new Adam(layers, lr: 0.01f, weightDecay: 0.1f);
        Optimizer serial = Make(one), parallel = Make(many);
        var random = new Random(9);
        for (int step = 0; step < 4; step++)
        {
            int seed = random.Next();
            RandomGradients(one, new Random(seed));
            RandomGradients(many, new Random(seed));
            serial.Step();
            parallel.Step(degree);
        }

        for (int l = 0; l < one.Length; l++)
        {
            Assert.Equal(one[l].Weights.ToArray(), many[l].Weights.ToArray());
            Assert.Equal(one[l].Bias.ToArray(), many[l].Bias.ToArray());
        }

        // And the update did something: a step that wrote nothing would also match.
        Assert.NotEqual(Layers(5)[0].Weights.ToArray(), many[0].Weights.ToArray());
    }

    [Fact]
    public void AdamOnSeveralThreads_FollowsTheTorchFormula()
    {
        var harness = new OptimizerHarness(seed: 23);
        var adam = new Adam(harness.Layers, lr: 0.01f, weightDecay: 0.05f);
        var reference = new ReferenceAdam(0.01, 0.9, 0.999, 1e-8, 0.05, decoupled: false);
        for (int step = 0; step < 5; step++)
        {
            harness.SetRandomGradients();
            adam.Step(2);
            reference.Step(harness.Reference, harness.Gradients());
            harness.AssertMatchesReference($"step {step}");
        }
    }

    [Fact]
    public void SgdAndADegreeOfOne_RunTheOneThreadStep_AndADegreeBelowOneIsRefused()
    {
        FakeLayer[] one = Layers(6), other = Layers(6);
        var serial = new Sgd(one, lr: 0.1f, momentum: 0.9f);
        var parallel = new Sgd(other, lr: 0.1f, momentum: 0.9f);
        RandomGradients(one, new Random(1));
        RandomGradients(other, new Random(1));
        serial.Step();
        parallel.Step(4);
        Assert.Equal(one[0].Weights.ToArray(), other[0].Weights.ToArray());

        var adam = new Adam(Layers(7));
        Assert.Equal("degreeOfParallelism", Assert.Throws<ArgumentOutOfRangeException>(() => adam.Step(0)).ParamName);
        Assert.Equal("degreeOfParallelism", Assert.Throws<ArgumentOutOfRangeException>(() => serial.Step(-1)).ParamName);
    }
}
