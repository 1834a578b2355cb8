using System;
using System.Runtime.CompilerServices;
using CustomizedLinear.CompilerServices.Simd;

namespace CustomizedLinear.CompilerServices;

/// <summary>The forward pass of <see cref="BatchKernels{TVector}"/>: blocks of inputs, one output at a time.</summary>
internal static partial class BatchKernels<TVector>
    where TVector : struct, IVector<TVector>
{
    public static unsafe void Forward(
        ReadOnlySpan<int> connectionInputs, InputBlocks blocks, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> input, Span<float> output, int inputSize, int outputSize, FusedActivation activation)
    {
        int group = Group;
        int batch = input.Length / inputSize;
        Span<float> scratch = Scratch.Get((inputSize + outputSize) * group);
        Span<float> xT = scratch[..(inputSize * group)];
        Span<float> yT = scratch.Slice(inputSize * group, outputSize * group);
        int perGroup = blocks.OutputsPerGroup;
        int groups = outputSize / perGroup;
        bool hasBias = !bias.IsEmpty;

        // Raw pointers in the inner loop: with refs and offsets the JIT kept base pointers on the stack.
        // Every index was checked when the layer's tables were built (ConnectionBlocks, SpanShapes).
        fixed (float* w = weights)
        fixed (float* b = bias)
        fixed (int* inputs = connectionInputs)
        fixed (int* starts = blocks.Starts)
        fixed (int* order = blocks.Order)
        fixed (int* runStarts = blocks.RunStarts)
        fixed (int* runs = blocks.Runs)
        fixed (float* x = xT)
        fixed (float* y = yT)
        {
            for (int first = 0; first < batch; first += group)
            {
                int samples = Math.Min(group, batch - first);
                Transpose(input.Slice(first * inputSize, samples * inputSize), inputSize, samples, xT);

                // Block by block of inputs, so that the block's transposed inputs stay in L1 (one block where
                // shared runs take most of the layer); the outputs' partial sums wait in yT between blocks.
                for (int block = 0; block < blocks.BlockCount; block++)
                {
                    int* blockStarts = starts + ((nint)block * outputSize);
                    float* biases = block == 0 && hasBias ? b : null;
                    if (runs == null)
                    {
                        BlockOutputs(x, inputs, w, blockStarts, outputSize, y, block > 0, biases);
                    }
                    else
                    {
                        BlockOutputsWithRuns(x, inputs, w, blockStarts, order, runStarts + ((nint)block * groups), runs, outputSize, perGroup, y, block > 0, biases, TakesThreeTiles(samples));
                    }
                }

                // The group's outputs are still in L1 here: activated now, they cost no second sweep over the
                // output in memory. Element-wise, so the transposed layout does not matter; a partial group's
                // padding lanes are activated too and never written back.
                if (activation != FusedActivation.None)
                {
                    NetworkActivations.Apply(activation, yT, yT);
                }

                TransposeBack(yT, outputSize, samples, output.Slice(first * outputSize, samples * outputSize));
            }
        }
    }

    /// <summary>
    /// One block of inputs for every output, one output at a time: yT rows start from
    /// <paramref name="biases"/> (null: zero) unless <paramref name="accumulate"/>. A method per block, so that
    /// the JIT keeps the loop's pointers in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void BlockOutputs(float* x, int* inputs, float* w, int* blockStarts, int outputSize, float* y, bool accumulate, float* biases)
    {
        for (int o = 0; o < outputSize; o++)
        {
            PrefetchRange(blockStarts, o, outputSize, w, inputs, null);
            OutputRange(x, inputs, w, blockStarts[o], blockStarts[outputSize + o], y + ((nint)o * Group), accumulate, biases == null ? 0f : biases[o]);
        }
    }

    /// <summary>
    /// Connections <paramref name="k"/> .. <paramref name="end"/> of one output over the group into its row
    /// <paramref name="to"/> of yT, starting from that row (<paramref name="accumulate"/>) or from <paramref name="initial"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void OutputRange(float* x, int* inputs, float* w, int k, int end, float* to, bool accumulate, float initial)
    {
        int c = TVector.Count, group = Group;
        TVector a0, a1, a2, a3;
        if (accumulate)
        {
            a0 = TVector.Load(to);
            a1 = TVector.Load(to + c);
            a2 = TVector.Load(to + (2 * c));
            a3 = TVector.Load(to + (3 * c));
        }
        else
        {
            a0 = a1 = a2 = a3 = TVector.Broadcast(initial);
        }

        // Two sets of accumulators, even and odd connections: four chains alone would wait on
        // the multiply-add latency.
        TVector e0 = TVector.Zero, e1 = TVector.Zero, e2 = TVector.Zero, e3 = TVector.Zero;
        for (; k + 1 < end; k += 2)
        {
            TVector wk = TVector.Broadcast(w[k]);
            TVector wl = TVector.Broadcast(w[k + 1]);
            float* p = x + ((nint)inputs[k] * group);
            float* q = x + ((nint)inputs[k + 1] * group);
            a0 = TVector.MultiplyAdd(TVector.Load(p), wk, a0);
            a1 = TVector.MultiplyAdd(TVector.Load(p + c), wk, a1);
            a2 = TVector.MultiplyAdd(TVector.Load(p + (2 * c)), wk, a2);
            a3 = TVector.MultiplyAdd(TVector.Load(p + (3 * c)), wk, a3);
            e0 = TVector.MultiplyAdd(TVector.Load(q), wl, e0);
            e1 = TVector.MultiplyAdd(TVector.Load(q + c), wl, e1);
            e2 = TVector.MultiplyAdd(TVector.Load(q + (2 * c)), wl, e2);
            e3 = TVector.MultiplyAdd(TVector.Load(q + (3 * c)), wl, e3);
        }

        if (k < end)
        {
            TVector wk = TVector.Broadcast(w[k]);
            float* p = x + ((nint)inputs[k] * group);
            a0 = TVector.MultiplyAdd(TVector.Load(p), wk, a0);
            a1 = TVector.MultiplyAdd(TVector.Load(p + c), wk, a1);
            a2 = TVector.MultiplyAdd(TVector.Load(p + (2 * c)), wk, a2);
            a3 = TVector.MultiplyAdd(TVector.Load(p + (3 * c)), wk, a3);
        }

        TVector.Store(TVector.Add(a0, e0), to);
        TVector.Store(TVector.Add(a1, e1), to + c);
        TVector.Store(TVector.Add(a2, e2), to + (2 * c));
        TVector.Store(TVector.Add(a3, e3), to + (3 * c));
    }
}
