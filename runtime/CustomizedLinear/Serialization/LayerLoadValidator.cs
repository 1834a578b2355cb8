using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace CustomizedLinear;

/// <summary>Checks one layer's tensors in a file against the layer, and holds their float values until the commit.</summary>
internal sealed class LayerLoadValidator
{
    public LayerLoadValidator(LayerTensors tensors, SafeTensorsLoadOptions options)
    {
        Tensors = tensors;
        DropUnconnected = options.UnconnectedWeights == UnconnectedWeights.Ignore;
        WeightName = tensors.WeightName;
        MaskName = tensors.MaskName;
    }

    public LayerTensors Tensors { get; }

    /// <summary>The weight's name in the file: <c>weight</c>, or prune's <c>weight_orig</c>.</summary>
    public string WeightName { get; private set; }

    /// <summary>The mask's name in the file: <c>mask</c>, or prune's <c>weight_mask</c>.</summary>
    private string MaskName { get; set; }

    private bool DropUnconnected { get; }

    public float[] WeightValues { get; private set; } = [];

    public float[] BiasValues { get; private set; } = [];

    private IMaskedLinear Layer => Tensors.Layer;

    private SafeTensorsEntry? Weight { get; set; }

    private SafeTensorsEntry? Bias { get; set; }

    private SafeTensorsEntry? Mask { get; set; }

    private SafeTensorsEntry? PruneWeight { get; set; }

    private SafeTensorsEntry? PruneMask { get; set; }

    private float[]? MaskValues { get; set; }

    /// <summary>F64 only: the first value, in data order, that is finite but too large for float.</summary>
    private (TensorKind Kind, int Index, double Value)? F64Overflow { get; set; }

    /// <summary>F64 mask only: the first value that is not exactly 0 or 1.</summary>
    private (int Index, double Value)? F64BadMask { get; set; }

    /// <summary>F64 weight only: the first non-zero value at an unconnected position.</summary>
    private (int Index, double Value)? F64BadWeight { get; set; }

    public void Assign(TensorKind kind, SafeTensorsEntry entry)
    {
        switch (kind)
        {
            case TensorKind.Weight: Weight = entry; break;
            case TensorKind.Bias: Bias = entry; break;
            case TensorKind.Mask: Mask = entry; break;
            case TensorKind.PruneWeight: PruneWeight = entry; break;
            default: PruneMask = entry; break;
        }
    }

    /// <summary>Prune's names hold the same tensors as <c>weight</c> and <c>mask</c>; the values go to the same buffers.</summary>
    private static TensorKind Canonical(TensorKind kind) => kind switch
    {
        TensorKind.PruneWeight => TensorKind.Weight,
        TensorKind.PruneMask => TensorKind.Mask,
        _ => kind,
    };

    /// <summary>Presence, dtype and shape of this layer's tensors.</summary>
    public void CheckTensors(List<SafeTensorsEntry> all)
    {
        ResolveNaming();
        string layer = $"layer \"{Tensors.Prefix}\" ({Layer.InputSize} inputs, {Layer.OutputSize} outputs{(Layer.HasBias ? ", with bias" : ", no bias")})";
        if (Weight is null)
        {
            throw new InvalidDataException(
                $"Tensor '{Tensors.WeightName}' of {layer} is missing; the file has {(all.Count == 0 ? "no tensors" : ErrorText.Names(all.Select(e => e.Name).Order(StringComparer.Ordinal)))}.");
        }

        if (Layer.HasBias && Bias is null)
        {
            throw new InvalidDataException($"Tensor '{Tensors.BiasName}' of {layer} is missing, but the layer has a bias.");
        }

        if (!Layer.HasBias && Bias is not null)
        {
            throw new InvalidDataException($"Tensor '{Tensors.BiasName}' is in the file, but {layer} has no bias.");
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

    public float[] Allocate(TensorKind kind)
    {
        switch (Canonical(kind))
        {
            case TensorKind.Weight: return WeightValues = new float[Tensors.DenseLength];
            case TensorKind.Bias: return BiasValues = new float[Layer.OutputSize];
            default: return MaskValues = new float[Tensors.DenseLength];
        }
    }

    /// <summary>
    /// Checks F64 values, elements <paramref name="first"/> onwards of the tensor, before they are rounded to
    /// float: rounding would hide a weight of 1E-60 at an unconnected position (it becomes 0), a mask value
    /// of 1.000000000001 (it becomes 1) and a finite value too large for float (it becomes an infinity).
    /// Records the first of each; <see cref="CheckValues"/> reports them.
    /// </summary>
    public void CheckF64(TensorKind kind, int first, ReadOnlySpan<byte> bytes)
    {
        kind = Canonical(kind);
        int inputs = Layer.InputSize;
        for (int k = 0; k < bytes.Length / 8; k++)
        {
            double value = BinaryPrimitives.ReadDoubleLittleEndian(bytes.Slice(8 * k, 8));
            int index = first + k;
            bool dropped = DropUnconnected && kind == TensorKind.Weight && !Layer.IsConnected(index % inputs, index / inputs);
            if (F64Overflow is null && !dropped && double.IsFinite(value) && float.IsInfinity((float)value))
            {
                F64Overflow = (kind, index, value);
            }

            if (kind == TensorKind.Mask && F64BadMask is null && value != 0 && value != 1)
            {
                F64BadMask = (index, value);
            }

            if (kind == TensorKind.Weight && !DropUnconnected && F64BadWeight is null && value != 0 && !Layer.IsConnected(index % inputs, index / inputs))
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
        if (F64Overflow is (TensorKind kind, int index, double big))
        {
            string at = kind == TensorKind.Bias
                ? $"'{Tensors.BiasName}'[{index}]"
                : $"'{(kind == TensorKind.Weight ? WeightName : MaskName)}'[{index / inputs}, {index % inputs}]";
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

        if (DropUnconnected)
        {
            // +0, whatever the file held there (-0.0, NaN, an infinity): the layer stores no unconnected weights.
            for (int k = 0; k < WeightValues.Length; k++)
            {
                if (!Layer.IsConnected(k % inputs, k / inputs))
                {
                    WeightValues[k] = 0f;
                }
            }
        }
        else if (Weight!.DType == "F64")
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

    /// <summary>
    /// One naming per layer: <c>weight</c> (with an optional <c>mask</c>) or prune's <c>weight_orig</c> with
    /// <c>weight_mask</c>. Two tensors for one role would leave it unclear which one PyTorch uses.
    /// </summary>
    private void ResolveNaming()
    {
        if (Weight is not null && PruneWeight is not null)
        {
            throw new InvalidDataException(
                $"Tensor '{Tensors.PruneWeightName}' and tensor '{Tensors.WeightName}' are both in the file: a layer's weight is either 'weight' or, as torch.nn.utils.prune names it, 'weight_orig', not both.");
        }

        if (Mask is not null && PruneMask is not null)
        {
            throw new InvalidDataException(
                $"Tensor '{Tensors.PruneMaskName}' and tensor '{Tensors.MaskName}' are both in the file: a layer's mask is either 'mask' or, as torch.nn.utils.prune names it, 'weight_mask', not both.");
        }

        if (PruneWeight is not null && PruneMask is null)
        {
            throw new InvalidDataException(
                $"Tensor '{Tensors.PruneWeightName}' (torch.nn.utils.prune's name for the weight) is in the file without '{Tensors.PruneMaskName}', the mask prune saves beside it.");
        }

        if (PruneMask is not null && PruneWeight is null)
        {
            throw new InvalidDataException(
                $"Tensor '{Tensors.PruneMaskName}' (torch.nn.utils.prune's name for the mask) is in the file without '{Tensors.PruneWeightName}': with prune's mask, the weight must be under prune's name too.");
        }

        if (PruneWeight is not null)
        {
            Weight = PruneWeight;
            Mask = PruneMask;
            WeightName = Tensors.PruneWeightName;
            MaskName = Tensors.PruneMaskName;
        }
    }

    private static void CheckTensor(SafeTensorsEntry entry, ulong[] expected, string meaning)
    {
        if (!DTypeDecoder.CanDecode(entry.DType))
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

    private InvalidDataException UnconnectedWeight(int output, int input, string value) => new(
        $"Tensor '{WeightName}'[{output}, {input}] is {value}, but input {input} is not connected to output {output}: an unconnected weight must be 0.");
}
