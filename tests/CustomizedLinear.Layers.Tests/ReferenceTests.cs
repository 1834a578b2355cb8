using System;
using System.Collections.Generic;
using System.Linq;
using CustomizedLinear.Testing;
using Xunit;

namespace CustomizedLinear.Layers.Tests;

/// <summary>Every generated layer against the dense double-precision reference, forward and backward.</summary>
public sealed class ReferenceTests
{
    // 17 and 130 leave partial groups for the batch kernels (64 samples a group with 512-bit vectors); the pairs
    // leave a last group of exactly three vectors of samples and of one more, with 128-, 256- and 512-bit vectors
    // (a group of at most three takes the three-vector register blocks).
    private static readonly int[] BatchSizes = [1, 3, 8, 17, 28, 29, 64, 88, 89, 112, 113, 130];

    public static IEnumerable<object[]> Cases => RandomLayers.Cases.Select(c => new object[] { c.Index });

    [Fact]
    public void TheMaskSetCoversTheRequiredRange()
    {
        var cases = RandomLayers.Cases;
        Assert.True(cases.Count >= 30);
        Assert.Contains(cases, c => c.Inputs == 1 && c.Outputs == 1);
        Assert.Contains(cases, c => c.Inputs == 300 && c.Outputs == 200);
        Assert.Contains(cases, c => c.Connections == 0);
        Assert.Contains(cases, c => c.Connections == c.Inputs * c.Outputs && c.Inputs * c.Outputs > 1000);
        Assert.Contains(cases, c => c.Bias);
        Assert.Contains(cases, c => !c.Bias);
        Assert.Contains(cases, c => c.OutputsByInputs);
        // Both kernel strategies: unrolled straight-line code and the table-driven kernel.
        Assert.Contains(cases, c => c.Connections > Generator.Limits.KernelLimits.MaxUnrolledConnections);
        Assert.Contains(cases, c => c.Connections > 1000 && c.Connections <= Generator.Limits.KernelLimits.MaxUnrolledConnections);
        // An output with no connections and an input with no connections, in masks that have connections.
        Assert.Contains(cases, c => c.Connections > 0 && Enumerable.Range(0, c.Outputs).Any(o => Enumerable.Range(0, c.Inputs).All(i => !c.Mask[i, o])));
        Assert.Contains(cases, c => c.Connections > 0 && Enumerable.Range(0, c.Inputs).Any(i => Enumerable.Range(0, c.Outputs).All(o => !c.Mask[i, o])));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ShapeAndMaskMatchTheFile(int index)
    {
        MaskCase c = RandomLayers.Cases[index];
        IMaskedLinear layer = RandomLayers.Create(c, seed: 1);
        Assert.Equal(c.Inputs, layer.InputSize);
        Assert.Equal(c.Outputs, layer.OutputSize);
        Assert.Equal(c.Connections, layer.ConnectionCount);
        Assert.Equal(c.Bias, layer.HasBias);
        Assert.Equal(c.Connections, layer.Weights.Length);
        Assert.Equal(c.Bias ? c.Outputs : 0, layer.Bias.Length);
        for (int i = 0; i < c.Inputs; i++)
        {
            for (int o = 0; o < c.Outputs; o++)
            {
                Assert.True(c.Mask[i, o] == layer.IsConnected(i, o), $"IsConnected({i}, {o})");
            }
        }

        // The class's own constants agree with the interface.
        Type type = RandomLayers.TypeOf(c);
        Assert.Equal(c.Inputs, (int)type.GetField("InputSize")!.GetRawConstantValue()!);
        Assert.Equal(c.Outputs, (int)type.GetField("OutputSize")!.GetRawConstantValue()!);
        Assert.Equal(c.Connections, (int)type.GetField("ConnectionCount")!.GetRawConstantValue()!);
        Assert.Equal(c.Bias, (bool)type.GetProperty("HasBias")!.GetValue(null)!);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardAndBackwardMatchTheDenseReference(int index)
    {
        MaskCase c = RandomLayers.Cases[index];
        var random = new Random(index);
        IMaskedLinear layer = RandomLayers.Create(c, seed: 100 + index);
        double[] weight = DenseReference.DenseFromPacked(c.Mask, layer.Weights);
        float[] bias = layer.Bias.ToArray();

        foreach (int batch in BatchSizes)
        {
            float[] x = DenseReference.RandomFloats(random, batch * c.Inputs);
            float[] dy = DenseReference.RandomFloats(random, batch * c.Outputs);

            var y = new float[batch * c.Outputs];
            layer.Forward(x, y);
            DenseReference.AssertClose(y, DenseReference.Forward(c.Mask, weight, bias, x, batch), $"{c} batch {batch} output");

            layer.ZeroGrad();
            var dx = new float[batch * c.Inputs];
            dx.AsSpan().Fill(float.NaN); // Backward must overwrite every element.
            layer.Backward(x, dy, dx);
            var (expectedDx, expectedDw, expectedDb) = DenseReference.Backward(c.Mask, weight, x, dy, batch);
            DenseReference.AssertClose(dx, expectedDx, $"{c} batch {batch} inputGrad");
            DenseReference.AssertClose(layer.WeightGrad, DenseReference.PackedFromDense(c.Mask, expectedDw), $"{c} batch {batch} WeightGrad");
            if (c.Bias)
            {
                DenseReference.AssertClose(layer.BiasGrad, expectedDb, $"{c} batch {batch} BiasGrad");
            }
            else
            {
                Assert.True(layer.BiasGrad.IsEmpty);
            }

            // Without an input gradient the batch path takes its weight-gradient-only sweep.
            layer.ZeroGrad();
            layer.Backward(x, dy, Span<float>.Empty);
            DenseReference.AssertClose(layer.WeightGrad, DenseReference.PackedFromDense(c.Mask, expectedDw), $"{c} batch {batch} WeightGrad without inputGrad");
            if (c.Bias)
            {
                DenseReference.AssertClose(layer.BiasGrad, expectedDb, $"{c} batch {batch} BiasGrad without inputGrad");
            }
        }
    }
}
