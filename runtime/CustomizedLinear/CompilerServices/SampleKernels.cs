using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// One sample through a table-driven layer, with AVX2 gathers: eight connections per instruction instead
/// of eight scalar index-and-load pairs. Falls back to <see cref="TableKernels"/> without AVX2.
/// </summary>
internal static class SampleKernels
{
    public static unsafe void Forward(ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ReadOnlySpan<float> x, Span<float> y)
    {
        if (!Avx2.IsSupported)
        {
            TableKernels.Forward(outputStarts, connectionInputs, weights, bias, x, y);
            return;
        }

        fixed (int* inputs = connectionInputs)
        fixed (float* w = weights)
        fixed (float* xs = x)
        {
            for (int o = 0; o < y.Length; o++)
            {
                int k = outputStarts[o], end = outputStarts[o + 1];
                Vector256<float> a = Vector256<float>.Zero, b = Vector256<float>.Zero;
                for (; k + 16 <= end; k += 16)
                {
                    a = Vector256.FusedMultiplyAdd(Avx.LoadVector256(w + k), Avx2.GatherVector256(xs, Avx.LoadVector256(inputs + k), 4), a);
                    b = Vector256.FusedMultiplyAdd(Avx.LoadVector256(w + k + 8), Avx2.GatherVector256(xs, Avx.LoadVector256(inputs + k + 8), 4), b);
                }

                float sum = (bias.IsEmpty ? 0f : bias[o]) + Vector256.Sum(a + b);
                for (; k < end; k++)
                {
                    sum += w[k] * xs[inputs[k]];
                }

                y[o] = sum;
            }
        }
    }

    public static unsafe void AccumulateWeightGrad(ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> gw)
    {
        if (!Avx2.IsSupported)
        {
            TableKernels.AccumulateWeightGrad(outputStarts, connectionInputs, x, dy, gw);
            return;
        }

        fixed (int* inputs = connectionInputs)
        fixed (float* g = gw)
        fixed (float* xs = x)
        {
            for (int o = 0; o < dy.Length; o++)
            {
                int k = outputStarts[o], end = outputStarts[o + 1];
                Vector256<float> d = Vector256.Create(dy[o]);
                for (; k + 8 <= end; k += 8)
                {
                    Avx.Store(g + k, Vector256.FusedMultiplyAdd(d, Avx2.GatherVector256(xs, Avx.LoadVector256(inputs + k), 4), Avx.LoadVector256(g + k)));
                }

                for (; k < end; k++)
                {
                    g[k] += dy[o] * xs[inputs[k]];
                }
            }
        }
    }

    /// <summary><c>dx = Wᵀ·dy</c> through the by-input view: two gathers (weights and output gradients) per eight connections.</summary>
    public static unsafe void InputGrad(ConnectionsByInput byInput, ReadOnlySpan<float> weights, ReadOnlySpan<float> dy, Span<float> dx)
    {
        fixed (int* outputs = byInput.Outputs)
        fixed (int* connections = byInput.Connections)
        fixed (float* w = weights)
        fixed (float* g = dy)
        {
            int[] starts = byInput.InputStarts;
            for (int i = 0; i < dx.Length; i++)
            {
                int j = starts[i], end = starts[i + 1];
                float sum = 0f;
                if (Avx2.IsSupported)
                {
                    Vector256<float> a = Vector256<float>.Zero;
                    for (; j + 8 <= end; j += 8)
                    {
                        a = Vector256.FusedMultiplyAdd(
                            Avx2.GatherVector256(w, Avx.LoadVector256(connections + j), 4),
                            Avx2.GatherVector256(g, Avx.LoadVector256(outputs + j), 4),
                            a);
                    }

                    sum = Vector256.Sum(a);
                }

                for (; j < end; j++)
                {
                    sum += w[connections[j]] * g[outputs[j]];
                }

                dx[i] = sum;
            }
        }
    }
}
