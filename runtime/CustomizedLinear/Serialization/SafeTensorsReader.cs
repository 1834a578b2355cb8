using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace CustomizedLinear;

/// <summary>Reads a safetensors stream into the layers, all or nothing.</summary>
/// <remarks>
/// Everything is parsed and checked before the first layer changes, and a layer that still fails makes every
/// layer go back to what it was.
/// </remarks>
internal static class SafeTensorsReader
{
    public static void Read(Stream stream, LayerTensors[] layers, Dictionary<string, (LayerTensors Layer, TensorKind Kind)> names, SafeTensorsLoadOptions options)
    {
        long? available = stream.CanSeek ? Math.Max(0, stream.Length - stream.Position) : null;

        Span<byte> prefix = stackalloc byte[8];
        int got = ReadAtMost(stream, prefix);
        if (got < 8)
        {
            throw new InvalidDataException(
                $"The safetensors input is truncated: it has {got} bytes, fewer than the 8-byte header length that starts it.");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > SafeTensorsFormat.MaxHeaderLength)
        {
            throw new InvalidDataException(
                $"The safetensors header length is {headerLength} bytes, more than the limit of {SafeTensorsFormat.MaxHeaderLength} bytes.");
        }

        if (available is long total && (long)headerLength > total - 8)
        {
            throw new InvalidDataException(
                $"The safetensors header length {headerLength} goes past the end of the input: only {total - 8} bytes follow the 8-byte length.");
        }

        byte[] header = ReadHeader(stream, (int)headerLength);
        List<SafeTensorsEntry> entries = SafeTensorsHeaderReader.Parse(header);
        ulong dataLength = SafeTensorsHeaderReader.CheckLayout(entries);
        if (available is long all)
        {
            ulong actual = (ulong)(all - 8 - (long)headerLength);
            if (dataLength > actual)
            {
                SafeTensorsEntry past = entries.Where(e => e.End > actual).MinBy(e => e.Begin)!;
                throw new InvalidDataException(
                    $"Tensor '{past.Name}': data_offsets {past.OffsetsText} go past the end of the data section, which has {actual} bytes (the input is truncated or the offsets are wrong).");
            }

            if (dataLength < actual)
            {
                throw new InvalidDataException(
                    $"The safetensors data section has {actual - dataLength} trailing bytes: the tensors' data_offsets cover {dataLength} bytes, but {actual} follow the header.");
            }
        }

        LayerLoadValidator[] loads = layers.Select(l => new LayerLoadValidator(l, options)).ToArray();
        Match(entries, loads, names, options);

        // Read the data in offset order straight into the float buffers.
        var ordered = entries.OrderBy(e => e.Begin).ToList();
        byte[] chunk = new byte[SafeTensorsFormat.ChunkBytes];
        foreach (SafeTensorsEntry entry in ordered)
        {
            if (!names.TryGetValue(entry.Name, out var slot))
            {
                // Unexpected, and skipped (Match refused it otherwise); still read, for the end of the input to be checked.
                Skip(stream, entry, chunk);
                continue;
            }

            (LayerTensors layer, TensorKind kind) = slot;
            LayerLoadValidator load = loads[layer.Index];
            float[] values = load.Allocate(kind);
            int element = 0;
            ulong remaining = entry.End - entry.Begin;
            while (remaining != 0)
            {
                int want = ReadChunk(stream, entry, chunk, remaining);

                if (entry.DType == "F64")
                {
                    load.CheckF64(kind, element, chunk.AsSpan(0, want));
                }

                element += DTypeDecoder.Decode(entry.DType, chunk.AsSpan(0, want), values.AsSpan(element));
                remaining -= (ulong)want;
            }
        }

        if (available is null && stream.ReadByte() >= 0)
        {
            throw new InvalidDataException(
                $"The safetensors data section has trailing bytes: the tensors' data_offsets cover {dataLength} bytes, but the input goes on.");
        }

        foreach (LayerLoadValidator load in loads)
        {
            load.CheckValues();
        }

        Commit(loads);
    }

    /// <summary>Checks that the file's tensors are exactly what the layers need, in name, shape and dtype.</summary>
    private static void Match(List<SafeTensorsEntry> entries, LayerLoadValidator[] loads, Dictionary<string, (LayerTensors Layer, TensorKind Kind)> names, SafeTensorsLoadOptions options)
    {
        var unexpected = new List<string>();
        foreach (SafeTensorsEntry entry in entries)
        {
            if (names.TryGetValue(entry.Name, out var slot))
            {
                loads[slot.Layer.Index].Assign(slot.Kind, entry);
            }
            else
            {
                unexpected.Add(entry.Name);
            }
        }

        foreach (LayerLoadValidator load in loads)
        {
            load.CheckTensors(entries);
        }

        if (unexpected.Count != 0 && options.UnexpectedTensors == UnexpectedTensors.Reject)
        {
            unexpected.Sort(StringComparer.Ordinal);
            throw new InvalidDataException(
                $"The safetensors file has {unexpected.Count} tensor(s) that belong to none of the given layers: {ErrorText.Names(unexpected)}. Pass every layer the file holds, with its prefix.");
        }
    }

    private static void Commit(LayerLoadValidator[] loads)
    {
        var saved = loads.Select(l => (Weights: l.Tensors.Layer.Weights.ToArray(), Bias: l.Tensors.Layer.Bias.ToArray())).ToArray();
        int current = 0;
        try
        {
            for (; current < loads.Length; current++)
            {
                LayerLoadValidator load = loads[current];
                load.Tensors.Layer.LoadDenseWeight(load.WeightValues);
                if (load.Tensors.Layer.HasBias)
                {
                    load.BiasValues.CopyTo(load.Tensors.Layer.Bias);
                }
            }
        }
        catch (Exception e)
        {
            // Not expected after the checks above (a layer that rejects what its own IsConnected accepts); still,
            // leave every layer as it was, and report it as the file not fitting the layers.
            for (int k = loads.Length - 1; k >= 0; k--)
            {
                saved[k].Weights.CopyTo(loads[k].Tensors.Layer.Weights);
                saved[k].Bias.CopyTo(loads[k].Tensors.Layer.Bias);
            }

            LayerTensors failed = loads[current].Tensors;
            throw new InvalidDataException(
                $"layers[{failed.Index}] (prefix \"{failed.Prefix}\") rejected the weight '{loads[current].WeightName}' after the file was checked: {e.Message} No layer was changed.",
                e);
        }
    }

    /// <summary>Reads past a tensor that no layer takes, as the loop that decodes the others reads (same truncation message).</summary>
    private static void Skip(Stream stream, SafeTensorsEntry entry, byte[] chunk)
    {
        ulong remaining = entry.End - entry.Begin;
        while (remaining != 0)
        {
            int want = ReadChunk(stream, entry, chunk, remaining);

            remaining -= (ulong)want;
        }
    }

    /// <summary>
    /// The next piece of a tensor's data, <paramref name="remaining"/> bytes before its end, into
    /// <paramref name="chunk"/>: as much as fits; a stream that ends first is a truncated file.
    /// </summary>
    private static int ReadChunk(Stream stream, SafeTensorsEntry entry, byte[] chunk, ulong remaining)
    {
        int want = (int)Math.Min(remaining, (ulong)chunk.Length);
        int read = ReadAtMost(stream, chunk.AsSpan(0, want));
        if (read < want)
        {
            ulong end = entry.End - remaining + (ulong)read;
            throw new InvalidDataException(
                $"The safetensors input is truncated: tensor '{entry.Name}' has data_offsets {entry.OffsetsText}, but the data section ends at byte {end}.");
        }

        return want;
    }

    /// <summary>Fills <paramref name="buffer"/> unless the stream ends first; returns the number of bytes read.</summary>
    private static int ReadAtMost(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = stream.Read(buffer[total..]);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    /// <summary>Reads the header, growing the buffer only as bytes arrive, so a false length on a short stream allocates little.</summary>
    private static byte[] ReadHeader(Stream stream, int length)
    {
        byte[] buffer = new byte[Math.Min(length, SafeTensorsFormat.ChunkBytes)];
        int filled = 0;
        while (true)
        {
            filled += ReadAtMost(stream, buffer.AsSpan(filled));
            if (filled == length)
            {
                return buffer;
            }

            if (filled < buffer.Length)
            {
                throw new InvalidDataException(
                    $"The safetensors input is truncated: the header length is {length} bytes, but only {filled} follow the 8-byte length.");
            }

            Array.Resize(ref buffer, (int)Math.Min(length, 2L * buffer.Length));
        }
    }
}
