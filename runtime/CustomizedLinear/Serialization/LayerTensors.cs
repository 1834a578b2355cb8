using System;
using System.Collections.Generic;

namespace CustomizedLinear;

/// <summary>Which of a layer's three tensors a name stands for.</summary>
internal enum TensorKind
{
    Weight,
    Bias,
    Mask,

    /// <summary><c>weight_orig</c>: the weight as <c>torch.nn.utils.prune</c> names it, beside <see cref="PruneMask"/>.</summary>
    PruneWeight,

    /// <summary><c>weight_mask</c>: the mask as <c>torch.nn.utils.prune</c> names it.</summary>
    PruneMask,
}

/// <summary>One <c>(Prefix, Layer)</c> argument, checked, with the names and UTF-8 bytes of its tensors.</summary>
internal sealed class LayerTensors
{
    private LayerTensors(int index, string prefix, IMaskedLinear layer)
    {
        Index = index;
        Prefix = prefix;
        Layer = layer;
        WeightName = prefix + "weight";
        BiasName = prefix + "bias";
        MaskName = prefix + "mask";
        PruneWeightName = prefix + "weight_orig";
        PruneMaskName = prefix + "weight_mask";
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

    /// <summary>The position in the <c>layers</c> argument, which the messages name.</summary>
    public int Index { get; }

    public string Prefix { get; }

    public IMaskedLinear Layer { get; }

    public string WeightName { get; }

    public string BiasName { get; }

    public string MaskName { get; }

    public string PruneWeightName { get; }

    public string PruneMaskName { get; }

    public byte[] WeightUtf8 { get; }

    public byte[] BiasUtf8 { get; }

    public byte[] MaskUtf8 { get; }

    /// <summary><c>OutputSize × InputSize</c>: the element count of the weight and the mask.</summary>
    public int DenseLength { get; }

    /// <summary>
    /// Checks the <c>layers</c> argument of Save and Load, all of it before anything is read or written, and
    /// maps every tensor name to its layer and kind. With <paramref name="pruneNames"/> (Load), also the names
    /// <c>torch.nn.utils.prune</c> gives the weight and the mask.
    /// </summary>
    public static LayerTensors[] Bind((string Prefix, IMaskedLinear Layer)[] layers, out Dictionary<string, (LayerTensors Layer, TensorKind Kind)> names, bool pruneNames = false)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var bound = new LayerTensors[layers.Length];
        names = new Dictionary<string, (LayerTensors, TensorKind)>(StringComparer.Ordinal);
        var instances = new Dictionary<IMaskedLinear, LayerTensors>(ReferenceEqualityComparer.Instance);
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

            if (instances.TryGetValue(layer, out LayerTensors? same))
            {
                throw new ArgumentException(
                    $"layers[{same.Index}] (prefix \"{same.Prefix}\") and layers[{k}] (prefix \"{prefix}\") are the same layer instance; pass each layer once.",
                    nameof(layers));
            }

            var tensors = new LayerTensors(k, prefix, layer);
            instances.Add(layer, tensors);
            foreach ((string name, TensorKind kind) in new[] { (tensors.WeightName, TensorKind.Weight), (tensors.BiasName, TensorKind.Bias), (tensors.MaskName, TensorKind.Mask) })
            {
                if (names.TryGetValue(name, out var other))
                {
                    throw new ArgumentException(
                        $"layers[{other.Layer.Index}] (prefix \"{other.Layer.Prefix}\") and layers[{k}] (prefix \"{prefix}\") both use the tensor name '{name}'.",
                        nameof(layers));
                }

                names.Add(name, (tensors, kind));
            }

            bound[k] = tensors;
        }

        if (pruneNames)
        {
            // After every layer's own names, and only where free: ("x.", a), ("x.weight_", b) was a valid pair
            // before prune names were read, and b's 'x.weight_mask' stays b's mask.
            foreach (LayerTensors tensors in bound)
            {
                names.TryAdd(tensors.PruneWeightName, (tensors, TensorKind.PruneWeight));
                names.TryAdd(tensors.PruneMaskName, (tensors, TensorKind.PruneMask));
            }
        }

        return bound;
    }
}
