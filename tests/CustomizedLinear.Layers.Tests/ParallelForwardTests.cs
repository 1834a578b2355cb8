using System;
using System.Linq;
using Xunit;

namespace CustomizedLinear.Layers.Tests;

/// <summary>The optional multi-threaded Forward overload.</summary>
[Collection(nameof(ParallelPaths))]
public sealed class ParallelForwardTests
{
    [Theory]
    [InlineData(300, 2)]
    [InlineData(300, 3)]
    [InlineData(1000, 8)]
    [InlineData(17, 4)]
    [InlineData(5, 2)]
    public void IsBitwiseEqualToTheSingleThreadedForward(int batch, int degreeOfParallelism)
    {
        var layer = new ParallelLayer(seed: 4);
        var random = new Random(batch);
        float[] x = Enumerable.Range(0, batch * ParallelLayer.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var expected = new float[batch * ParallelLayer.OutputSize];
        var actual = new float[expected.Length];
        actual.AsSpan().Fill(float.NaN);

        layer.Forward(x, expected);
        layer.Forward(x, actual, degreeOfParallelism);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void RejectsADegreeBelowOneAndWrongSpans()
    {
        var layer = new ParallelLayer(seed: 4);
        Assert.Equal("degreeOfParallelism", Assert.Throws<ArgumentOutOfRangeException>(() => layer.Forward(new float[128], new float[96], 0)).ParamName);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => layer.Forward(new float[128 * 40], new float[96], 2)).ParamName);
    }
}
