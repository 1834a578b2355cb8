using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace CustomizedLinear.Runtime.Tests;

/// <summary>A tiny safetensors reader for checking what Save writes: its own parsing with JsonDocument.</summary>
internal sealed class ParsedSafeTensors
{
    public ParsedSafeTensors(byte[] file)
    {
        Assert.True(file.Length >= 8);
        HeaderLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(file);
        Header = file.AsSpan(8, (int)HeaderLength).ToArray();
        Data = file.AsSpan(8 + (int)HeaderLength).ToArray();
        using JsonDocument document = JsonDocument.Parse(Header);
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        foreach (JsonProperty property in document.RootElement.EnumerateObject())
        {
            if (property.Name == "__metadata__")
            {
                Metadata = property.Value.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
                continue;
            }

            JsonElement info = property.Value;
            Assert.Equal(new[] { "dtype", "shape", "data_offsets" }, info.EnumerateObject().Select(p => p.Name).ToArray());
            long[] offsets = info.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            Assert.Equal(2, offsets.Length);
            Tensors.Add(new Tensor(
                property.Name,
                info.GetProperty("dtype").GetString()!,
                info.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                offsets[0],
                offsets[1]));
        }
    }

    public long HeaderLength { get; }

    public byte[] Header { get; }

    public byte[] Data { get; }

    public Dictionary<string, string>? Metadata { get; }

    /// <summary>In header order.</summary>
    public List<Tensor> Tensors { get; } = [];

    public Tensor this[string name] => Tensors.Single(t => t.Name == name);

    public float[] Floats(string name)
    {
        Tensor tensor = this[name];
        Assert.Equal("F32", tensor.DType);
        var values = new float[(tensor.End - tensor.Begin) / 4];
        for (int k = 0; k < values.Length; k++)
        {
            values[k] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadInt32LittleEndian(Data.AsSpan((int)tensor.Begin + 4 * k, 4)));
        }

        return values;
    }

    internal sealed record Tensor(string Name, string DType, int[] Shape, long Begin, long End);
}

/// <summary>Layers and snapshots for the safetensors tests.</summary>
internal static class StLayers
{
    /// <summary>A mask given as rows of '1'/'0' per input, e.g. "10", "11", "01" for 3 inputs × 2 outputs.</summary>
    public static bool[,] Mask(params string[] rows)
    {
        var mask = new bool[rows.Length, rows[0].Length];
        for (int i = 0; i < rows.Length; i++)
        {
            for (int o = 0; o < rows[0].Length; o++)
            {
                mask[i, o] = rows[i][o] == '1';
            }
        }

        return mask;
    }

    public static uint[] Bits(ReadOnlySpan<float> values)
    {
        var bits = new uint[values.Length];
        for (int k = 0; k < values.Length; k++)
        {
            bits[k] = BitConverter.SingleToUInt32Bits(values[k]);
        }

        return bits;
    }

    public static (uint[] Weights, uint[] Bias) Snapshot(IMaskedLinear layer) => (Bits(layer.Weights), Bits(layer.Bias));

    public static void AssertUnchanged((uint[] Weights, uint[] Bias) before, IMaskedLinear layer, string what)
    {
        Assert.True(before.Weights.AsSpan().SequenceEqual(Bits(layer.Weights)), $"{what}: Weights changed.");
        Assert.True(before.Bias.AsSpan().SequenceEqual(Bits(layer.Bias)), $"{what}: Bias changed.");
    }

    public static string F(float value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>A read-only, non-seekable stream that hands out at most a few bytes per Read.</summary>
internal sealed class TrickleStream(byte[] data, int maxPerRead = 7) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = Math.Min(Math.Min(count, maxPerRead), data.Length - _position);
        Array.Copy(data, _position, buffer, offset, n);
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
