using System;
using System.IO;
using System.Linq;
using Xunit;

namespace CustomizedLinear.Runtime.Tests;

/// <summary>Save then Load into fresh layers gives back every weight and bias bit for bit.</summary>
public class SafeTensorsRoundTripTests
{
    private static readonly string[] Prefixes = ["", "0.", "2.", "encoder.", "layers.10.linear.", "décodeur."];

    [Fact]
    public void RandomLayersRoundTripThroughAStream()
    {
        var random = new Random(20240611);
        for (int trial = 0; trial < 150; trial++)
        {
            (string, IMaskedLinear)[] layers = RandomLayers(random, seedBase: 1000 * trial);
            var stream = new MemoryStream();
            SafeTensors.Save(stream, layers);
            byte[] file = stream.ToArray();

            (string, IMaskedLinear)[] fresh = Fresh(layers, seedBase: 1000 * trial + 500);
            AssertDifferent(layers, fresh);
            SafeTensors.Load(new MemoryStream(file), fresh);
            AssertSame(layers, fresh, $"trial {trial}");

            // Deterministic: the same layers (and their loaded copies) write the same bytes.
            var again = new MemoryStream();
            SafeTensors.Save(again, fresh);
            Assert.Equal(file, again.ToArray());
        }
    }

    [Fact]
    public void RandomLayersRoundTripThroughATemporaryFile()
    {
        var random = new Random(77);
        string path = Path.Combine(Path.GetTempPath(), $"customizedlinear-{Guid.NewGuid():N}.safetensors");
        try
        {
            for (int trial = 0; trial < 20; trial++)
            {
                (string, IMaskedLinear)[] layers = RandomLayers(random, seedBase: 1000 * trial);
                SafeTensors.Save(path, layers);
                (string, IMaskedLinear)[] fresh = Fresh(layers, seedBase: 1000 * trial + 500);
                AssertDifferent(layers, fresh);
                SafeTensors.Load(path, fresh);
                AssertSame(layers, fresh, $"trial {trial}");
            }
        }
        finally
        {
            File.Delete(path);
        }

        Assert.False(File.Exists(path));
    }

    [Fact]
    public void SpecialValuesRoundTripBitForBit()
    {
        // -0.0, NaN payloads, infinities and subnormals at connected positions survive unchanged.
        var layer = new RuntimeMaskedLinear(StLayers.Mask("11", "10", "01"), bias: true, seed: 3);
        uint[] weights = [0x80000000u, 0x7FC01234u, 0xFF800000u, 0x00000001u];
        Assert.Equal(weights.Length, layer.ConnectionCount);
        for (int k = 0; k < weights.Length; k++)
        {
            layer.Weights[k] = BitConverter.UInt32BitsToSingle(weights[k]);
        }

        layer.Bias[0] = BitConverter.UInt32BitsToSingle(0xFFC00001u);
        layer.Bias[1] = float.PositiveInfinity;
        var stream = new MemoryStream();
        SafeTensors.Save(stream, ("", layer));
        var fresh = new RuntimeMaskedLinear(StLayers.Mask("11", "10", "01"), bias: true, seed: 4);
        SafeTensors.Load(new MemoryStream(stream.ToArray()), ("", fresh));
        Assert.Equal(weights, StLayers.Bits(fresh.Weights));
        Assert.Equal([0xFFC00001u, 0x7F800000u], StLayers.Bits(fresh.Bias));
    }

    private static (string, IMaskedLinear)[] RandomLayers(Random random, int seedBase)
    {
        int count = random.Next(1, 5);
        string[] prefixes = [.. Prefixes.OrderBy(_ => random.Next()).Take(count)];
        var layers = new (string, IMaskedLinear)[count];
        for (int k = 0; k < count; k++)
        {
            bool[,] mask = RandomMask(random);
            layers[k] = (prefixes[k], new RuntimeMaskedLinear(mask, bias: random.Next(2) == 0, seed: seedBase + k));
        }

        return layers;
    }

    /// <summary>Sizes 1..40, density 0..1 (the ends included), sometimes a whole input or output cut off.</summary>
    private static bool[,] RandomMask(Random random)
    {
        int inputs = random.Next(1, 41);
        int outputs = random.Next(1, 41);
        double density = random.Next(6) switch
        {
            0 => 0,
            1 => 1,
            _ => random.NextDouble(),
        };
        var mask = new bool[inputs, outputs];
        for (int i = 0; i < inputs; i++)
        {
            for (int o = 0; o < outputs; o++)
            {
                mask[i, o] = random.NextDouble() < density;
            }
        }

        if (random.Next(3) == 0)
        {
            int input = random.Next(inputs);
            for (int o = 0; o < outputs; o++)
            {
                mask[input, o] = false;
            }
        }

        if (random.Next(3) == 0)
        {
            int output = random.Next(outputs);
            for (int i = 0; i < inputs; i++)
            {
                mask[i, output] = false;
            }
        }

        return mask;
    }

    /// <summary>New layers with the same masks, prefixes and bias flags, and different initial weights.</summary>
    private static (string, IMaskedLinear)[] Fresh((string, IMaskedLinear)[] layers, int seedBase) =>
        [.. layers.Select((l, k) => (l.Item1, (IMaskedLinear)new RuntimeMaskedLinear(MaskOf(l.Item2), l.Item2.HasBias, seedBase + k)))];

    private static bool[,] MaskOf(IMaskedLinear layer)
    {
        var mask = new bool[layer.InputSize, layer.OutputSize];
        for (int i = 0; i < layer.InputSize; i++)
        {
            for (int o = 0; o < layer.OutputSize; o++)
            {
                mask[i, o] = layer.IsConnected(i, o);
            }
        }

        return mask;
    }

    private static void AssertSame((string, IMaskedLinear)[] expected, (string, IMaskedLinear)[] actual, string what)
    {
        for (int k = 0; k < expected.Length; k++)
        {
            IMaskedLinear a = expected[k].Item2;
            IMaskedLinear b = actual[k].Item2;
            Assert.True(StLayers.Bits(a.Weights).AsSpan().SequenceEqual(StLayers.Bits(b.Weights)), $"{what}: layer {k} ('{expected[k].Item1}') weights differ");
            Assert.True(StLayers.Bits(a.Bias).AsSpan().SequenceEqual(StLayers.Bits(b.Bias)), $"{what}: layer {k} ('{expected[k].Item1}') bias differs");
        }
    }

    /// <summary>Fresh layers start from other values, so equality after the load is the load's doing.</summary>
    private static void AssertDifferent((string, IMaskedLinear)[] expected, (string, IMaskedLinear)[] fresh)
    {
        for (int k = 0; k < expected.Length; k++)
        {
            IMaskedLinear a = expected[k].Item2;
            IMaskedLinear b = fresh[k].Item2;
            if (a.ConnectionCount > 0)
            {
                Assert.False(StLayers.Bits(a.Weights).AsSpan().SequenceEqual(StLayers.Bits(b.Weights)), $"fresh layer {k} starts with the same weights");
            }

            if (a.HasBias)
            {
                Assert.False(StLayers.Bits(a.Bias).AsSpan().SequenceEqual(StLayers.Bits(b.Bias)), $"fresh layer {k} starts with the same bias");
            }
        }
    }
}
