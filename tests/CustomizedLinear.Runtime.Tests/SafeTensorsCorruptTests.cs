using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using CustomizedLinear.Testing;
using Xunit;

namespace CustomizedLinear.Runtime.Tests;

/// <summary>
/// A corpus of broken files, built by hand. Each must throw <see cref="InvalidDataException"/> with the key
/// facts in its message and leave every layer bitwise unchanged, read from a seekable stream, from a file
/// and from a non-seekable stream that trickles a few bytes per read.
/// </summary>
public class SafeTensorsCorruptTests
{
    // 3 inputs, 2 outputs; output 0 reads inputs 0 and 1, output 1 reads inputs 1 and 2.
    private static readonly float[] GoodWeight = [1f, 2f, 0f, 0f, 3f, 4f];
    private static readonly float[] GoodMask = [1, 1, 0, 0, 1, 1];
    private static readonly float[] GoodBias = [5f, 6f];

    public static TheoryData<string> CaseNames => [.. Cases().Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void RejectedFromASeekableStream(string name) => Reject(name, Source.Seekable);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void RejectedFromANonSeekableStream(string name) => Reject(name, Source.Trickle);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void RejectedFromAFile(string name) => Reject(name, Source.File);

    [Fact]
    public void TheGoodFileLoads()
    {
        // The cases below are this file with one thing broken; make sure the unbroken one is accepted.
        foreach (Source source in Enum.GetValues<Source>())
        {
            (string, IMaskedLinear)[] layers = [("", Layer(bias: true))];
            Load(Good().Build(), layers, source);
            Assert.Equal([1f, 2f, 3f, 4f], layers[0].Item2.Weights.ToArray());
            Assert.Equal(GoodBias, layers[0].Item2.Bias.ToArray());
        }
    }

    [Fact]
    public void TwoLayerLoadChangesNeitherLayerWhenTheSecondIsBad()
    {
        // Layer "0." is fine; layer "2." has a non-zero weight at an unconnected position.
        byte[] file = new RawSafeTensors()
            .F32("0.bias", [2], GoodBias)
            .F32("0.mask", [2, 3], GoodMask)
            .F32("0.weight", [2, 3], GoodWeight)
            .F32("2.mask", [2, 3], GoodMask)
            .F32("2.weight", [2, 3], 1f, 2f, 0f, 0f, 3f, 4f)
            .Build();
        file = ReplaceLast(file, Bytes.F32(0f, 0f, 3f, 4f), Bytes.F32(0f, 0.25f, 3f, 4f)); // 2.weight[1, 0]
        var first = Layer(bias: true, seed: 1);
        var second = Layer(bias: false, seed: 2);
        var before1 = StLayers.Snapshot(first);
        var before2 = StLayers.Snapshot(second);
        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(new MemoryStream(file), ("0.", first), ("2.", second)));
        Assert.Contains("'2.weight'[1, 0]", error.Message);
        Assert.Contains("0.25", error.Message);
        StLayers.AssertUnchanged(before1, first, "first layer");
        StLayers.AssertUnchanged(before2, second, "second layer");

        // Fix the file and both load.
        file = ReplaceLast(file, Bytes.F32(0f, 0.25f, 3f, 4f), Bytes.F32(0f, 0f, 3f, 4f));
        SafeTensors.Load(new MemoryStream(file), ("0.", first), ("2.", second));
        Assert.Equal([1f, 2f, 3f, 4f], first.Weights.ToArray());
        Assert.Equal([1f, 2f, 3f, 4f], second.Weights.ToArray());
    }

    [Fact]
    public void AHeaderLengthAtTheLimitOnAShortNonSeekableStreamIsTruncated()
    {
        // Claims the 100 MB maximum, then ends: reported as truncated after reading what is there, without
        // allocating the claimed length (the header buffer grows only as bytes arrive).
        byte[] file = Bytes.File(100_000_000, Encoding.UTF8.GetBytes("{}      "), []);
        var stream = new TrickleStream(file);
        (string, IMaskedLinear)[] layers = [("", Layer(bias: true))];
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(stream, layers));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("truncated", error.Message);
        Assert.Contains("100000000", error.Message);
        Assert.True(allocated < 4_000_000, $"The failing load allocated {allocated} bytes.");
    }

    [Fact]
    public void ALayerThatFailsAfterTheChecksIsInvalidDataAndNoLayerChanges()
    {
        // The file fits both layers, so Load gets to the commit: layer "0." is loaded, then layer "2." loads its
        // weight, overwrites its bias and throws. Load must put both back and report the file as not loadable.
        byte[] file = new RawSafeTensors()
            .F32("0.bias", [2], GoodBias)
            .F32("0.mask", [2, 3], GoodMask)
            .F32("0.weight", [2, 3], GoodWeight)
            .F32("2.bias", [2], GoodBias)
            .F32("2.mask", [2, 3], GoodMask)
            .F32("2.weight", [2, 3], GoodWeight)
            .Build();
        var good = Layer(bias: true, seed: 1);
        var failing = new LoadFailingLayer(Layer(bias: true, seed: 2));
        var before1 = StLayers.Snapshot(good);
        var before2 = StLayers.Snapshot(failing);
        Assert.NotEqual([1f, 2f, 3f, 4f], good.Weights.ToArray());
        Assert.NotEqual([1f, 2f, 3f, 4f], failing.Weights.ToArray());

        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(new MemoryStream(file), ("0.", good), ("2.", failing)));
        Assert.Same(failing.Failure, error.InnerException);
        Assert.Contains("layers[1] (prefix \"2.\")", error.Message);
        Assert.Contains(failing.Failure.Message, error.Message);
        StLayers.AssertUnchanged(before1, good, "the layer loaded first");
        StLayers.AssertUnchanged(before2, failing, "the failing layer");
    }

    private enum Source
    {
        Seekable,
        Trickle,
        File,
    }

    private sealed record Case(byte[] File, string[] Fragments, Func<(string, IMaskedLinear)[]> Layers, string[]? TrickleFragments = null);

    private static RuntimeMaskedLinear Layer(bool bias, int seed = 7) => new(StLayers.Mask("10", "11", "01"), bias, seed);

    private static (string, IMaskedLinear)[] WithBias() => [("", Layer(bias: true))];

    private static RawSafeTensors Good() => new RawSafeTensors()
        .F32("bias", [2], GoodBias)
        .F32("mask", [2, 3], GoodMask)
        .F32("weight", [2, 3], GoodWeight);

    private static byte[] Header(string json, byte[]? data = null) => Bytes.File(json, data ?? []);

    private static string Info(string dtype, string shape, string offsets) =>
        $"{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":{offsets}}}";

    private static byte[] ReplaceLast(byte[] file, byte[] find, byte[] replacement)
    {
        int at = file.AsSpan().LastIndexOf(find);
        Assert.True(at >= 0);
        byte[] copy = [.. file];
        replacement.CopyTo(copy, at);
        return copy;
    }

    private static Dictionary<string, Case> Cases()
    {
        byte[] good = Good().Build();
        int goodHeader = (int)BitConverter.ToUInt64(good, 0);
        byte[] goodData = Good().Data();
        string weight24 = Info("F32", "[2,3]", "[32,56]");
        var cases = new Dictionary<string, Case>
        {
            ["empty input"] = new([], ["truncated", "0 bytes"], WithBias),
            ["shorter than the length prefix"] = new([1, 0, 0], ["truncated", "3 bytes"], WithBias),
            ["truncated header"] = new(
                good[..(8 + goodHeader / 2)],
                ["header length", $"{goodHeader}", "past the end"],
                WithBias,
                ["truncated", $"{goodHeader}"]),
            ["truncated data"] = new(
                good[..^3],
                ["'weight'", "[32, 56]", "past the end", "53 bytes"],
                WithBias,
                ["truncated", "'weight'", "[32, 56]", "53"]),
            ["header length past the end of the file"] = new(
                [.. Bytes.U64((ulong)(goodHeader + goodData.Length + 1)), .. good[8..]],
                ["header length", $"{goodHeader + goodData.Length + 1}", "past the end"],
                WithBias,
                ["truncated"]),
            ["header length over 100 MB"] = new(
                [.. Bytes.U64(100_000_001), .. good[8..]],
                ["100000001", "limit", "100000000"],
                WithBias),
            ["header length 2^64 - 1"] = new(
                [.. Bytes.U64(ulong.MaxValue), .. good[8..]],
                [$"{ulong.MaxValue}", "limit"],
                WithBias),
            ["header length 0"] = new(Bytes.File(0, [], goodData), ["header is empty"], WithBias),
            ["shape product overflows 64 bits"] = new(
                Header("{\"bias\":" + Info("F32", "[4611686018427387904,8]", "[0,8]") + "}", new byte[8]),
                ["'bias'", "[4611686018427387904, 8]", "overflows a 64-bit byte count"],
                WithBias),
            ["overlapping offsets"] = new(
                Header("{\"bias\":" + Info("F32", "[2]", "[0,8]") + ",\"mask\":" + Info("F32", "[2,3]", "[4,28]")
                    + ",\"weight\":" + Info("F32", "[2,3]", "[28,52]") + "}", new byte[52]),
                ["overlap", "'bias'", "[0, 8]", "'mask'", "[4, 28]"],
                WithBias),
            ["gap between tensors"] = new(
                Header("{\"bias\":" + Info("F32", "[2]", "[0,8]") + ",\"mask\":" + Info("F32", "[2,3]", "[12,36]")
                    + ",\"weight\":" + Info("F32", "[2,3]", "[36,60]") + "}", new byte[60]),
                ["gap", "[8, 12)", "'bias'", "'mask'"],
                WithBias),
            ["gap at the start"] = new(
                Header("{\"bias\":" + Info("F32", "[2]", "[4,12]") + ",\"mask\":" + Info("F32", "[2,3]", "[12,36]")
                    + ",\"weight\":" + Info("F32", "[2,3]", "[36,60]") + "}", new byte[60]),
                ["gap", "[0, 4)", "start of the data section", "'bias'"],
                WithBias),
            ["offsets past the data end"] = new(
                Header("{\"bias\":" + Info("F32", "[2]", "[0,8]") + ",\"mask\":" + Info("F32", "[2,3]", "[8,32]")
                    + ",\"weight\":" + Info("F32", "[2,3]", "[32,56]") + "}", goodData[..40]),
                ["'weight'", "[32, 56]", "past the end", "40 bytes"],
                WithBias,
                ["truncated", "'weight'", "[32, 56]", "40"]),
            ["trailing bytes"] = new([.. good, 0, 0, 0, 0], ["trailing", "4", "56"], WithBias, ["trailing", "56"]),
            ["end before begin"] = new(
                Header("{\"bias\":" + Info("F32", "[2]", "[8,0]") + "}"),
                ["'bias'", "[8, 0]", "end before"],
                WithBias),
            ["one data offset"] = new(
                Header("{\"bias\":" + Info("F32", "[2]", "[8]") + "}"),
                ["'bias'", "data_offsets", "2 integers", "has 1"],
                WithBias),
            ["three data offsets"] = new(
                Header("{\"bias\":" + Info("F32", "[2]", "[0,8,16]") + "}"),
                ["'bias'", "data_offsets", "has 3"],
                WithBias),
            ["negative data offset"] = new(
                Header("{\"bias\":" + Info("F32", "[2]", "[-8,0]") + "}"),
                ["'bias'", "data_offsets", "non-negative integers", "-8"],
                WithBias),
            ["fractional data offset"] = new(
                Header("{\"bias\":" + Info("F32", "[2]", "[0,8.0]") + "}"),
                ["'bias'", "data_offsets", "8.0"],
                WithBias),
            ["data offsets as strings"] = new(
                Header("{\"bias\":" + Info("F32", "[2]", "[\"0\",\"8\"]") + "}"),
                ["'bias'", "data_offsets", "a string"],
                WithBias),
            ["negative dimension"] = new(
                Header("{\"bias\":" + Info("F32", "[-2]", "[0,8]") + "}"),
                ["'bias'", "shape", "-2"],
                WithBias),
            ["unknown dtype"] = new(
                Header("{\"bias\":" + Info("F33", "[2]", "[0,8]") + "}", new byte[8]),
                ["'bias'", "unknown dtype", "F33"],
                WithBias),
            ["unsupported dtype"] = new(
                new RawSafeTensors().F32("bias", [2], GoodBias).F32("mask", [2, 3], GoodMask)
                    .Add("weight", "I32", [2, 3], Bytes.F32(GoodWeight)).Build(),
                ["'weight'", "dtype I32", "F32, F16, BF16 and F64"],
                WithBias),
            ["weight shape transposed"] = new(
                new RawSafeTensors().F32("bias", [2], GoodBias).F32("mask", [2, 3], GoodMask).F32("weight", [3, 2], GoodWeight).Build(),
                ["'weight'", "shape [3, 2]", "[2, 3]"],
                WithBias),
            ["bias shape"] = new(
                new RawSafeTensors().F32("bias", [1, 2], GoodBias).F32("mask", [2, 3], GoodMask).F32("weight", [2, 3], GoodWeight).Build(),
                ["'bias'", "shape [1, 2]", "[2]"],
                WithBias),
            ["mask shape"] = new(
                new RawSafeTensors().F32("bias", [2], GoodBias).F32("mask", [6], GoodMask).F32("weight", [2, 3], GoodWeight).Build(),
                ["'mask'", "shape [6]", "[2, 3]"],
                WithBias),
            ["size disagrees with shape"] = new(
                Header("{\"bias\":" + Info("F32", "[2]", "[0,8]") + ",\"mask\":" + Info("F32", "[2,3]", "[8,28]")
                    + ",\"weight\":" + Info("F32", "[2,3]", "[28,52]") + "}", new byte[52]),
                ["'mask'", "[8, 28]", "20 bytes", "F32", "[2, 3]", "24 bytes"],
                WithBias),
            ["duplicate tensor names"] = new(
                Header("{\"weight\":" + Info("F32", "[2,3]", "[0,24]") + ",\"weight\":" + Info("F32", "[2,3]", "[24,48]") + "}", new byte[48]),
                ["'weight'", "more than once"],
                WithBias),
            ["duplicate field"] = new(
                Header("{\"bias\":{\"dtype\":\"F32\",\"shape\":[2],\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", new byte[8]),
                ["'bias'", "'dtype'", "more than once"],
                WithBias),
            ["unknown field"] = new(
                Header("{\"bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"stride\":[1]}}", new byte[8]),
                ["'bias'", "unknown field", "'stride'"],
                WithBias),
            ["missing dtype"] = new(
                Header("{\"bias\":{\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[8]),
                ["'bias'", "no dtype"],
                WithBias),
            ["tensor info not an object"] = new(
                Header("{\"bias\":[0,8]}"),
                ["'bias'", "must be an object", "an array"],
                WithBias),
            ["metadata value not a string"] = new(
                Header("{\"__metadata__\":{\"format\":1}}"),
                ["__metadata__", "'format'", "must be a string", "a number"],
                WithBias),
            ["metadata not an object"] = new(
                Header("{\"__metadata__\":\"pt\"}"),
                ["__metadata__", "object of strings", "a string"],
                WithBias),
            ["non-UTF-8 byte 0xFF"] = new(
                Bytes.File(8, [(byte)'{', (byte)'"', 0xFF, (byte)'"', (byte)':', (byte)'1', (byte)'}', (byte)' '], []),
                ["UTF-8", "header byte 2", "0xFF"],
                WithBias),
            ["overlong UTF-8 encoding"] = new(
                Bytes.File(8, [(byte)'{', (byte)'"', 0xC0, 0x80, (byte)'"', (byte)':', (byte)'1', (byte)'}'], []),
                ["UTF-8", "header byte 2", "0xC0"],
                WithBias),
            ["UTF-8-encoded surrogate"] = new(
                Bytes.File(8, [(byte)'{', (byte)'"', 0xED, 0xA0, 0x80, (byte)'"', (byte)'}', (byte)' '], []),
                ["UTF-8", "header byte 2", "0xED"],
                WithBias),
            ["truncated UTF-8 sequence"] = new(
                Bytes.File(8, [(byte)'{', (byte)'}', (byte)' ', (byte)' ', (byte)' ', (byte)' ', (byte)' ', 0xE2], []),
                ["UTF-8", "header byte 7", "0xE2"],
                WithBias),
            ["escaped lone surrogate"] = new(
                Header("{\"\\ud800\":{}}"),
                ["invalid string"],
                WithBias),
            ["malformed JSON: unclosed"] = new(Header("{\"bias\":{\"dtype\":\"F32\""), ["not valid JSON"], WithBias),
            ["malformed JSON: trailing comma"] = new(Header("{\"__metadata__\":{\"format\":\"pt\"},}"), ["not valid JSON"], WithBias),
            ["malformed JSON: comment"] = new(Header("{/* c */}"), ["not valid JSON"], WithBias),
            ["malformed JSON: content after the object"] = new(Header("{} {}"), ["not valid JSON"], WithBias),
            ["malformed JSON: a letter after the object"] = new(Header("{}x"), ["not valid JSON"], WithBias),
            ["malformed JSON: a second closing brace"] = new(Header("{}}"), ["not valid JSON"], WithBias),
            ["malformed JSON: a number after the object"] = new(Header("{} 1"), ["not valid JSON"], WithBias),
            ["malformed JSON: NUL padding"] = new(Bytes.File(8, [(byte)'{', (byte)'}', 0, 0, 0, 0, 0, 0], []), ["not valid JSON"], WithBias),
            ["header is an array"] = new(Header("[1,2]"), ["not a JSON object", "'['"], WithBias),
            ["header is a string"] = new(Header("\"weights\""), ["not a JSON object", "'\"'"], WithBias),
            ["header starts with whitespace"] = new(Header(" {}"), ["not a JSON object", "' '"], WithBias),
            ["missing weight"] = new(
                new RawSafeTensors().F32("bias", [2], GoodBias).F32("mask", [2, 3], GoodMask).Build(),
                ["'weight'", "missing", "'bias', 'mask'"],
                WithBias),
            ["wrong prefix"] = new(
                good,
                ["'enc.weight'", "missing", "'bias', 'mask', 'weight'"],
                () => [("enc.", Layer(bias: true))]),
            ["missing bias"] = new(
                new RawSafeTensors().F32("mask", [2, 3], GoodMask).F32("weight", [2, 3], GoodWeight).Build(),
                ["'bias'", "missing", "has a bias"],
                WithBias),
            ["bias for a layer without bias"] = new(
                good,
                ["'bias'", "no bias"],
                () => [("", Layer(bias: false))]),
            ["unexpected tensors"] = new(
                Good().F32("running_mean", [2], 0f, 0f).F32("0.weight", [1], 1f).Build(),
                ["2 tensor(s)", "'0.weight', 'running_mean'", "none of the given layers"],
                WithBias),
            ["non-zero weight at an unconnected position"] = new(
                new RawSafeTensors().F32("bias", [2], GoodBias).F32("mask", [2, 3], GoodMask)
                    .F32("weight", [2, 3], 1f, 2f, 0f, -1.5f, 3f, 4f).Build(),
                ["'weight'[1, 0]", "-1.5", "not connected"],
                WithBias),
            ["NaN weight at an unconnected position"] = new(
                new RawSafeTensors().F32("bias", [2], GoodBias)
                    .F32("weight", [2, 3], 1f, 2f, float.NaN, 0f, 3f, 4f).Build(),
                ["'weight'[0, 2]", "NaN"],
                WithBias),
            ["non-zero F16 weight at an unconnected position"] = new(
                new RawSafeTensors().F32("bias", [2], GoodBias)
                    .Add("weight", "F16", [2, 3], Bytes.U16(0x3C00, 0x3C00, 0x3800, 0, 0x3C00, 0x3C00)).Build(),
                ["'weight'[0, 2]", "0.5"],
                WithBias),
            ["F64 weight 1e-60 at an unconnected position"] = new(
                new RawSafeTensors().F32("bias", [2], GoodBias).F32("mask", [2, 3], GoodMask)
                    .Add("weight", "F64", [2, 3], Bytes.F64(1, 2, 1e-60, 0, 3, 4)).Build(),
                ["'weight'[0, 2]", "1E-60", "not connected"],
                WithBias),
            ["F64 weight -1e-300 at an unconnected position, no mask"] = new(
                new RawSafeTensors().F32("bias", [2], GoodBias)
                    .Add("weight", "F64", [2, 3], Bytes.F64(1, 2, 0, -1e-300, 3, 4)).Build(),
                ["'weight'[1, 0]", "-1E-300", "not connected"],
                WithBias),
            ["F64 mask value 1 + 1e-12"] = new(
                new RawSafeTensors().F32("bias", [2], GoodBias).Add("mask", "F64", [2, 3], Bytes.F64(1, 1, 0, 0, 1 + 1e-12, 1))
                    .F32("weight", [2, 3], GoodWeight).Build(),
                ["'mask'[1, 1]", "1.000000000001", "only 0 and 1"],
                WithBias),
            ["F64 mask value 1e-60"] = new(
                new RawSafeTensors().F32("bias", [2], GoodBias).Add("mask", "F64", [2, 3], Bytes.F64(1, 1, 1e-60, 0, 1, 1))
                    .F32("weight", [2, 3], GoodWeight).Build(),
                ["'mask'[0, 2]", "1E-60", "only 0 and 1"],
                WithBias),
            ["F64 weight too large for float32"] = new(
                new RawSafeTensors().F32("bias", [2], GoodBias).F32("mask", [2, 3], GoodMask)
                    .Add("weight", "F64", [2, 3], Bytes.F64(1, 2, 0, 0, 1e39, 4)).Build(),
                ["'weight'[1, 1]", "1E+39", "too large for float32"],
                WithBias),
            ["F64 bias too large for float32"] = new(
                new RawSafeTensors().Add("bias", "F64", [2], Bytes.F64(5, -3.5e38)).F32("mask", [2, 3], GoodMask)
                    .F32("weight", [2, 3], GoodWeight).Build(),
                ["'bias'[1]", "-3.5E+38", "too large for float32"],
                WithBias),
            ["mask differs from the compiled mask"] = new(
                new RawSafeTensors().F32("bias", [2], GoodBias).F32("mask", [2, 3], 1, 1, 0, 1, 0, 1)
                    .F32("weight", [2, 3], GoodWeight).Build(),
                ["'mask'", "compiled mask", "[1, 0]", "stored 1, compiled 0"],
                WithBias),
            ["mask missing a connection"] = new(
                new RawSafeTensors().F32("bias", [2], GoodBias).F32("mask", [2, 3], 1, 0, 0, 0, 1, 1)
                    .F32("weight", [2, 3], 1f, 0f, 0f, 0f, 3f, 4f).Build(),
                ["'mask'", "[0, 1]", "stored 0, compiled 1"],
                WithBias),
            ["mask value 0.5"] = new(
                new RawSafeTensors().F32("bias", [2], GoodBias).F32("mask", [2, 3], 1, 1, 0, 0, 0.5f, 1)
                    .F32("weight", [2, 3], GoodWeight).Build(),
                ["'mask'[1, 1]", "0.5", "only 0 and 1"],
                WithBias),
        };
        return cases;
    }

    private static void Reject(string name, Source source)
    {
        Case @case = Cases()[name];
        (string, IMaskedLinear)[] layers = @case.Layers();
        var before = layers.Select(l => StLayers.Snapshot(l.Item2)).ToArray();
        var error = Assert.Throws<InvalidDataException>(() => Load(@case.File, layers, source));
        string[] fragments = source == Source.Trickle && @case.TrickleFragments is not null ? @case.TrickleFragments : @case.Fragments;
        foreach (string fragment in fragments)
        {
            Assert.True(error.Message.Contains(fragment, StringComparison.Ordinal), $"'{fragment}' is not in: {error.Message}");
        }

        for (int k = 0; k < layers.Length; k++)
        {
            StLayers.AssertUnchanged(before[k], layers[k].Item2, $"layer {k}");
        }
    }

    private static void Load(byte[] file, (string, IMaskedLinear)[] layers, Source source)
    {
        switch (source)
        {
            case Source.Seekable:
                SafeTensors.Load(new MemoryStream(file), layers);
                break;
            case Source.Trickle:
                SafeTensors.Load(new TrickleStream(file), layers);
                break;
            default:
                string path = Path.Combine(Path.GetTempPath(), $"customizedlinear-{Guid.NewGuid():N}.safetensors");
                try
                {
                    File.WriteAllBytes(path, file);
                    SafeTensors.Load(path, layers);
                }
                finally
                {
                    File.Delete(path);
                }

                break;
        }
    }
}
