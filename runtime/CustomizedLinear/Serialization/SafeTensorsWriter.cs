using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace CustomizedLinear;

/// <summary>Encodes layers as a safetensors file: prepared in memory first, so no argument error can leave half a file.</summary>
internal sealed class SafeTensorsWriter
{
    private static readonly KeyValuePair<string, string>[] TorchMetadata = [new("format", "pt")];

    private readonly byte[] _header;

    /// <summary>The F32 tensors in data order.</summary>
    private readonly float[][] _tensors;

    private SafeTensorsWriter(byte[] header, float[][] tensors)
    {
        _header = header;
        _tensors = tensors;
    }

    /// <summary>Checks the arguments and builds the padded header and the tensors' values.</summary>
    public static SafeTensorsWriter Prepare((string Prefix, IMaskedLinear Layer)[] layers)
    {
        LayerTensors[] bound = LayerTensors.Bind(layers, out _);
        var tensors = new List<(byte[] Utf8, string Name, ulong[] Shape, float[] Values)>();
        foreach (LayerTensors target in bound)
        {
            IMaskedLinear layer = target.Layer;
            int inputs = layer.InputSize;
            int outputs = layer.OutputSize;
            var weight = new float[target.DenseLength];
            layer.CopyDenseWeight(weight);
            var mask = new float[target.DenseLength];
            for (int o = 0; o < outputs; o++)
            {
                for (int i = 0; i < inputs; i++)
                {
                    mask[o * inputs + i] = layer.IsConnected(i, o) ? 1f : 0f;
                }
            }

            ulong[] dense = [(ulong)outputs, (ulong)inputs];
            tensors.Add((target.WeightUtf8, target.WeightName, dense, weight));
            tensors.Add((target.MaskUtf8, target.MaskName, dense, mask));
            if (layer.HasBias)
            {
                tensors.Add((target.BiasUtf8, target.BiasName, [(ulong)outputs], layer.Bias.ToArray()));
            }
        }

        // All F32, so the reference order (dtype alignment, then name) is the order of the names' UTF-8 bytes.
        tensors.Sort(static (a, b) => a.Utf8.AsSpan().SequenceCompareTo(b.Utf8));
        var entries = new List<SafeTensorsEntry>(tensors.Count);
        ulong offset = 0;
        foreach (var tensor in tensors)
        {
            ulong end = offset + 4 * (ulong)tensor.Values.Length;
            entries.Add(new SafeTensorsEntry(tensor.Name, "F32", 4, tensor.Shape, offset, end));
            offset = end;
        }

        return new SafeTensorsWriter(SafeTensorsHeaderWriter.Write(TorchMetadata, entries), tensors.Select(t => t.Values).ToArray());
    }

    public void WriteTo(Stream stream)
    {
        const int ChunkBytes = SafeTensorsFormat.ChunkBytes;
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)_header.Length);
        stream.Write(length);
        stream.Write(_header);
        byte[] chunk = new byte[ChunkBytes];
        foreach (float[] values in _tensors)
        {
            for (int start = 0; start < values.Length; start += ChunkBytes / 4)
            {
                int count = Math.Min(ChunkBytes / 4, values.Length - start);
                for (int k = 0; k < count; k++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(chunk.AsSpan(4 * k, 4), values[start + k]);
                }

                stream.Write(chunk, 0, 4 * count);
            }
        }

        stream.Flush();
    }
}
