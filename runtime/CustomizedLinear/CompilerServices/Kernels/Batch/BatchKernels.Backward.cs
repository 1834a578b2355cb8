using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using CustomizedLinear.CompilerServices.Simd;

namespace CustomizedLinear.CompilerServices;

/// <summary>The backward pass of <see cref="BatchKernels{TVector}"/>: weight, bias and input gradients in one sweep over blocks of inputs.</summary>
internal static partial class BatchKernels<TVector>
    where TVector : struct, IVector<TVector>
{
    /// <summary>
    /// Weight and bias gradients, and the input gradient when <paramref name="inputGrad"/> is not empty, in one
    /// sweep over blocks of inputs (cut for the backward pass: at least 48 connections per output and block, or one
    /// block where shared runs take most of the layer, <see cref="ConnectionBlocks"/>): each connection reads its
    /// transposed input and its input-gradient row from the cache, where the block keeps them.
    /// </summary>
    public static unsafe void Backward(
        InputBlocks blocks, ReadOnlySpan<int> connectionInputs, ReadOnlySpan<float> weights,
        ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, Span<float> weightGrad, Span<float> biasGrad,
        int inputSize, int outputSize)
    {
        int group = Group;
        int batch = input.Length / inputSize;
        bool withInputGrad = !inputGrad.IsEmpty;
        Span<float> scratch = Scratch.Get(((withInputGrad ? 2 : 1) * inputSize + outputSize) * group);
        Span<float> xT = scratch[..(inputSize * group)];
        Span<float> dyT = scratch.Slice(inputSize * group, outputSize * group);
        Span<float> dxT = withInputGrad ? scratch.Slice((inputSize + outputSize) * group, inputSize * group) : default;

        int perGroup = blocks.OutputsPerGroup;
        int groups = outputSize / perGroup;

        fixed (int* inputs = connectionInputs)
        fixed (int* starts = blocks.Starts)
        fixed (int* order = blocks.Order)
        fixed (int* runStarts = blocks.RunStarts)
        fixed (int* runs = blocks.Runs)
        fixed (float* w = weights)
        fixed (float* x = xT)
        fixed (float* dy = dyT)
        fixed (float* dx = dxT)
        fixed (float* gw = weightGrad)
        {
            for (int first = 0; first < batch; first += group)
            {
                int samples = Math.Min(group, batch - first);
                BeginBackwardGroup(input, outputGrad, first, samples, inputSize, outputSize, xT, dyT, dxT, biasGrad);

                for (int block = 0; block < blocks.BlockCount; block++)
                {
                    int* blockStarts = starts + ((nint)block * outputSize);

                    if (runs != null && (dx != null || RunWeightGradients))
                    {
                        BackwardBlockWithRuns(x, dx, inputs, w, gw, blockStarts, order, runStarts + ((nint)block * groups), runs, outputSize, perGroup, dy, TakesThreeTiles(samples));
                        continue;
                    }

                    for (int o = 0; o < outputSize; o++)
                    {
                        PrefetchRange(blockStarts, o, outputSize, w, inputs, gw);

                        // dx is null without an input gradient (fixed on an empty span).
                        BackwardRange(x, dx, inputs, w, gw, blockStarts[o], blockStarts[outputSize + o], dy + ((nint)o * group));
                    }
                }

                if (withInputGrad)
                {
                    TransposeBack(dxT, inputSize, samples, inputGrad.Slice(first * inputSize, samples * inputSize));
                }
            }
        }
    }

    /// <summary>
    /// The weight gradient of connections <paramref name="k"/> .. <paramref name="end"/> of one output over the
    /// group, <paramref name="dyRow"/> being that output's transposed gradient, and, unless <paramref name="dx"/>
    /// is null, each connection's <c>w · dy</c> added into its input's gradient row. A method of its own, so that
    /// the four gradient vectors stay in registers instead of being spilled around the caller's loops.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void BackwardRange(float* x, float* dx, int* inputs, float* w, float* gw, int k, int end, float* dyRow)
    {
        // Each path a method of its own: in one method the inlining budget ran out, and the vector helpers
        // became calls (backward 2.5× slower).
        if (TVector.Count == 16 && Avx512F.IsSupported && end - k >= 16)
        {
            k = BackwardChunks512(x, dx, inputs, w, gw, k, end, dyRow);
        }

        BackwardRest(x, dx, inputs, w, gw, k, end, dyRow);
    }

    /// <summary>Whole chunks of 16 connections with AVX-512 (<see cref="WeightGrad512"/>); returns where the chunks end.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe int BackwardChunks512(float* x, float* dx, int* inputs, float* w, float* gw, int k, int end, float* dyRow)
    {
        Vector512<float> d0 = Vector512.Load(dyRow), d1 = Vector512.Load(dyRow + 16), d2 = Vector512.Load(dyRow + 32), d3 = Vector512.Load(dyRow + 48);
        for (; k + 16 <= end; k += 16)
        {
            WeightGrad512.Add16(x, dx, inputs + k, w + k, gw + k, d0, d1, d2, d3);
        }

        return k;
    }

    /// <summary>The connections <see cref="BackwardChunks512"/> does not take: a vector's worth at a time through the generic tree, then one by one.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void BackwardRest(float* x, float* dx, int* inputs, float* w, float* gw, int k, int end, float* dyRow)
    {
        int c = TVector.Count;
        TVector d0 = TVector.Load(dyRow), d1 = TVector.Load(dyRow + c), d2 = TVector.Load(dyRow + (2 * c)), d3 = TVector.Load(dyRow + (3 * c));
        Unsafe.SkipInit(out LaneVectors<TVector> laneVectors);
        Span<TVector> laneSums = laneVectors;
        for (; k + c <= end; k += c)
        {
            for (int j = 0; j < c; j++)
            {
                laneSums[j] = Connection(x, dx, inputs, w, k + j, d0, d1, d2, d3);
            }

            TVector.AddLaneSums(laneSums, gw + k);
        }

        for (; k < end; k++)
        {
            gw[k] += TVector.Sum(Connection(x, dx, inputs, w, k, d0, d1, d2, d3));
        }
    }

    /// <summary>Connection <paramref name="k"/>: its input gradient (unless <paramref name="dx"/> is null) and its weight gradient's lane sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe TVector Connection(float* x, float* dx, int* inputs, float* w, int k, TVector d0, TVector d1, TVector d2, TVector d3)
    {
        int c = TVector.Count;
        nint row = inputs[k] * (nint)Group;
        if (dx != null)
        {
            AddScaled(dx + row, w[k], d0, d1, d2, d3, c);
        }

        return Dot(x + row, d0, d1, d2, d3, c);
    }

    /// <summary>The group's <c>dy · x</c> of one connection, as lane sums; two chains, to halve the latency.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe TVector Dot(float* p, TVector d0, TVector d1, TVector d2, TVector d3, int c)
    {
        TVector low = TVector.MultiplyAdd(d1, TVector.Load(p + c), TVector.Multiply(d0, TVector.Load(p)));
        TVector high = TVector.MultiplyAdd(d3, TVector.Load(p + (3 * c)), TVector.Multiply(d2, TVector.Load(p + (2 * c))));
        return TVector.Add(low, high);
    }

    /// <summary>Connections <paramref name="k"/> .. <paramref name="end"/> of one output: each adds <c>w · dy</c> into its input's gradient row.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void InputGrad(float* dx, int* inputs, float* w, int k, int end, float* dyRow)
    {
        int c = TVector.Count;
        TVector d0 = TVector.Load(dyRow), d1 = TVector.Load(dyRow + c), d2 = TVector.Load(dyRow + (2 * c)), d3 = TVector.Load(dyRow + (3 * c));
        for (; k < end; k++)
        {
            AddScaled(dx + ((nint)inputs[k] * Group), w[k], d0, d1, d2, d3, c);
        }
    }

    /// <summary><c>q += weight · dy</c> over the group.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void AddScaled(float* q, float weight, TVector d0, TVector d1, TVector d2, TVector d3, int c)
    {
        TVector wk = TVector.Broadcast(weight);
        TVector.Store(TVector.MultiplyAdd(d0, wk, TVector.Load(q)), q);
        TVector.Store(TVector.MultiplyAdd(d1, wk, TVector.Load(q + c)), q + c);
        TVector.Store(TVector.MultiplyAdd(d2, wk, TVector.Load(q + (2 * c))), q + (2 * c));
        TVector.Store(TVector.MultiplyAdd(d3, wk, TVector.Load(q + (3 * c))), q + (3 * c));
    }
}
