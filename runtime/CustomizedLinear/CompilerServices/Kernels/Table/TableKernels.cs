using System;
using System.ComponentModel;

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// Plain compressed-sparse-row loops over index data (see <see cref="ConnectionMask"/> for its layout), one
/// sample per call: the kernels of <see cref="RuntimeMaskedLinear"/> (the benchmarks' "not generated"
/// baseline) and the fallback of the one-sample kernels on machines without vector units.
/// </summary>
/// <remarks>
/// Public because table-driven layers of earlier generator versions called it directly; today's generated code
/// reaches these loops only through <see cref="SparseKernels"/>. Not part of the public contract.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class TableKernels
{
    /// <summary><c>y = W·x + b</c>; <paramref name="bias"/> may be empty.</summary>
    public static void Forward(ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ReadOnlySpan<float> x, Span<float> y)
    {
        for (int output = 0; output < y.Length; output++)
        {
            float sum = bias.IsEmpty ? 0f : bias[output];
            for (int k = outputStarts[output]; k < outputStarts[output + 1]; k++)
            {
                sum += weights[k] * x[connectionInputs[k]];
            }

            y[output] = sum;
        }
    }

    /// <summary><c>dx = Wᵀ·dy</c> (overwrites <paramref name="dx"/>).</summary>
    public static void InputGrad(ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, ReadOnlySpan<float> weights, ReadOnlySpan<float> dy, Span<float> dx)
    {
        dx.Clear();
        for (int output = 0; output < dy.Length; output++)
        {
            float g = dy[output];
            for (int k = outputStarts[output]; k < outputStarts[output + 1]; k++)
            {
                dx[connectionInputs[k]] += weights[k] * g;
            }
        }
    }

    /// <summary><c>gw += dy·xᵀ</c> at the connected positions.</summary>
    public static void AccumulateWeightGrad(ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> gw)
    {
        for (int output = 0; output < dy.Length; output++)
        {
            float g = dy[output];
            for (int k = outputStarts[output]; k < outputStarts[output + 1]; k++)
            {
                gw[k] += g * x[connectionInputs[k]];
            }
        }
    }
}
