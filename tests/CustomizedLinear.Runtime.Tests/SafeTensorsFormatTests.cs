using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using CustomizedLinear.Testing;
using Xunit;

namespace CustomizedLinear.Runtime.Tests;

/// <summary>
/// SafeTensors against files built by hand here and against this file's own reading of what Save writes.
/// The layer used throughout has 3 inputs and 2 outputs: output 0 reads inputs 0 and 1, output 1 reads
/// inputs 1 and 2, so its dense weight is <c>[[a, b, 0], [0, c, d]]</c> and its packed weights <c>[a, b, c, d]</c>.
/// </summary>
public class SafeTensorsFormatTests
{
    private static readonly float[] MaskDense = [1, 1, 0, 0, 1, 1];

    private static RuntimeMaskedLinear Layer(bool bias = true, int seed = 11) => new(StLayers.Mask("10", "11", "01"), bias, seed);

    [Fact]
    public void LoadsAHandBuiltF32File()
    {
        byte[] file = new RawSafeTensors()
            .F32("bias", [2], 0.5f, -1f)
            .F32("mask", [2, 3], MaskDense)
            .F32("weight", [2, 3], 1.5f, -2.25f, 0f, -0f, 3f, 0.125f)
            .Build();
        var layer = Layer();
        SafeTensors.Load(new MemoryStream(file), ("", layer));
        Assert.Equal([1.5f, -2.25f, 3f, 0.125f], layer.Weights.ToArray());
        Assert.Equal([0.5f, -1f], layer.Bias.ToArray());
    }

    [Fact]
    public void LoadsAnyHeaderAndDataOrderWhitespaceAndNoPadding()
    {
        // Header lists weight, bias, mask; the data holds mask, weight, bias; JSON with spaces; no padding.
        string header = "{ \"weight\" : {\"shape\": [2, 3], \"data_offsets\": [24, 48], \"dtype\": \"F32\"},\n"
            + " \"bias\": {\"dtype\": \"F32\", \"data_offsets\": [48, 56], \"shape\": [2]},"
            + " \"mask\": {\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [0, 24]} }";
        byte[] data = [.. Bytes.F32(MaskDense), .. Bytes.F32(7f, 8f, 0f, 0f, 9f, 10f), .. Bytes.F32(-3f, 4f)];
        byte[] file = Bytes.File(header, data, pad: false);
        Assert.NotEqual(0, (file.Length - 8 - data.Length) % 8);
        var layer = Layer();
        SafeTensors.Load(new MemoryStream(file), ("", layer));
        Assert.Equal([7f, 8f, 9f, 10f], layer.Weights.ToArray());
        Assert.Equal([-3f, 4f], layer.Bias.ToArray());
    }

    [Fact]
    public void LoadsAFileWithoutMaskLikeNnLinear()
    {
        byte[] file = new RawSafeTensors { Metadata = null }
            .F32("weight", [2, 3], 1f, 2f, 0f, 0f, 3f, 4f)
            .F32("bias", [2], 5f, 6f)
            .Build();
        var layer = Layer();
        SafeTensors.Load(new MemoryStream(file), ("", layer));
        Assert.Equal([1f, 2f, 3f, 4f], layer.Weights.ToArray());
        Assert.Equal([5f, 6f], layer.Bias.ToArray());
    }

    [Fact]
    public void F16IsDecodedFromKnownBitPatterns()
    {
        // 0x3C00 = 1, 0xC000 = -2, 0x8000 = -0 (unconnected), 0x3555 = 0.333251953125, 0x7BFF = 65504 (max half),
        // 0x0001 = 2^-24 (smallest subnormal), 0xFC00 = -infinity.
        byte[] file = new RawSafeTensors()
            .Add("weight", "F16", [2, 3], Bytes.U16(0x3C00, 0xC000, 0x0000, 0x8000, 0x3555, 0x7BFF))
            .Add("bias", "F16", [2], Bytes.U16(0x0001, 0xFC00))
            .Add("mask", "F16", [2, 3], Bytes.U16(0x3C00, 0x3C00, 0, 0, 0x3C00, 0x3C00))
            .Build();
        var layer = Layer();
        SafeTensors.Load(new MemoryStream(file), ("", layer));
        Assert.Equal([1f, -2f, 0.333251953125f, 65504f], layer.Weights.ToArray());
        Assert.Equal([MathF.Pow(2, -24), float.NegativeInfinity], layer.Bias.ToArray());
    }

    [Fact]
    public void BF16IsTheUpperHalfOfAFloat32()
    {
        // 0x3F80 = 1, 0x4049 = 3.140625, 0xC2F7 = -123.5, 0x0001 = float bits 0x00010000 (a subnormal),
        // 0x7FC0 = NaN, 0x8000 = -0.
        byte[] file = new RawSafeTensors()
            .Add("weight", "BF16", [2, 3], Bytes.U16(0x3F80, 0x4049, 0, 0, 0xC2F7, 0x0001))
            .Add("bias", "BF16", [2], Bytes.U16(0x7FC0, 0x8000))
            .Add("mask", "BF16", [2, 3], Bytes.U16(0x3F80, 0x3F80, 0, 0, 0x3F80, 0x3F80))
            .Build();
        var layer = Layer();
        SafeTensors.Load(new MemoryStream(file), ("", layer));
        Assert.Equal([0x3F800000u, 0x40490000u, 0xC2F70000u, 0x00010000u], StLayers.Bits(layer.Weights));
        Assert.Equal(3.140625f, layer.Weights[1]);
        Assert.Equal(-123.5f, layer.Weights[2]);
        Assert.Equal([0x7FC00000u, 0x80000000u], StLayers.Bits(layer.Bias));
    }

    [Fact]
    public void F64IsRoundedToNearestFloat32()
    {
        // 0.1 → 0x3DCCCCCD; 1/3 → 0x3EAAAAAB; 1e-50 (connected) underflows to +0; 3.4028235e38 is above
        // float.MaxValue but closer to it than to the overflow threshold, so it rounds down to float.MaxValue;
        // 1 + 2^-24 is halfway between 1 and the next float and rounds to even (1).
        byte[] file = new RawSafeTensors()
            .Add("weight", "F64", [2, 3], Bytes.F64(0.1, 1e-50, 0, -0.0, 3.4028235e38, 1.0 / 3))
            .Add("bias", "F64", [2], Bytes.F64(1 + Math.Pow(2, -24), -7.0000000001))
            .Add("mask", "F64", [2, 3], Bytes.F64(1, 1, 0, 0, 1, 1))
            .Build();
        var layer = Layer();
        SafeTensors.Load(new MemoryStream(file), ("", layer));
        Assert.Equal([0x3DCCCCCDu, 0u, 0x7F7FFFFFu, 0x3EAAAAABu], StLayers.Bits(layer.Weights));
        Assert.Equal([1f, -7f], layer.Bias.ToArray());
    }

    [Fact]
    public void F64InfinitiesAndNaNLoadAsTheyAre()
    {
        // Only finite values too large for float32 are rejected (they would silently become infinities).
        byte[] file = new RawSafeTensors()
            .Add("weight", "F64", [2, 3], Bytes.F64(double.PositiveInfinity, double.NegativeInfinity, 0, 0, double.NaN, -3.4028235e38))
            .Add("bias", "F64", [2], Bytes.F64(double.NegativeInfinity, 1))
            .Add("mask", "F64", [2, 3], Bytes.F64(1, 1, 0, -0.0, 1, 1))
            .Build();
        var layer = Layer();
        SafeTensors.Load(new MemoryStream(file), ("", layer));
        Assert.Equal(float.PositiveInfinity, layer.Weights[0]);
        Assert.Equal(float.NegativeInfinity, layer.Weights[1]);
        Assert.True(float.IsNaN(layer.Weights[2]));
        Assert.Equal(-float.MaxValue, layer.Weights[3]);
        Assert.Equal([float.NegativeInfinity, 1f], layer.Bias.ToArray());
    }

    [Fact]
    public void DtypesMayDifferBetweenTensors()
    {
        byte[] file = new RawSafeTensors()
            .Add("weight", "F16", [2, 3], Bytes.U16(0x3C00, 0xC000, 0, 0, 0x3800, 0x4200))
            .Add("bias", "F64", [2], Bytes.F64(0.25, -0.5))
            .Add("mask", "BF16", [2, 3], Bytes.U16(0x3F80, 0x3F80, 0, 0, 0x3F80, 0x3F80))
            .Build();
        var layer = Layer();
        SafeTensors.Load(new MemoryStream(file), ("", layer));
        Assert.Equal([1f, -2f, 0.5f, 3f], layer.Weights.ToArray());
        Assert.Equal([0.25f, -0.5f], layer.Bias.ToArray());
    }

    [Fact]
    public void SaveWritesExactlyTheReferenceLayout()
    {
        // 2 inputs, 1 output, only input 0 connected, no bias, weight 2.
        var layer = new RuntimeMaskedLinear(StLayers.Mask("1", "0"), bias: false, seed: 1);
        layer.Weights[0] = 2f;
        string header = "{\"__metadata__\":{\"format\":\"pt\"},"
            + "\"mask\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]},"
            + "\"weight\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[8,16]}}";
        byte[] expected = Bytes.File(header, Bytes.F32(1f, 0f, 2f, 0f));
        var stream = new MemoryStream();
        SafeTensors.Save(stream, ("", layer));
        Assert.Equal(expected, stream.ToArray());
    }

    [Fact]
    public void SaveOutputReadsBackWithAnIndependentParser()
    {
        var first = new RuntimeMaskedLinear(StLayers.Mask("101", "110", "010", "100"), bias: true, seed: 3);
        var second = Layer(bias: false, seed: 4);
        var stream = new MemoryStream();
        SafeTensors.Save(stream, ("0.", first), ("2.", second));
        byte[] file = stream.ToArray();
        var parsed = new ParsedSafeTensors(file);

        Assert.Equal(0, parsed.HeaderLength % 8);
        string text = Encoding.UTF8.GetString(parsed.Header);
        Assert.Equal(text.TrimEnd(' ').Length, text.LastIndexOf('}') + 1);
        Assert.Equal(new Dictionary<string, string> { ["format"] = "pt" }, parsed.Metadata);
        Assert.Equal(["0.bias", "0.mask", "0.weight", "2.mask", "2.weight"], parsed.Tensors.Select(t => t.Name));
        long next = 0;
        foreach (var tensor in parsed.Tensors)
        {
            Assert.Equal("F32", tensor.DType);
            Assert.Equal(next, tensor.Begin);
            Assert.Equal(4L * tensor.Shape.Aggregate(1, (a, b) => a * b), tensor.End - tensor.Begin);
            next = tensor.End;
        }

        Assert.Equal(next, parsed.Data.Length);
        Assert.Equal([3, 4], parsed["0.weight"].Shape);
        Assert.Equal([3], parsed["0.bias"].Shape);
        Assert.Equal([3, 4], parsed["0.mask"].Shape);
        Assert.Equal([2, 3], parsed["2.weight"].Shape);
        Assert.Equal([2, 3], parsed["2.mask"].Shape);
        foreach ((string prefix, IMaskedLinear layer) in new (string, IMaskedLinear)[] { ("0.", first), ("2.", second) })
        {
            (float[] dense, float[] mask) = DenseFromPacked(layer);
            Assert.Equal(StLayers.Bits(dense), StLayers.Bits(parsed.Floats(prefix + "weight")));
            Assert.Equal(mask, parsed.Floats(prefix + "mask"));
        }

        Assert.Equal(StLayers.Bits(first.Bias), StLayers.Bits(parsed.Floats("0.bias")));
    }

    [Fact]
    public void SaveIsDeterministicAndTheSameToAFileAndAStream()
    {
        var layer = new RuntimeMaskedLinear(StLayers.Mask("1101", "0110", "1011"), bias: true, seed: 5);
        var a = new MemoryStream();
        var b = new MemoryStream();
        SafeTensors.Save(a, ("enc.", layer));
        SafeTensors.Save(b, ("enc.", layer));
        Assert.Equal(a.ToArray(), b.ToArray());
        string path = Path.Combine(Path.GetTempPath(), $"customizedlinear-{Guid.NewGuid():N}.safetensors");
        try
        {
            SafeTensors.Save(path, ("enc.", layer));
            Assert.Equal(a.ToArray(), File.ReadAllBytes(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void NamesAreEscapedAndSortedByUtf8Bytes()
    {
        // U+E000 sorts after a surrogate pair in UTF-16 but before it in UTF-8 (EE 80 80 < F0 9F 98 80).
        string odd = "q\"b\\s/n\nt\té.";
        string emoji = "\U0001F600.";
        string privateUse = "\uE000.";
        var layers = new (string, IMaskedLinear)[] { (emoji, Layer(seed: 1)), (odd, Layer(seed: 2)), (privateUse, Layer(seed: 3)) };
        var stream = new MemoryStream();
        SafeTensors.Save(stream, layers);
        var parsed = new ParsedSafeTensors(stream.ToArray());
        string[] expected = [.. new[] { odd, privateUse, emoji }.SelectMany(p => new[] { p + "bias", p + "mask", p + "weight" })];
        Assert.Equal(expected, parsed.Tensors.Select(t => t.Name));

        var fresh = new (string, IMaskedLinear)[] { (emoji, Layer(seed: 7)), (odd, Layer(seed: 8)), (privateUse, Layer(seed: 9)) };
        SafeTensors.Load(new MemoryStream(stream.ToArray()), fresh);
        for (int k = 0; k < layers.Length; k++)
        {
            Assert.Equal(StLayers.Bits(layers[k].Item2.Weights), StLayers.Bits(fresh[k].Item2.Weights));
        }
    }

    [Fact]
    public void StreamsAreUsedFromTheirCurrentPositionAndLeftOpen()
    {
        var layer = Layer(seed: 21);
        var stream = new MemoryStream();
        stream.Write([9, 9, 9]);
        SafeTensors.Save(stream, ("", layer));
        Assert.True(stream.CanWrite);
        var expected = new MemoryStream();
        SafeTensors.Save(expected, ("", layer));
        Assert.Equal([9, 9, 9, .. expected.ToArray()], stream.ToArray());

        var fresh = Layer(seed: 22);
        stream.Position = 3;
        SafeTensors.Load(stream, ("", fresh));
        Assert.True(stream.CanRead);
        Assert.Equal(StLayers.Bits(layer.Weights), StLayers.Bits(fresh.Weights));
    }

    [Fact]
    public void NonSeekableStreamsLoadInSmallReads()
    {
        var layer = Layer(seed: 31);
        var saved = new MemoryStream();
        SafeTensors.Save(saved, ("x.", layer));
        var fresh = Layer(seed: 32);
        SafeTensors.Load(new TrickleStream(saved.ToArray(), maxPerRead: 3), ("x.", fresh));
        Assert.Equal(StLayers.Bits(layer.Weights), StLayers.Bits(fresh.Weights));
        Assert.Equal(StLayers.Bits(layer.Bias), StLayers.Bits(fresh.Bias));
    }

    [Fact]
    public void WrongArgumentsThrowArgumentExceptions()
    {
        var layer = Layer();
        var stream = new MemoryStream();
        Assert.Throws<ArgumentNullException>(() => SafeTensors.Save((Stream)null!, ("", layer)));
        Assert.Throws<ArgumentNullException>(() => SafeTensors.Save((string)null!, ("", layer)));
        Assert.Throws<ArgumentNullException>(() => SafeTensors.Load((Stream)null!, ("", layer)));
        Assert.Throws<ArgumentNullException>(() => SafeTensors.Load((string)null!, ("", layer)));
        Assert.Throws<ArgumentNullException>(() => SafeTensors.Save(stream, null!));
        Assert.Throws<ArgumentNullException>(() => SafeTensors.Load(stream, null!));
        Assert.Throws<ArgumentNullException>(() => SafeTensors.Save(stream, ("", null!)));
        Assert.Throws<ArgumentNullException>(() => SafeTensors.Save(stream, (null!, layer)));
        Assert.Throws<ArgumentNullException>(() => SafeTensors.Load(stream, ("a.", layer), ("b.", null!)));
        Assert.Throws<ArgumentException>(() => SafeTensors.Save(stream, ("\uD800.", layer)));
        Assert.Throws<ArgumentException>(() => SafeTensors.Save(new MemoryStream([], writable: false), ("", layer)));
        Assert.Equal(0, stream.Length);

        var duplicate = Assert.Throws<ArgumentException>(() => SafeTensors.Save(stream, ("enc.", layer), ("enc.", Layer(seed: 2))));
        Assert.Contains("'enc.weight'", duplicate.Message);
        Assert.Equal(0, stream.Length);
        var before = StLayers.Snapshot(layer);
        Assert.Throws<ArgumentException>(() => SafeTensors.Load(new MemoryStream(), ("", layer), ("", Layer(seed: 2))));
        StLayers.AssertUnchanged(before, layer, "duplicate prefixes at Load");
    }

    [Fact]
    public void TheSameLayerInstanceTwiceIsAnArgumentException()
    {
        var layer = Layer(seed: 41);
        var stream = new MemoryStream();
        var save = Assert.Throws<ArgumentException>(() => SafeTensors.Save(stream, ("enc.", layer), ("dec.", layer)));
        Assert.Equal("layers", save.ParamName);
        Assert.Contains("layers[0] (prefix \"enc.\")", save.Message);
        Assert.Contains("layers[1] (prefix \"dec.\")", save.Message);
        Assert.Contains("same layer instance", save.Message);
        Assert.Equal(0, stream.Length);

        SafeTensors.Save(stream, ("enc.", Layer(seed: 42)), ("dec.", Layer(seed: 43)));
        var before = StLayers.Snapshot(layer);
        var load = Assert.Throws<ArgumentException>(() => SafeTensors.Load(new MemoryStream(stream.ToArray()), ("enc.", layer), ("dec.", layer)));
        Assert.Equal("layers", load.ParamName);
        Assert.Contains("layers[0] (prefix \"enc.\")", load.Message);
        Assert.Contains("layers[1] (prefix \"dec.\")", load.Message);
        StLayers.AssertUnchanged(before, layer, "the layer given twice to Load");
    }

    [Fact]
    public void AnEmptyListOfLayersIsAnEmptyStateDict()
    {
        var stream = new MemoryStream();
        SafeTensors.Save(stream);
        string header = "{\"__metadata__\":{\"format\":\"pt\"}}";
        Assert.Equal(Bytes.File(header, []), stream.ToArray());
        SafeTensors.Load(new MemoryStream(stream.ToArray()));
    }

    /// <summary>The dense weight and mask built from the packed weights and IsConnected, by walking the canonical order.</summary>
    private static (float[] Dense, float[] Mask) DenseFromPacked(IMaskedLinear layer)
    {
        var dense = new float[layer.OutputSize * layer.InputSize];
        var mask = new float[dense.Length];
        int k = 0;
        for (int o = 0; o < layer.OutputSize; o++)
        {
            for (int i = 0; i < layer.InputSize; i++)
            {
                if (layer.IsConnected(i, o))
                {
                    dense[o * layer.InputSize + i] = layer.Weights[k++];
                    mask[o * layer.InputSize + i] = 1f;
                }
            }
        }

        Assert.Equal(layer.ConnectionCount, k);
        return (dense, mask);
    }
}
