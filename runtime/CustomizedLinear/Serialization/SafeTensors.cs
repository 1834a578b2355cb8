using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;

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
    /// <summary>Saves the layers to a safetensors file, replacing it if it exists.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="layers">The layers and the name prefixes of their tensors, e.g. <c>("0.", first), ("2.", second)</c> for an <c>nn.Sequential</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/>, <paramref name="layers"/>, a prefix or a layer is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Two layers would write the same tensor name, the same layer instance is given twice, a prefix is not valid Unicode, or a layer is inconsistent (its <c>Bias</c> length is not <c>OutputSize</c>).</exception>
    /// <remarks>Every argument is checked before the file is created.</remarks>
    public static void Save(string path, params (string Prefix, IMaskedLinear Layer)[] layers)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SafeTensorsWriter writer = SafeTensorsWriter.Prepare(layers);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        writer.WriteTo(file);
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

        SafeTensorsWriter.Prepare(layers).WriteTo(stream);
    }

    /// <summary>Loads the layers from a safetensors file, all or nothing.</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="layers">The layers and the name prefixes of their tensors, as they were saved.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/>, <paramref name="layers"/>, a prefix or a layer is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Two layers would read the same tensor name, the same layer instance is given twice, a prefix is not valid Unicode, or a layer is inconsistent.</exception>
    /// <exception cref="InvalidDataException">The file is malformed or does not fit the layers; the message says what is wrong. No layer is changed. Also thrown, with the layer's exception as <see cref="Exception.InnerException"/> and every layer restored, when a layer's <see cref="IMaskedLinear.LoadDenseWeight"/> throws after the checks.</exception>
    /// <remarks>See <see cref="Load(Stream, ValueTuple{string, IMaskedLinear}[])"/> for what is checked.</remarks>
    // Load(stream, null) would otherwise be ambiguous with the options overload (null options, no layers);
    // it meant null layers before that overload existed, and still does.
    [OverloadResolutionPriority(1)]
    public static void Load(string path, params (string Prefix, IMaskedLinear Layer)[] layers) =>
        Load(path, SafeTensorsLoadOptions.Strict, layers);

    /// <summary>Loads the layers from a safetensors file written from another PyTorch module, all or nothing.</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="options">What to do with non-zero weights at unconnected positions and with tensors of no given layer.</param>
    /// <param name="layers">The layers and the name prefixes of their tensors in the module's <c>state_dict</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/>, <paramref name="options"/>, <paramref name="layers"/>, a prefix or a layer is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="options"/> holds a value that is not a member of its enum.</exception>
    /// <exception cref="ArgumentException">As for <see cref="Load(string, ValueTuple{string, IMaskedLinear}[])"/>.</exception>
    /// <exception cref="InvalidDataException">As for <see cref="Load(string, ValueTuple{string, IMaskedLinear}[])"/>: no layer is changed.</exception>
    /// <remarks>See <see cref="Load(Stream, SafeTensorsLoadOptions, ValueTuple{string, IMaskedLinear}[])"/>.</remarks>
    public static void Load(string path, SafeTensorsLoadOptions options, params (string Prefix, IMaskedLinear Layer)[] layers)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CheckOptions(options);
        LayerTensors[] bound = LayerTensors.Bind(layers, out var names, pruneNames: true);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        SafeTensorsReader.Read(file, bound, names, options);
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
    /// <para>
    /// A layer's weight and mask may also be under the names <c>torch.nn.utils.prune</c> gives them,
    /// <c>&lt;Prefix&gt;weight_orig</c> and <c>&lt;Prefix&gt;weight_mask</c> (then both, and neither <c>weight</c>
    /// nor <c>mask</c>); the same checks apply.
    /// </para>
    /// </remarks>
    // Load(stream, null) would otherwise be ambiguous with the options overload (null options, no layers);
    // it meant null layers before that overload existed, and still does.
    [OverloadResolutionPriority(1)]
    public static void Load(Stream stream, params (string Prefix, IMaskedLinear Layer)[] layers) =>
        Load(stream, SafeTensorsLoadOptions.Strict, layers);

    /// <summary>
    /// Loads the layers from a safetensors stream written from another PyTorch module, all or nothing, as
    /// <see cref="Load(Stream, ValueTuple{string, IMaskedLinear}[])"/> does, with <paramref name="options"/>
    /// relaxing two of its checks.
    /// </summary>
    /// <param name="stream">A readable stream, read from its current position to its end (seekable or not). It is left open.</param>
    /// <param name="options">What to do with non-zero weights at unconnected positions and with tensors of no given layer.</param>
    /// <param name="layers">The layers and the name prefixes of their tensors in the module's <c>state_dict</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/>, <paramref name="options"/>, <paramref name="layers"/>, a prefix or a layer is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="options"/> holds a value that is not a member of its enum.</exception>
    /// <exception cref="ArgumentException">As for <see cref="Load(Stream, ValueTuple{string, IMaskedLinear}[])"/>.</exception>
    /// <exception cref="InvalidDataException">As for <see cref="Load(Stream, ValueTuple{string, IMaskedLinear}[])"/>: no layer is changed.</exception>
    /// <remarks>
    /// <para>
    /// With <see cref="UnconnectedWeights.Ignore"/>, the weight's values at unconnected positions are dropped,
    /// whatever they are (<c>W * mask</c>): modules that multiply by the mask inside <c>forward</c> (karpathy's
    /// and nflows' <c>MaskedLinear</c>, <c>torch.nn.utils.prune</c>) keep non-zero values there. A mask in the
    /// file must still equal the compiled mask.
    /// </para>
    /// <para>
    /// With <see cref="UnexpectedTensors.Ignore"/>, tensors that belong to none of the given layers are skipped
    /// (their header entries and bytes are still checked as the format requires), as
    /// <c>load_state_dict(strict=False)</c> skips them. A given layer's tensors are still all required, and a
    /// bias for a layer without one, or a layer's weight or mask under both namings, is still an error.
    /// </para>
    /// </remarks>
    public static void Load(Stream stream, SafeTensorsLoadOptions options, params (string Prefix, IMaskedLinear Layer)[] layers)
    {
        ArgumentNullException.ThrowIfNull(stream);
        CheckOptions(options);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream is not readable.", nameof(stream));
        }

        LayerTensors[] bound = LayerTensors.Bind(layers, out var names, pruneNames: true);
        SafeTensorsReader.Read(stream, bound, names, options);
    }

    /// <summary>
    /// Saves a network's layers to a safetensors file under <c>prefix + NamedLayers[k].Prefix</c>, replacing the file
    /// if it exists: an <c>nn.Sequential</c>'s <c>state_dict</c> with <c>prefix: ""</c>, one held as <c>self.net</c> with <c>"net."</c>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="path"/>, <paramref name="network"/> or <paramref name="prefix"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">As for <see cref="Save(string, ValueTuple{string, IMaskedLinear}[])"/>.</exception>
    public static void Save(string path, IMaskedNetwork network, string prefix = "") => Save(path, Prefixed(network, prefix));

    /// <summary>Saves a network's layers to a stream, named as <see cref="Save(string, IMaskedNetwork, string)"/> names them.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/>, <paramref name="network"/> or <paramref name="prefix"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">As for <see cref="Save(Stream, ValueTuple{string, IMaskedLinear}[])"/>.</exception>
    public static void Save(Stream stream, IMaskedNetwork network, string prefix = "") => Save(stream, Prefixed(network, prefix));

    /// <summary>
    /// Loads a network's layers from a safetensors file, all or nothing, from the tensors named
    /// <c>prefix + NamedLayers[k].Prefix + "weight"</c> (and <c>bias</c>, <c>mask</c>).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="path"/>, <paramref name="network"/> or <paramref name="prefix"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException">As for <see cref="Load(string, ValueTuple{string, IMaskedLinear}[])"/>: no layer is changed.</exception>
    public static void Load(string path, IMaskedNetwork network, string prefix = "") => Load(path, Prefixed(network, prefix));

    /// <summary>Loads a network's layers from a stream, as <see cref="Load(string, IMaskedNetwork, string)"/> does.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/>, <paramref name="network"/> or <paramref name="prefix"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException">As for <see cref="Load(Stream, ValueTuple{string, IMaskedLinear}[])"/>: no layer is changed.</exception>
    public static void Load(Stream stream, IMaskedNetwork network, string prefix = "") => Load(stream, Prefixed(network, prefix));

    /// <summary>
    /// Loads a network's layers from a safetensors file written from another PyTorch module, all or nothing, named
    /// as <see cref="Load(string, IMaskedNetwork, string)"/> names them, with <paramref name="options"/> as
    /// <see cref="Load(Stream, SafeTensorsLoadOptions, ValueTuple{string, IMaskedLinear}[])"/> applies them.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="path"/>, <paramref name="network"/>, <paramref name="prefix"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException">As for <see cref="Load(string, ValueTuple{string, IMaskedLinear}[])"/>: no layer is changed.</exception>
    public static void Load(string path, IMaskedNetwork network, string prefix, SafeTensorsLoadOptions options)
    {
        CheckOptions(options);
        Load(path, options, Prefixed(network, prefix));
    }

    /// <summary>Loads a network's layers from a stream, as <see cref="Load(string, IMaskedNetwork, string, SafeTensorsLoadOptions)"/> does.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/>, <paramref name="network"/>, <paramref name="prefix"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException">As for <see cref="Load(Stream, ValueTuple{string, IMaskedLinear}[])"/>: no layer is changed.</exception>
    public static void Load(Stream stream, IMaskedNetwork network, string prefix, SafeTensorsLoadOptions options)
    {
        CheckOptions(options);
        Load(stream, options, Prefixed(network, prefix));
    }

    private static void CheckOptions(SafeTensorsLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Enum.IsDefined(options.UnconnectedWeights) || !Enum.IsDefined(options.UnexpectedTensors))
        {
            throw new ArgumentOutOfRangeException(
                nameof(options),
                $"options holds UnconnectedWeights = {options.UnconnectedWeights}, UnexpectedTensors = {options.UnexpectedTensors}; each must be a member of its enum.");
        }
    }

    /// <summary>The network's named layers with <paramref name="prefix"/> in front of each name, for the layer overloads.</summary>
    private static (string Prefix, IMaskedLinear Layer)[] Prefixed(IMaskedNetwork network, string prefix)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(prefix);
        IReadOnlyList<(string Prefix, IMaskedLinear Layer)> named = network.NamedLayers;
        var layers = new (string Prefix, IMaskedLinear Layer)[named.Count];
        for (int k = 0; k < layers.Length; k++)
        {
            // A null name stays null, for the layer overloads to report.
            layers[k] = (named[k].Prefix is { } name ? prefix + name : null!, named[k].Layer);
        }

        return layers;
    }
}
