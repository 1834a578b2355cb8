using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using CustomizedLinear.CompilerServices.Simd;

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// Batch kernels vectorised across samples. A group of <c>4 × lanes</c> samples (64 with 512-bit vectors)
/// is transposed once into scratch, so that input <c>i</c> of the whole group is four contiguous vectors;
/// then each connection is one broadcast of its weight and four multiply-adds (fused where the CPU has FMA) into
/// accumulators that stay in registers for a whole output. A last, partial group of samples is padded with zeros.
/// One job per file: this one holds what the passes share (groups, prefetch, transposes);
/// <c>BatchKernels.Forward.cs</c> and <c>BatchKernels.Backward.cs</c> the one-output passes;
/// <c>BatchKernels.SharedRuns.cs</c> the register-blocked passes over inputs that several outputs share;
/// <c>BatchKernels.ByInput.cs</c> the input-major backward pass of a layer without shared runs.
/// </summary>
[SkipLocalsInit] // the lane-sum buffers are written before they are read; zeroing them cost more than the work of a short range
internal static partial class BatchKernels<TVector>
    where TVector : struct, IVector<TVector>
{
    private const int Tiles = 4;

    /// <summary>
    /// How many outputs ahead <see cref="PrefetchRange"/> looks: 2, 4 and 8 measured alike; without it the forward
    /// pass on 1024 × 1024 @0.1 was 10% slower and the backward 2–7%.
    /// </summary>
    private const int PrefetchOutputs = 4;

    /// <summary>Samples per group.</summary>
    public static int Group => Tiles * TVector.Count;

    /// <summary>
    /// Within a block the outputs' ranges lie a whole row of the table apart, a stride the hardware prefetchers
    /// do not follow: this fetches the weights, indices and (when given) weight gradients of the range a few
    /// outputs on. Prefetches cannot fault, and x86 is the only place they were measured.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PrefetchRange(int* blockStarts, int o, int outputSize, float* w, int* inputs, float* gw)
    {
        if (Sse.IsSupported && o + PrefetchOutputs < outputSize)
        {
            Prefetch(blockStarts[o + PrefetchOutputs], w, inputs, gw);
        }
    }

    /// <summary><see cref="PrefetchRange"/> for outputs visited in a cut's <see cref="InputBlocks.Order"/>: <paramref name="t"/> is the place in it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PrefetchOutput(int* blockStarts, int* order, int t, int outputSize, float* w, int* inputs, float* gw)
    {
        if (Sse.IsSupported && t + PrefetchOutputs < outputSize)
        {
            Prefetch(blockStarts[order[t + PrefetchOutputs]], w, inputs, gw);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Prefetch(int next, float* w, int* inputs, float* gw)
    {
        Sse.Prefetch0(w + next);
        Sse.Prefetch0(inputs + next);
        if (gw != null)
        {
            Sse.Prefetch0(gw + next);
        }
    }

    /// <summary>
    /// Whether a group of <paramref name="samples"/> takes the register blocks' copies compiled for three of its four
    /// vectors of samples: a last, partial group of at most three vectors' worth (36 of MADE's batch of 100 at 512
    /// bits) has a fourth vector of padding only, and skipping it saves a quarter of that group's work. That vector
    /// of the rows then holds no result (the outputs' rows keep what the bias, earlier blocks and gaps put there,
    /// the input gradients' rows zeros), and the transposes back never read it.
    /// </summary>
    private static bool TakesThreeTiles(int samples) => samples <= 3 * TVector.Count;

    /// <summary><paramref name="rows"/> [samples, width] → <paramref name="transposed"/> [width, group], zero-padded past <paramref name="samples"/>.</summary>
    private static void Transpose(ReadOnlySpan<float> rows, int width, int samples, Span<float> transposed)
    {
        int group = Group;
        if (samples < group)
        {
            transposed.Clear();
        }

        BlockTranspose.Transpose(rows, width, transposed, group, samples, width);
    }

    /// <summary>
    /// The start of a sample group in both backward passes: its inputs and output gradients transposed into
    /// <paramref name="xT"/> and <paramref name="dyT"/>, <paramref name="dxT"/> (empty without an input gradient)
    /// cleared, and each output's bias gradient plus the sum of its transposed gradient row over the group.
    /// </summary>
    private static unsafe void BeginBackwardGroup(
        ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, int first, int samples, int inputSize, int outputSize,
        Span<float> xT, Span<float> dyT, Span<float> dxT, Span<float> biasGrad)
    {
        Transpose(input.Slice(first * inputSize, samples * inputSize), inputSize, samples, xT);
        Transpose(outputGrad.Slice(first * outputSize, samples * outputSize), outputSize, samples, dyT);
        dxT.Clear();

        int c = TVector.Count;
        fixed (float* dy = dyT)
        {
            for (int o = 0; o < biasGrad.Length; o++)
            {
                float* at = dy + ((nint)o * Group);
                biasGrad[o] += TVector.Sum(TVector.Add(TVector.Add(TVector.Load(at), TVector.Load(at + c)), TVector.Add(TVector.Load(at + (2 * c)), TVector.Load(at + (3 * c)))));
            }
        }
    }

    /// <summary><paramref name="transposed"/> [width, group] → the first <paramref name="samples"/> rows of [samples, width].</summary>
    private static void TransposeBack(ReadOnlySpan<float> transposed, int width, int samples, Span<float> rows) =>
        BlockTranspose.Transpose(transposed, Group, rows, width, width, samples);
}
