using System;
using System.Runtime.CompilerServices;
using CustomizedLinear.CompilerServices.Simd;

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// The backward pass of a layer without shared runs, input by input (<see cref="InputMajorBlocks"/>): each input's
/// gradient row and transposed input row stay in registers while its connections' output-gradient rows are read, so
/// a connection costs loads and multiply-adds and no read-modify-write of a gradient row in memory.
/// </summary>
internal static partial class BatchKernels<TVector>
    where TVector : struct, IVector<TVector>
{
    /// <summary>
    /// Weight, bias and input gradients of the batch. The weight gradients of a call are summed in input-major order
    /// in <c>gwT</c> (contiguous, so reduced a vector's worth at a time) and added into <paramref name="weightGrad"/> at the end.
    /// </summary>
    public static unsafe void BackwardByInput(
        InputMajorBlocks blocks, ReadOnlySpan<float> weights,
        ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, Span<float> weightGrad, Span<float> biasGrad,
        int inputSize, int outputSize)
    {
        int group = Group;
        int batch = input.Length / inputSize;
        int connections = blocks.Connections.Length;
        int rows = (2 * inputSize) + outputSize;
        Span<float> scratch = Scratch.Get((rows * group) + connections);
        Span<float> xT = scratch[..(inputSize * group)];
        Span<float> dyT = scratch.Slice(inputSize * group, outputSize * group);
        Span<float> dxT = scratch.Slice((inputSize + outputSize) * group, inputSize * group);
        Span<float> gwT = scratch.Slice(rows * group, connections);
        gwT.Clear();

        fixed (int* starts = blocks.Starts)
        fixed (int* outputs = blocks.Outputs)
        fixed (int* conns = blocks.Connections)
        fixed (float* w = weights)
        fixed (float* x = xT)
        fixed (float* dy = dyT)
        fixed (float* dx = dxT)
        fixed (float* g = gwT)
        {
            for (int first = 0; first < batch; first += group)
            {
                int samples = Math.Min(group, batch - first);
                BeginBackwardGroup(input, outputGrad, first, samples, inputSize, outputSize, xT, dyT, dxT, biasGrad);

                // Block by block of outputs, so that the block's transposed output gradients stay in L1; the inputs'
                // gradients wait in dxT between blocks.
                for (int block = 0; block < blocks.BlockCount; block++)
                {
                    ByInputBlock(x, dx, dy, w, g, starts + ((nint)block * inputSize), outputs, conns, inputSize);
                }

                TransposeBack(dxT, inputSize, samples, inputGrad.Slice(first * inputSize, samples * inputSize));
            }

            // Each call's sums added once into the packed order (measured: a few percent of the pass).
            for (int j = 0; j < connections; j++)
            {
                weightGrad[conns[j]] += g[j];
            }
        }
    }

    /// <summary>One block of outputs for every input: <c>dx[i] += Σ w·dy[o]</c> in registers, each connection's <c>dy·x</c> lane sums reduced a vector's worth at a time into <paramref name="gwT"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void ByInputBlock(float* x, float* dx, float* dy, float* w, float* gwT, int* starts, int* outputs, int* conns, int inputSize)
    {
        int c = TVector.Count, group = Group;
        Unsafe.SkipInit(out LaneVectors<TVector> laneVectors);
        Span<TVector> lanes = laneVectors;
        int filled = 0;
        int flushed = starts[0];
        for (int i = 0; i < inputSize; i++)
        {
            int j = starts[i], end = starts[i + 1];
            if (j == end)
            {
                continue;
            }

            float* q = dx + ((nint)i * group);
            float* p = x + ((nint)i * group);
            TVector a0 = TVector.Load(q), a1 = TVector.Load(q + c), a2 = TVector.Load(q + (2 * c)), a3 = TVector.Load(q + (3 * c));
            TVector x0 = TVector.Load(p), x1 = TVector.Load(p + c), x2 = TVector.Load(p + (2 * c)), x3 = TVector.Load(p + (3 * c));
            // Two sets of accumulators, even and odd connections, as in the forward pass: four chains alone would
            // wait on the multiply-add latency.
            TVector e0 = TVector.Zero, e1 = TVector.Zero, e2 = TVector.Zero, e3 = TVector.Zero;
            for (; j + 1 < end; j += 2)
            {
                float* r = dy + ((nint)outputs[j] * group);
                float* s = dy + ((nint)outputs[j + 1] * group);
                TVector wk = TVector.Broadcast(w[conns[j]]);
                TVector wl = TVector.Broadcast(w[conns[j + 1]]);
                TVector d0 = TVector.Load(r), d1 = TVector.Load(r + c), d2 = TVector.Load(r + (2 * c)), d3 = TVector.Load(r + (3 * c));
                a0 = TVector.MultiplyAdd(d0, wk, a0);
                a1 = TVector.MultiplyAdd(d1, wk, a1);
                a2 = TVector.MultiplyAdd(d2, wk, a2);
                a3 = TVector.MultiplyAdd(d3, wk, a3);
                Push(lanes, LaneSums(d0, d1, d2, d3, x0, x1, x2, x3), ref filled, ref flushed, gwT);

                TVector f0 = TVector.Load(s), f1 = TVector.Load(s + c), f2 = TVector.Load(s + (2 * c)), f3 = TVector.Load(s + (3 * c));
                e0 = TVector.MultiplyAdd(f0, wl, e0);
                e1 = TVector.MultiplyAdd(f1, wl, e1);
                e2 = TVector.MultiplyAdd(f2, wl, e2);
                e3 = TVector.MultiplyAdd(f3, wl, e3);
                Push(lanes, LaneSums(f0, f1, f2, f3, x0, x1, x2, x3), ref filled, ref flushed, gwT);
            }

            if (j < end)
            {
                float* r = dy + ((nint)outputs[j] * group);
                TVector wk = TVector.Broadcast(w[conns[j]]);
                TVector d0 = TVector.Load(r), d1 = TVector.Load(r + c), d2 = TVector.Load(r + (2 * c)), d3 = TVector.Load(r + (3 * c));
                a0 = TVector.MultiplyAdd(d0, wk, a0);
                a1 = TVector.MultiplyAdd(d1, wk, a1);
                a2 = TVector.MultiplyAdd(d2, wk, a2);
                a3 = TVector.MultiplyAdd(d3, wk, a3);
                Push(lanes, LaneSums(d0, d1, d2, d3, x0, x1, x2, x3), ref filled, ref flushed, gwT);
            }

            TVector.Store(TVector.Add(a0, e0), q);
            TVector.Store(TVector.Add(a1, e1), q + c);
            TVector.Store(TVector.Add(a2, e2), q + (2 * c));
            TVector.Store(TVector.Add(a3, e3), q + (3 * c));
        }

        for (int t = 0; t < filled; t++)
        {
            gwT[flushed + t] += TVector.Sum(lanes[t]);
        }
    }

    /// <summary>One connection's <c>dy · x</c> over the group as lane sums, in the one-output sweep's order (<c>Dot</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector LaneSums(TVector d0, TVector d1, TVector d2, TVector d3, TVector x0, TVector x1, TVector x2, TVector x3) =>
        TVector.Add(TVector.MultiplyAdd(d1, x1, TVector.Multiply(d0, x0)), TVector.MultiplyAdd(d3, x3, TVector.Multiply(d2, x2)));

    /// <summary>Keeps a connection's lane sums; a vector's worth of them is reduced into <paramref name="gwT"/> at once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Push(Span<TVector> lanes, TVector laneSums, ref int filled, ref int flushed, float* gwT)
    {
        lanes[filled] = laneSums;
        if (++filled == TVector.Count)
        {
            TVector.AddLaneSums(lanes, gwT + flushed);
            flushed += TVector.Count;
            filled = 0;
        }
    }
}
