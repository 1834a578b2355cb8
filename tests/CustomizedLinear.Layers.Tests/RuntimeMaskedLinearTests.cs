using System;
using System.Collections.Generic;
using System.Linq;
using CustomizedLinear.Testing;
using Xunit;

namespace CustomizedLinear.Layers.Tests;

/// <summary>RuntimeMaskedLinear against the dense reference, and against the generated layer of the same mask.</summary>
public sealed class RuntimeMaskedLinearTests
{
    public static IEnumerable<object[]> Cases => RandomLayers.Cases.Where(c => c.Index % 3 == 0).Select(c => new object[] { c.Index });

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesTheDenseReferenceAndTheGeneratedLayer(int index)
    {
        MaskCase c = RandomLayers.Cases[index];
        var layer = new RuntimeMaskedLinear(c.Mask, c.Bias, seed: 5);
        IMaskedLinear generated = RandomLayers.Create(c, seed: 5);
        Assert.Equal((c.Inputs, c.Outputs, c.Connections, c.Bias), (layer.InputSize, layer.OutputSize, layer.ConnectionCount, layer.HasBias));
        // Same seed, same canonical order: the same initial parameters as the generated layer.
        Assert.Equal(generated.Weights.ToArray(), layer.Weights.ToArray());
        Assert.Equal(generated.Bias.ToArray(), layer.Bias.ToArray());

        var random = new Random(index);
        double[] weight = DenseReference.DenseFromPacked(c.Mask, layer.Weights);
        foreach (int batch in new[] { 1, 5, 33 })
        {
            float[] x = DenseReference.RandomFloats(random, batch * c.Inputs);
            float[] dy = DenseReference.RandomFloats(random, batch * c.Outputs);
            var y = new float[batch * c.Outputs];
            layer.Forward(x, y);
            DenseReference.AssertClose(y, DenseReference.Forward(c.Mask, weight, layer.Bias, x, batch), $"{c} output");

            layer.ZeroGrad();
            var dx = new float[batch * c.Inputs];
            layer.Backward(x, dy, dx);
            var expected = DenseReference.Backward(c.Mask, weight, x, dy, batch);
            DenseReference.AssertClose(dx, expected.InputGrad, $"{c} inputGrad");
            DenseReference.AssertClose(layer.WeightGrad, DenseReference.PackedFromDense(c.Mask, expected.WeightGrad), $"{c} WeightGrad");
            if (c.Bias)
            {
                DenseReference.AssertClose(layer.BiasGrad, expected.BiasGrad, $"{c} BiasGrad");
            }
        }

        for (int i = 0; i < c.Inputs; i++)
        {
            for (int o = 0; o < c.Outputs; o++)
            {
                Assert.Equal(c.Mask[i, o], layer.IsConnected(i, o));
            }
        }
    }

    [Fact]
    public void RejectsWrongSpansLikeAGeneratedLayer()
    {
        var layer = new RuntimeMaskedLinear(new[,] { { true, false }, { true, true } }, seed: 1);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => layer.Forward(new float[4], new float[3])).ParamName);
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => layer.Forward(new float[3], new float[2])).ParamName);
        Assert.Equal("weight", Assert.Throws<ArgumentException>(() => layer.LoadDenseWeight([1f, 1f, 1f, 1f])).ParamName);
        Assert.Equal("mask", Assert.Throws<ArgumentException>(() => new RuntimeMaskedLinear(new bool[0, 3])).ParamName);
    }
}
