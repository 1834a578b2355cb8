using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace CustomizedLinear;

/// <summary>Parses a safetensors JSON header into its tensors and checks that their offsets tile the data section.</summary>
/// <remarks>The rules are the reference implementation's (huggingface/safetensors).</remarks>
internal static class SafeTensorsHeaderReader
{
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

                if (name == SafeTensorsFormat.MetadataKey)
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
            throw new InvalidDataException($"The safetensors header's {SafeTensorsFormat.MetadataKey} must be an object of strings, but it is {Describe(reader.TokenType)}.");
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
                throw new InvalidDataException($"The safetensors header's {SafeTensorsFormat.MetadataKey} names '{key}' more than once (duplicate key).");
            }

            Read(ref reader);
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new InvalidDataException($"The safetensors header's {SafeTensorsFormat.MetadataKey}['{key}'] must be a string, but it is {Describe(reader.TokenType)}.");
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

        int elementSize = SafeTensorsFormat.ElementSize(dtype);
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
        string shapeText = ErrorText.Shape(dims);
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
}
