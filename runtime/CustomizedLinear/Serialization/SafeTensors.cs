using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace CustomizedLinear;

/// <summary>
/// Saves and loads layers as <see href="https://github.com/huggingface/safetensors">safetensors</see> files
/// with PyTorch <c>state_dict</c> names, so a file moves between this library and PyTorch
/// (<c>safetensors.torch.save_file(model.state_dict(), path)</c> / <c>model.load_state_dict(load_file(path))</c>).
/// </summary>
/// <remarks>
/// <para>
/// Each <c>(Prefix, Layer)</c> pair owns the tensors <c>&lt;Prefix&gt;weight</c> (F32 <c>[OutputSize, InputSize]</c>,
/// dense, 0 where unconnected), <c>&lt;Prefix&gt;bias</c> (F32 <c>[OutputSize]</c>, only when the layer has a bias)
/// and <c>&lt;Prefix&gt;mask</c> (F32 <c>[OutputSize, InputSize]</c> of 1/0: the original PyTorch
/// <c>CustomizedLinear</c> module keeps its mask in its <c>state_dict</c> in that layout). Prefixes are used
/// exactly as given, so they carry their own separator: <c>""</c>, <c>"0."</c>, <c>"encoder."</c>.
/// </para>
/// <para>
/// The file is the safetensors layout: an 8-byte little-endian header length, a UTF-8 JSON header and the
/// little-endian tensor data. <see cref="Save(Stream, ValueTuple{string, IMaskedLinear}[])"/> writes what the
/// reference implementation writes (tensors sorted by name, header padded with spaces to a multiple of 8),
/// with <c>__metadata__</c> <c>{"format":"pt"}</c> as transformers' <c>save_pretrained</c> writes it
/// (<c>safetensors.torch.save_file</c> writes metadata only when given <c>metadata=</c>, and its
/// <c>load_file</c> ignores it), byte for byte the same every time.
/// <see cref="Load(Stream, ValueTuple{string, IMaskedLinear}[])"/> checks everything the reference
/// implementation checks, and the tensors against the layers, before changing anything.
/// </para>
/// </remarks>
public static class SafeTensors
{
    private const int ChunkBytes = 1 << 16;

    private static readonly KeyValuePair<string, string>[] TorchMetadata = [new("format", "pt")];

    /// <summary>Saves the layers to a safetensors file, replacing it if it exists.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="layers">The layers and the name prefixes of their tensors, e.g. <c>("0.", first), ("2.", second)</c> for an <c>nn.Sequential</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/>, <paramref name="layers"/>, a prefix or a layer is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Two layers would write the same tensor name, the same layer instance is given twice, a prefix is not valid Unicode, or a layer is inconsistent (its <c>Bias</c> length is not <c>OutputSize</c>).</exception>
    /// <remarks>Every argument is checked before the file is created.</remarks>
    public static void Save(string path, params (string Prefix, IMaskedLinear Layer)[] layers)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Prepared prepared = Prepare(layers);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        prepared.WriteTo(file);
    }

    /// <summary>Saves the layers in the safetensors format to a stream, from its current position. The stream is left open.</summary>
    /// <param name="stream">A writable stream.</param>
    /// <param name="layers">The layers and the name prefixes of their tensors, e.g. <c>("0.", first), ("2.", second)</c> for an <c>nn.Sequential</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/>, <paramref name="layers"/>, a prefix or a layer is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not writable, two layers would write the same tensor name, the same layer instance is given twice, a prefix is not valid Unicode, or a layer is inconsistent (its <c>Bias</c> length is not <c>OutputSize</c>).</exception>
    /// <remarks>Every argument is checked before anything is written.</remarks>
    public static void Save(Stream stream, params (string Prefix, IMaskedLinear Layer)[] layers)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream is not writable.", nameof(stream));
        }

        Prepare(layers).WriteTo(stream);
    }

    /// <summary>Loads the layers from a safetensors file, all or nothing.</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="layers">The layers and the name prefixes of their tensors, as they were saved.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/>, <paramref name="layers"/>, a prefix or a layer is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Two layers would read the same tensor name, the same layer instance is given twice, a prefix is not valid Unicode, or a layer is inconsistent.</exception>
    /// <exception cref="InvalidDataException">The file is malformed or does not fit the layers; the message says what is wrong. No layer is changed. Also thrown, with the layer's exception as <see cref="Exception.InnerException"/> and every layer restored, when a layer's <see cref="IMaskedLinear.LoadDenseWeight"/> throws after the checks.</exception>
    /// <remarks>See <see cref="Load(Stream, ValueTuple{string, IMaskedLinear}[])"/> for what is checked.</remarks>
    public static void Load(string path, params (string Prefix, IMaskedLinear Layer)[] layers)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Target[] targets = Targets(layers, out Dictionary<string, (Target Target, Kind Kind)> names);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        LoadCore(file, targets, names);
    }

    /// <summary>
    /// Loads the layers from a safetensors stream, all or nothing: the whole input is parsed and checked
    /// against every layer before any layer changes, and on any failure every layer is left as it was.
    /// </summary>
    /// <param name="stream">A readable stream, read from its current position to its end (seekable or not). It is left open.</param>
    /// <param name="layers">The layers and the name prefixes of their tensors, as they were saved.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/>, <paramref name="layers"/>, a prefix or a layer is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not readable, two layers would read the same tensor name, the same layer instance is given twice, a prefix is not valid Unicode, or a layer is inconsistent.</exception>
    /// <exception cref="InvalidDataException">The input is malformed or does not fit the layers; the message says what is wrong. No layer is changed. Also thrown, with the layer's exception as <see cref="Exception.InnerException"/> and every layer restored, when a layer's <see cref="IMaskedLinear.LoadDenseWeight"/> throws after the checks.</exception>
    /// <remarks>
    /// <para>
    /// The format is checked as the reference implementation checks it: a header length of at most
    /// 100,000,000 bytes that fits in the input; a header of valid UTF-8 holding one JSON object (starting
    /// with <c>{</c>, trailing spaces allowed) with no duplicate names; <c>__metadata__</c>, if present, an
    /// object of strings; every tensor an object of exactly <c>dtype</c> (a safetensors dtype), <c>shape</c>
    /// (non-negative integers) and <c>data_offsets</c> (two non-negative integers, end ≥ begin, spanning
    /// shape × dtype size bytes); the tensors tiling the data section from byte 0 without gaps or overlaps, up
    /// to exactly the end of the input.
    /// </para>
    /// <para>
    /// Then against the layers: <c>&lt;Prefix&gt;weight</c> must be present, and <c>&lt;Prefix&gt;bias</c> exactly
    /// when the layer has a bias; <c>&lt;Prefix&gt;mask</c> is optional (a plain <c>nn.Linear</c> file has none).
    /// Weight and mask must have shape <c>[OutputSize, InputSize]</c> and bias <c>[OutputSize]</c>, each of dtype
    /// F32, F16, BF16 or F64 (converted to float; F64 rounds to nearest, and a finite F64 value too large for
    /// float, which would become an infinity, is rejected; NaN and infinities load as they are). A mask must
    /// hold only 0 and 1 and equal the layer's compiled mask (<see cref="IMaskedLinear.IsConnected"/>); the
    /// weight must be 0 (or -0.0) at every unconnected position. Both are checked on the values in the file,
    /// before any rounding: an F64 1E-60 is not 0, and an F64 1.000000000001 is not 1. A tensor that belongs
    /// to none of the given layers is rejected, as PyTorch's strict <c>load_state_dict</c> rejects unexpected
    /// keys: pass every layer the file holds.
    /// </para>
    /// </remarks>
    public static void Load(Stream stream, params (string Prefix, IMaskedLinear Layer)[] layers)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream is not readable.", nameof(stream));
        }

        Target[] targets = Targets(layers, out Dictionary<string, (Target Target, Kind Kind)> names);
        LoadCore(stream, targets, names);
    }

    private enum Kind
    {
        Weight,
        Bias,
        Mask,
    }

    private static Prepared Prepare((string Prefix, IMaskedLinear Layer)[] layers)
    {
        Target[] targets = Targets(layers, out _);
        var tensors = new List<(byte[] Utf8, string Name, ulong[] Shape, float[] Values)>();
        foreach (Target target in targets)
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

        return new Prepared(SafeTensorsHeaderWriter.Write(TorchMetadata, entries), tensors.Select(t => t.Values).ToArray());
    }

    private static Target[] Targets((string Prefix, IMaskedLinear Layer)[] layers, out Dictionary<string, (Target Target, Kind Kind)> names)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var targets = new Target[layers.Length];
        names = new Dictionary<string, (Target, Kind)>(StringComparer.Ordinal);
        var instances = new Dictionary<IMaskedLinear, Target>(ReferenceEqualityComparer.Instance);
        for (int k = 0; k < layers.Length; k++)
        {
            (string prefix, IMaskedLinear layer) = layers[k];
            if (prefix is null)
            {
                throw new ArgumentNullException(nameof(layers), $"layers[{k}].Prefix is null; use \"\" for no prefix.");
            }

            if (layer is null)
            {
                throw new ArgumentNullException(nameof(layers), $"layers[{k}].Layer (prefix \"{prefix}\") is null.");
            }

            if (instances.TryGetValue(layer, out Target? same))
            {
                throw new ArgumentException(
                    $"layers[{same.Index}] (prefix \"{same.Prefix}\") and layers[{k}] (prefix \"{prefix}\") are the same layer instance; pass each layer once.",
                    nameof(layers));
            }

            var target = new Target(k, prefix, layer);
            instances.Add(layer, target);
            foreach ((string name, Kind kind) in new[] { (target.WeightName, Kind.Weight), (target.BiasName, Kind.Bias), (target.MaskName, Kind.Mask) })
            {
                if (names.TryGetValue(name, out var other))
                {
                    throw new ArgumentException(
                        $"layers[{other.Target.Index}] (prefix \"{other.Target.Prefix}\") and layers[{k}] (prefix \"{prefix}\") both use the tensor name '{name}'.",
                        nameof(layers));
                }

                names.Add(name, (target, kind));
            }

            targets[k] = target;
        }

        return targets;
    }

    private static void LoadCore(Stream stream, Target[] targets, Dictionary<string, (Target Target, Kind Kind)> names)
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

        Match(entries, targets, names);

        // Read the data in offset order straight into the float buffers.
        var ordered = entries.OrderBy(e => e.Begin).ToList();
        byte[] chunk = new byte[ChunkBytes];
        foreach (SafeTensorsEntry entry in ordered)
        {
            (Target target, Kind kind) = names[entry.Name];
            float[] values = target.Allocate(kind);
            int element = 0;
            ulong remaining = entry.End - entry.Begin;
            while (remaining != 0)
            {
                int want = (int)Math.Min(remaining, (ulong)chunk.Length);
                int read = ReadAtMost(stream, chunk.AsSpan(0, want));
                if (read < want)
                {
                    ulong end = entry.End - remaining + (ulong)read;
                    throw new InvalidDataException(
                        $"The safetensors input is truncated: tensor '{entry.Name}' has data_offsets {entry.OffsetsText}, but the data section ends at byte {end}.");
                }

                if (entry.DType == "F64")
                {
                    target.CheckF64(kind, element, chunk.AsSpan(0, want));
                }

                element += Decode(entry.DType, chunk.AsSpan(0, want), values.AsSpan(element));
                remaining -= (ulong)want;
            }
        }

        if (available is null && stream.ReadByte() >= 0)
        {
            throw new InvalidDataException(
                $"The safetensors data section has trailing bytes: the tensors' data_offsets cover {dataLength} bytes, but the input goes on.");
        }

        foreach (Target target in targets)
        {
            target.CheckValues();
        }

        Commit(targets);
    }

    /// <summary>Checks that the file's tensors are exactly what the layers need, in name, shape and dtype.</summary>
    private static void Match(List<SafeTensorsEntry> entries, Target[] targets, Dictionary<string, (Target Target, Kind Kind)> names)
    {
        var unexpected = new List<string>();
        foreach (SafeTensorsEntry entry in entries)
        {
            if (names.TryGetValue(entry.Name, out var slot))
            {
                slot.Target.Assign(slot.Kind, entry);
            }
            else
            {
                unexpected.Add(entry.Name);
            }
        }

        foreach (Target target in targets)
        {
            target.CheckTensors(entries);
        }

        if (unexpected.Count != 0)
        {
            unexpected.Sort(StringComparer.Ordinal);
            throw new InvalidDataException(
                $"The safetensors file has {unexpected.Count} tensor(s) that belong to none of the given layers: {ErrorText.Names(unexpected)}. Pass every layer the file holds, with its prefix.");
        }
    }

    private static void Commit(Target[] targets)
    {
        var saved = targets.Select(t => (Weights: t.Layer.Weights.ToArray(), Bias: t.Layer.Bias.ToArray())).ToArray();
        int current = 0;
        try
        {
            for (; current < targets.Length; current++)
            {
                Target target = targets[current];
                target.Layer.LoadDenseWeight(target.WeightValues);
                if (target.Layer.HasBias)
                {
                    target.BiasValues.CopyTo(target.Layer.Bias);
                }
            }
        }
        catch (Exception e)
        {
            // Not expected after the checks above (a layer that rejects what its own IsConnected accepts); still,
            // leave every layer as it was, and report it as the file not fitting the layers.
            for (int k = targets.Length - 1; k >= 0; k--)
            {
                saved[k].Weights.CopyTo(targets[k].Layer.Weights);
                saved[k].Bias.CopyTo(targets[k].Layer.Bias);
            }

            Target failed = targets[current];
            throw new InvalidDataException(
                $"layers[{failed.Index}] (prefix \"{failed.Prefix}\") rejected the weight '{failed.WeightName}' after the file was checked: {e.Message} No layer was changed.",
                e);
        }
    }

    /// <summary>Converts little-endian F32/F16/BF16/F64 values to float; returns how many were written.</summary>
    private static int Decode(string dtype, ReadOnlySpan<byte> bytes, Span<float> values)
    {
        switch (dtype)
        {
            case "F32":
                for (int k = 0; k < bytes.Length / 4; k++)
                {
                    values[k] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(4 * k, 4));
                }

                return bytes.Length / 4;
            case "F16":
                for (int k = 0; k < bytes.Length / 2; k++)
                {
                    values[k] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.Slice(2 * k, 2));
                }

                return bytes.Length / 2;
            case "BF16":
                // bfloat16 is the upper half of a float32.
                for (int k = 0; k < bytes.Length / 2; k++)
                {
                    values[k] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(2 * k, 2)) << 16);
                }

                return bytes.Length / 2;
            case "F64":
                for (int k = 0; k < bytes.Length / 8; k++)
                {
                    values[k] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes.Slice(8 * k, 8));
                }

                return bytes.Length / 8;
            default:
                throw new InvalidOperationException($"dtype {dtype} was not rejected by Match.");
        }
    }

    private static bool IsSupported(string dtype) => dtype is "F32" or "F16" or "BF16" or "F64";

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
        byte[] buffer = new byte[Math.Min(length, ChunkBytes)];
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

    /// <summary>A serialized file: the padded header and the F32 tensors in data order.</summary>
    private sealed class Prepared(byte[] header, float[][] tensors)
    {
        public void WriteTo(Stream stream)
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            byte[] chunk = new byte[ChunkBytes];
            foreach (float[] values in tensors)
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

    /// <summary>One layer with its tensor names and, while loading, the tensors found for it.</summary>
    private sealed class Target
    {
        public Target(int index, string prefix, IMaskedLinear layer)
        {
            Index = index;
            Prefix = prefix;
            Layer = layer;
            WeightName = prefix + "weight";
            BiasName = prefix + "bias";
            MaskName = prefix + "mask";
            WeightUtf8 = SafeTensorsFormat.TryEncode(WeightName)
                ?? throw new ArgumentException($"layers[{index}].Prefix is not valid Unicode (it has an unpaired surrogate).", "layers");
            BiasUtf8 = SafeTensorsFormat.TryEncode(BiasName)!;
            MaskUtf8 = SafeTensorsFormat.TryEncode(MaskName)!;

            int inputs = layer.InputSize;
            int outputs = layer.OutputSize;
            long dense = (long)inputs * outputs;
            if (inputs <= 0 || outputs <= 0 || dense > Array.MaxLength)
            {
                throw new ArgumentException($"layers[{index}] (prefix \"{prefix}\") has {inputs} inputs and {outputs} outputs; expected a positive size that fits in an array.", "layers");
            }

            int biasLength = layer.HasBias ? outputs : 0;
            if (layer.Bias.Length != biasLength)
            {
                throw new ArgumentException(
                    $"layers[{index}] (prefix \"{prefix}\") has HasBias = {layer.HasBias} and {outputs} outputs, but its Bias has {layer.Bias.Length} values.", "layers");
            }

            DenseLength = (int)dense;
        }

        public int Index { get; }

        public string Prefix { get; }

        public IMaskedLinear Layer { get; }

        public string WeightName { get; }

        public string BiasName { get; }

        public string MaskName { get; }

        public byte[] WeightUtf8 { get; }

        public byte[] BiasUtf8 { get; }

        public byte[] MaskUtf8 { get; }

        public int DenseLength { get; }

        public float[] WeightValues { get; private set; } = [];

        public float[] BiasValues { get; private set; } = [];

        private SafeTensorsEntry? Weight { get; set; }

        private SafeTensorsEntry? Bias { get; set; }

        private SafeTensorsEntry? Mask { get; set; }

        private float[]? MaskValues { get; set; }

        /// <summary>F64 only: the first value, in data order, that is finite but too large for float.</summary>
        private (Kind Kind, int Index, double Value)? F64Overflow { get; set; }

        /// <summary>F64 mask only: the first value that is not exactly 0 or 1.</summary>
        private (int Index, double Value)? F64BadMask { get; set; }

        /// <summary>F64 weight only: the first non-zero value at an unconnected position.</summary>
        private (int Index, double Value)? F64BadWeight { get; set; }

        public void Assign(Kind kind, SafeTensorsEntry entry)
        {
            switch (kind)
            {
                case Kind.Weight: Weight = entry; break;
                case Kind.Bias: Bias = entry; break;
                default: Mask = entry; break;
            }
        }

        /// <summary>Presence, dtype and shape of this layer's tensors.</summary>
        public void CheckTensors(List<SafeTensorsEntry> all)
        {
            string layer = $"layer \"{Prefix}\" ({Layer.InputSize} inputs, {Layer.OutputSize} outputs{(Layer.HasBias ? ", with bias" : ", no bias")})";
            if (Weight is null)
            {
                throw new InvalidDataException(
                    $"Tensor '{WeightName}' of {layer} is missing; the file has {(all.Count == 0 ? "no tensors" : ErrorText.Names(all.Select(e => e.Name).Order(StringComparer.Ordinal)))}.");
            }

            if (Layer.HasBias && Bias is null)
            {
                throw new InvalidDataException($"Tensor '{BiasName}' of {layer} is missing, but the layer has a bias.");
            }

            if (!Layer.HasBias && Bias is not null)
            {
                throw new InvalidDataException($"Tensor '{BiasName}' is in the file, but {layer} has no bias.");
            }

            ulong[] dense = [(ulong)Layer.OutputSize, (ulong)Layer.InputSize];
            CheckTensor(Weight, dense, "[OutputSize, InputSize]");
            if (Bias is not null)
            {
                CheckTensor(Bias, [(ulong)Layer.OutputSize], "[OutputSize]");
            }

            if (Mask is not null)
            {
                CheckTensor(Mask, dense, "[OutputSize, InputSize]");
            }
        }

        public float[] Allocate(Kind kind)
        {
            switch (kind)
            {
                case Kind.Weight: return WeightValues = new float[DenseLength];
                case Kind.Bias: return BiasValues = new float[Layer.OutputSize];
                default: return MaskValues = new float[DenseLength];
            }
        }

        /// <summary>
        /// Checks F64 values, elements <paramref name="first"/> onwards of the tensor, before they are rounded to
        /// float: rounding would hide a weight of 1E-60 at an unconnected position (it becomes 0), a mask value
        /// of 1.000000000001 (it becomes 1) and a finite value too large for float (it becomes an infinity).
        /// Records the first of each; <see cref="CheckValues"/> reports them.
        /// </summary>
        public void CheckF64(Kind kind, int first, ReadOnlySpan<byte> bytes)
        {
            int inputs = Layer.InputSize;
            for (int k = 0; k < bytes.Length / 8; k++)
            {
                double value = BinaryPrimitives.ReadDoubleLittleEndian(bytes.Slice(8 * k, 8));
                int index = first + k;
                if (F64Overflow is null && double.IsFinite(value) && float.IsInfinity((float)value))
                {
                    F64Overflow = (kind, index, value);
                }

                if (kind == Kind.Mask && F64BadMask is null && value != 0 && value != 1)
                {
                    F64BadMask = (index, value);
                }

                if (kind == Kind.Weight && F64BadWeight is null && value != 0 && !Layer.IsConnected(index % inputs, index / inputs))
                {
                    F64BadWeight = (index, value);
                }
            }
        }

        /// <summary>
        /// No F64 value too large for float, the mask (only 0 and 1, equal to the compiled one) and zeros at
        /// unconnected weights. F64 tensors were checked on their own values by <see cref="CheckF64"/>; the
        /// conversion of F16 and BF16 to float is exact, so their float values tell the same.
        /// </summary>
        public void CheckValues()
        {
            int inputs = Layer.InputSize;
            int outputs = Layer.OutputSize;
            if (F64Overflow is (Kind kind, int index, double big))
            {
                string at = kind == Kind.Bias ? $"'{BiasName}'[{index}]" : $"'{(kind == Kind.Weight ? WeightName : MaskName)}'[{index / inputs}, {index % inputs}]";
                throw new InvalidDataException(
                    $"Tensor {at} is {ErrorText.Number(big)} (F64), too large for float32 (largest {ErrorText.Number(float.MaxValue)}): it would load as an infinity.");
            }

            if (MaskValues is not null)
            {
                (int Index, string Text)? bad = null;
                if (Mask!.DType == "F64")
                {
                    bad = F64BadMask is (int at, double wrong) ? (at, ErrorText.Number(wrong)) : null;
                }
                else
                {
                    for (int k = 0; k < MaskValues.Length; k++)
                    {
                        float value = MaskValues[k];
                        if (value != 0f && value != 1f)
                        {
                            bad = (k, ErrorText.Number(value));
                            break;
                        }
                    }
                }

                if (bad is (int first, string text))
                {
                    throw new InvalidDataException(
                        $"Tensor '{MaskName}'[{first / inputs}, {first % inputs}] is {text}; a mask must hold only 0 and 1.");
                }

                for (int o = 0; o < outputs; o++)
                {
                    for (int i = 0; i < inputs; i++)
                    {
                        bool stored = MaskValues[o * inputs + i] == 1f;
                        bool compiled = Layer.IsConnected(i, o);
                        if (stored != compiled)
                        {
                            throw new InvalidDataException(
                                $"Tensor '{MaskName}' differs from the layer's compiled mask; first difference at [{o}, {i}] (output {o}, input {i}): stored {(stored ? 1 : 0)}, compiled {(compiled ? 1 : 0)}.");
                        }
                    }
                }
            }

            if (Weight!.DType == "F64")
            {
                if (F64BadWeight is (int at, double value))
                {
                    throw UnconnectedWeight(at / inputs, at % inputs, ErrorText.Number(value));
                }
            }
            else
            {
                for (int o = 0; o < outputs; o++)
                {
                    for (int i = 0; i < inputs; i++)
                    {
                        float value = WeightValues[o * inputs + i];
                        if (value != 0f && !Layer.IsConnected(i, o))
                        {
                            throw UnconnectedWeight(o, i, ErrorText.Number(value));
                        }
                    }
                }
            }
        }

        private InvalidDataException UnconnectedWeight(int output, int input, string value) => new(
            $"Tensor '{WeightName}'[{output}, {input}] is {value}, but input {input} is not connected to output {output}: an unconnected weight must be 0.");

        private static void CheckTensor(SafeTensorsEntry entry, ulong[] expected, string meaning)
        {
            if (!IsSupported(entry.DType))
            {
                throw new InvalidDataException(
                    $"Tensor '{entry.Name}' has dtype {entry.DType}; only F32, F16, BF16 and F64 can be loaded.");
            }

            if (!entry.Shape.AsSpan().SequenceEqual(expected))
            {
                throw new InvalidDataException(
                    $"Tensor '{entry.Name}' has shape {entry.ShapeText}, but the layer needs {meaning} = {ErrorText.Shape(expected)}.");
            }
        }
    }
}
