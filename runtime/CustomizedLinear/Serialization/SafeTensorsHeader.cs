using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace CustomizedLinear;

/// <summary>One tensor of a safetensors header: name, dtype, shape and byte range in the data section.</summary>
internal sealed class SafeTensorsEntry
{
    public SafeTensorsEntry(string name, string dtype, int elementSize, ulong[] shape, ulong begin, ulong end)
    {
        Name = name;
        DType = dtype;
        ElementSize = elementSize;
        Shape = shape;
        Begin = begin;
        End = end;
    }

    public string Name { get; }

    public string DType { get; }

    public int ElementSize { get; }

    public ulong[] Shape { get; }

    /// <summary>Start of the tensor's bytes, relative to the data section.</summary>
    public ulong Begin { get; }

    /// <summary>End (exclusive) of the tensor's bytes, relative to the data section.</summary>
    public ulong End { get; }

    public string ShapeText => SafeTensorsHeader.FormatShape(Shape);

    public string OffsetsText => $"[{Begin}, {End}]";
}

/// <summary>
/// Reads and writes the JSON header of the safetensors format and checks the layout of the data section
/// (the rules of the reference implementation, huggingface/safetensors).
/// </summary>
internal static class SafeTensorsHeader
{
    /// <summary>The reference implementation's limit on the header length.</summary>
    public const ulong MaxHeaderLength = 100_000_000;

    public const string MetadataKey = "__metadata__";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Bytes per element of every dtype the format defines; 0 when unknown.</summary>
    public static int ElementSize(string dtype) => dtype switch
    {
        "BOOL" or "U8" or "I8" or "F8_E5M2" or "F8_E4M3" => 1,
        "I16" or "U16" or "F16" or "BF16" => 2,
        "I32" or "U32" or "F32" => 4,
        "I64" or "U64" or "F64" => 8,
        _ => 0,
    };

    public static string FormatShape(ReadOnlySpan<ulong> shape)
    {
        var text = new StringBuilder("[");
        for (int k = 0; k < shape.Length; k++)
        {
            text.Append(k == 0 ? "" : ", ").Append(shape[k].ToString(CultureInfo.InvariantCulture));
        }

        return text.Append(']').ToString();
    }

    /// <summary>
    /// Parses a header: UTF-8, a JSON object starting with <c>{</c>, no duplicate names, <c>__metadata__</c>
    /// a string → string object, every other entry a tensor with a known dtype, a shape of non-negative
    /// integers and two data offsets whose span is exactly shape × dtype size.
    /// </summary>
    public static List<SafeTensorsEntry> Parse(ReadOnlySpan<byte> header)
    {
        if (header.IsEmpty)
        {
            throw new InvalidDataException("The safetensors header is empty (length 0); expected a JSON object.");
        }

        CheckUtf8(header);
        if (header[0] != (byte)'{')
        {
            throw new InvalidDataException(
                $"The safetensors header is not a JSON object: it starts with '{Printable(header[0])}' instead of '{{'.");
        }

        var entries = new List<SafeTensorsEntry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(header, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 });
        try
        {
            reader.Read(); // the '{' checked above
            while (true)
            {
                Read(ref reader);
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }

                string name = reader.GetString()!;
                if (!names.Add(name))
                {
                    throw new InvalidDataException($"The safetensors header names '{name}' more than once (duplicate key).");
                }

                if (name == MetadataKey)
                {
                    ParseMetadata(ref reader);
                }
                else
                {
                    entries.Add(ParseTensor(ref reader, name));
                }
            }

            // Only whitespace (the padding) may follow: the reader takes a single JSON value, so anything else
            // makes this Read throw a JsonException (reported below), and with nothing else it returns false.
            _ = reader.Read();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The safetensors header is not valid JSON: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            // GetString on a string with an unpaired surrogate escape such as "\ud800".
            throw new InvalidDataException($"The safetensors header has an invalid string: {e.Message}", e);
        }

        return entries;
    }

    /// <summary>
    /// Checks that the tensors, in offset order, tile the data section from 0 without gaps or overlaps and
    /// returns its length (the last end offset).
    /// </summary>
    public static ulong CheckLayout(List<SafeTensorsEntry> entries)
    {
        var ordered = new List<SafeTensorsEntry>(entries);
        ordered.Sort(static (a, b) =>
        {
            int c = a.Begin.CompareTo(b.Begin);
            c = c != 0 ? c : a.End.CompareTo(b.End);
            return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
        });
        ulong next = 0;
        SafeTensorsEntry? previous = null;
        foreach (SafeTensorsEntry entry in ordered)
        {
            if (entry.Begin > next)
            {
                string before = previous is null ? "the start of the data section" : $"tensor '{previous.Name}' (data_offsets {previous.OffsetsText})";
                throw new InvalidDataException(
                    $"The safetensors data section has a gap: bytes [{next}, {entry.Begin}) between {before} and tensor '{entry.Name}' (data_offsets {entry.OffsetsText}) belong to no tensor.");
            }

            if (entry.Begin < next)
            {
                throw new InvalidDataException(
                    $"Tensors '{previous!.Name}' (data_offsets {previous.OffsetsText}) and '{entry.Name}' (data_offsets {entry.OffsetsText}) overlap.");
            }

            next = entry.End;
            previous = entry;
        }

        return next;
    }

    /// <summary>
    /// Writes the header: <c>{"__metadata__":{...},"name":{"dtype":...,"shape":[...],"data_offsets":[b,e]},...}</c>
    /// in the given order, compact, padded with spaces to a multiple of 8 bytes.
    /// </summary>
    public static byte[] Write(IReadOnlyList<KeyValuePair<string, string>> metadata, IReadOnlyList<SafeTensorsEntry> tensors)
    {
        var json = new StringBuilder();
        json.Append('{');
        bool first = true;
        if (metadata.Count != 0)
        {
            AppendString(json, MetadataKey);
            json.Append(":{");
            for (int k = 0; k < metadata.Count; k++)
            {
                json.Append(k == 0 ? "" : ",");
                AppendString(json, metadata[k].Key);
                json.Append(':');
                AppendString(json, metadata[k].Value);
            }

            json.Append('}');
            first = false;
        }

        foreach (SafeTensorsEntry tensor in tensors)
        {
            json.Append(first ? "" : ",");
            first = false;
            AppendString(json, tensor.Name);
            json.Append(":{\"dtype\":");
            AppendString(json, tensor.DType);
            json.Append(",\"shape\":[");
            for (int k = 0; k < tensor.Shape.Length; k++)
            {
                json.Append(k == 0 ? "" : ",").Append(tensor.Shape[k].ToString(CultureInfo.InvariantCulture));
            }

            json.Append("],\"data_offsets\":[")
                .Append(tensor.Begin.ToString(CultureInfo.InvariantCulture))
                .Append(',')
                .Append(tensor.End.ToString(CultureInfo.InvariantCulture))
                .Append("]}");
        }

        json.Append('}');
        int length = StrictUtf8.GetByteCount(json.ToString());
        json.Append(' ', (8 - length % 8) % 8);
        return StrictUtf8.GetBytes(json.ToString());
    }

    /// <summary>The UTF-8 bytes of a name, or <see langword="null"/> when it is not valid Unicode (an unpaired surrogate).</summary>
    public static byte[]? TryEncode(string name)
    {
        try
        {
            return StrictUtf8.GetBytes(name);
        }
        catch (EncoderFallbackException)
        {
            return null;
        }
    }

    private static void CheckUtf8(ReadOnlySpan<byte> header)
    {
        if (Utf8.IsValid(header))
        {
            return;
        }

        // Invalid somewhere: find the first bad sequence, for the message.
        int offset = 0;
        while (offset < header.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(header[offset..], out _, out int consumed) != System.Buffers.OperationStatus.Done)
            {
                throw new InvalidDataException(
                    $"The safetensors header is not valid UTF-8: invalid byte sequence at header byte {offset} (0x{header[offset]:X2}).");
            }

            offset += consumed;
        }
    }

    private static void ParseMetadata(ref Utf8JsonReader reader)
    {
        Read(ref reader);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidDataException($"The safetensors header's {MetadataKey} must be an object of strings, but it is {Describe(reader.TokenType)}.");
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            Read(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return;
            }

            string key = reader.GetString()!;
            if (!keys.Add(key))
            {
                throw new InvalidDataException($"The safetensors header's {MetadataKey} names '{key}' more than once (duplicate key).");
            }

            Read(ref reader);
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new InvalidDataException($"The safetensors header's {MetadataKey}['{key}'] must be a string, but it is {Describe(reader.TokenType)}.");
            }

            _ = reader.GetString();
        }
    }

    private static SafeTensorsEntry ParseTensor(ref Utf8JsonReader reader, string name)
    {
        Read(ref reader);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidDataException(
                $"Tensor '{name}' must be an object with dtype, shape and data_offsets, but it is {Describe(reader.TokenType)}.");
        }

        string? dtype = null;
        List<ulong>? shape = null;
        List<ulong>? offsets = null;
        while (true)
        {
            Read(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            string field = reader.GetString()!;
            bool duplicate = false;
            switch (field)
            {
                case "dtype":
                    duplicate = dtype is not null;
                    Read(ref reader);
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw new InvalidDataException($"Tensor '{name}': dtype must be a string, but it is {Describe(reader.TokenType)}.");
                    }

                    dtype = reader.GetString()!;
                    break;
                case "shape":
                    duplicate = shape is not null;
                    shape = ReadIntegers(ref reader, name, "shape");
                    break;
                case "data_offsets":
                    duplicate = offsets is not null;
                    offsets = ReadIntegers(ref reader, name, "data_offsets");
                    break;
                default:
                    throw new InvalidDataException(
                        $"Tensor '{name}' has an unknown field '{field}'; expected only dtype, shape and data_offsets.");
            }

            if (duplicate)
            {
                throw new InvalidDataException($"Tensor '{name}' has the field '{field}' more than once.");
            }
        }

        if (dtype is null || shape is null || offsets is null)
        {
            string missing = dtype is null ? "dtype" : shape is null ? "shape" : "data_offsets";
            throw new InvalidDataException($"Tensor '{name}' has no {missing}.");
        }

        int elementSize = ElementSize(dtype);
        if (elementSize == 0)
        {
            throw new InvalidDataException(
                $"Tensor '{name}' has an unknown dtype \"{dtype}\"; safetensors defines BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32, U32, F32, F64, I64 and U64.");
        }

        if (offsets.Count != 2)
        {
            throw new InvalidDataException($"Tensor '{name}': data_offsets must be 2 integers [begin, end], but it has {offsets.Count}.");
        }

        ulong begin = offsets[0];
        ulong end = offsets[1];
        if (end < begin)
        {
            throw new InvalidDataException($"Tensor '{name}': data_offsets [{begin}, {end}] end before they begin.");
        }

        ulong[] dims = shape.ToArray();
        string shapeText = FormatShape(dims);
        ulong bytes = (ulong)elementSize;
        bool overflow = false;
        foreach (ulong dim in dims)
        {
            overflow |= dim != 0 && bytes > ulong.MaxValue / dim;
            bytes = overflow ? 0 : bytes * dim;
        }

        if (overflow)
        {
            throw new InvalidDataException($"Tensor '{name}': shape {shapeText} of {dtype} overflows a 64-bit byte count.");
        }

        if (end - begin != bytes)
        {
            throw new InvalidDataException(
                $"Tensor '{name}': data_offsets [{begin}, {end}] span {end - begin} bytes, but dtype {dtype} ({elementSize} bytes) × shape {shapeText} needs {bytes} bytes.");
        }

        return new SafeTensorsEntry(name, dtype, elementSize, dims, begin, end);
    }

    private static List<ulong> ReadIntegers(ref Utf8JsonReader reader, string name, string field)
    {
        Read(ref reader);
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new InvalidDataException($"Tensor '{name}': {field} must be an array of non-negative integers, but it is {Describe(reader.TokenType)}.");
        }

        var values = new List<ulong>();
        while (true)
        {
            Read(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return values;
            }

            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt64(out ulong value))
            {
                string text = reader.TokenType == JsonTokenType.Number ? Encoding.UTF8.GetString(reader.ValueSpan) : Describe(reader.TokenType);
                throw new InvalidDataException($"Tensor '{name}': {field} must hold non-negative integers, but it holds {text}.");
            }

            values.Add(value);
        }
    }

    private static void Read(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new InvalidDataException("The safetensors header is not valid JSON: it ends before its object is closed.");
        }
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private static string Printable(byte b) => b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"\\x{b:X2}";

    /// <summary>A JSON string with the escapes serde_json uses: quote, backslash and control characters.</summary>
    private static void AppendString(StringBuilder json, string value)
    {
        json.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        json.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        json.Append(c);
                    }

                    break;
            }
        }

        json.Append('"');
    }
}
