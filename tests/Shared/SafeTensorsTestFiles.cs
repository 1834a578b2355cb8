using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Xunit;

namespace CustomizedLinear.Testing;

/// <summary>
/// The tests' one safetensors writer. It builds files byte by byte, independently of <see cref="SafeTensors"/>
/// (which the tests check against it): the header is a JSON string written here by hand, the data
/// little-endian bytes. Nothing is validated, so a test can write a broken file on purpose.
/// </summary>
internal sealed class RawSafeTensors
{
    private readonly List<(string Json, byte[] Data)> _entries = [];

    /// <summary>
    /// The <c>__metadata__</c> object's JSON, or <see langword="null"/> for none. The default is what
    /// <c>save_file(..., metadata={"format": "pt"})</c> and transformers' <c>save_pretrained</c> write.
    /// </summary>
    public string? Metadata { get; set; } = "{\"format\":\"pt\"}";

    /// <summary>
    /// Adds a tensor whose data_offsets follow the previous one, in the order of the calls (the reference
    /// writer's order is by dtype, then name: add in that order to write what it writes).
    /// </summary>
    /// <param name="offsets">The data_offsets JSON instead of the right ones, for a broken file.</param>
    /// <param name="shapeJson">The shape JSON instead of <paramref name="shape"/>, for a broken file.</param>
    public RawSafeTensors Add(string name, string dtype, int[] shape, byte[] data, string? offsets = null, string? shapeJson = null)
    {
        int begin = _entries.Sum(e => e.Data.Length);
        string offsetJson = offsets ?? $"[{begin},{begin + data.Length}]";
        string json = $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shapeJson ?? "[" + string.Join(",", shape) + "]"},\"data_offsets\":{offsetJson}}}";
        _entries.Add((json, data));
        return this;
    }

    public RawSafeTensors F32(string name, int[] shape, params float[] values) => Add(name, "F32", shape, Bytes.F32(values));

    /// <summary>Adds a tensor of <paramref name="values"/> stored as <paramref name="dtype"/> (see <see cref="Bytes.Encode"/>).</summary>
    public RawSafeTensors Tensor(string name, string dtype, int[] shape, params double[] values) => Add(name, dtype, shape, Bytes.Encode(dtype, values));

    public string HeaderJson()
    {
        var parts = new List<string>();
        if (Metadata is not null)
        {
            parts.Add("\"__metadata__\":" + Metadata);
        }

        parts.AddRange(_entries.Select(e => e.Json));
        return "{" + string.Join(",", parts) + "}";
    }

    public byte[] Data() => _entries.SelectMany(e => e.Data).ToArray();

    public byte[] Build() => Bytes.File(HeaderJson(), Data());
}

/// <summary>Little-endian encodings and file assembly.</summary>
internal static class Bytes
{
    public static byte[] F32(params float[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int k = 0; k < values.Length; k++)
        {
            uint bits = BitConverter.SingleToUInt32Bits(values[k]);
            bytes[4 * k] = (byte)bits;
            bytes[4 * k + 1] = (byte)(bits >> 8);
            bytes[4 * k + 2] = (byte)(bits >> 16);
            bytes[4 * k + 3] = (byte)(bits >> 24);
        }

        return bytes;
    }

    public static byte[] U16(params ushort[] values) =>
        values.SelectMany(v => new[] { (byte)v, (byte)(v >> 8) }).ToArray();

    public static byte[] U64(ulong value) => Enumerable.Range(0, 8).Select(k => (byte)(value >> (8 * k))).ToArray();

    public static byte[] F64(params double[] values) =>
        values.SelectMany(v => U64(BitConverter.DoubleToUInt64Bits(v))).ToArray();

    /// <summary>
    /// The values as F64, F32 (rounded), F16 or BF16. F16 and BF16 values must be exact in that dtype: the
    /// tests compare what loads with the numbers they wrote.
    /// </summary>
    public static byte[] Encode(string dtype, params double[] values)
    {
        switch (dtype)
        {
            case "F64":
                return F64(values);
            case "F32":
                return F32([.. values.Select(v => (float)v)]);
            case "F16":
                foreach (double value in values)
                {
                    Assert.Equal(value, (double)(Half)value);
                }

                return U16([.. values.Select(v => BitConverter.HalfToUInt16Bits((Half)v))]);
            case "BF16":
                // bfloat16 is the upper half of a float32: exact when the lower half is 0.
                uint[] bits = [.. values.Select(v => BitConverter.SingleToUInt32Bits((float)v))];
                foreach (uint b in bits)
                {
                    Assert.Equal(0u, b & 0xFFFF);
                }

                return U16([.. bits.Select(b => (ushort)(b >> 16))]);
            default:
                throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a dtype the test writes");
        }
    }

    /// <summary>8-byte length, the header as UTF-8 padded with spaces to a multiple of 8, then the data.</summary>
    public static byte[] File(string header, byte[] data, bool pad = true)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        int padding = pad ? (8 - json.Length % 8) % 8 : 0;
        json = [.. json, .. Enumerable.Repeat((byte)' ', padding)];
        return File((ulong)json.Length, json, data);
    }

    public static byte[] File(ulong headerLength, byte[] header, byte[] data) => [.. U64(headerLength), .. header, .. data];
}
