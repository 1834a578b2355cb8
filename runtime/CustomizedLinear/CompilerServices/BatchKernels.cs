using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using CustomizedLinear.CompilerServices.Simd;

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// Batch kernels vectorised across samples. A group of <c>4 × lanes</c> samples (64 with 512-bit vectors)
/// is transposed once into scratch, so that input <c>i</c> of the whole group is four contiguous vectors;
/// then each connection is one broadcast of its weight and four multiply-adds (fused where the CPU has FMA) into accumulators that
/// stay in registers for a whole output. Where the outputs of a group of four (two on 16-register machines) share a
/// run of consecutive inputs, the forward pass does the run for all of them at once, each loaded input vector
/// feeding four multiply-adds, and the backward pass adds the run's input gradients with one read-modify-write
/// of each input's gradient row. A last, partial group of samples is padded with zeros.
/// </summary>
[SkipLocalsInit] // the lane-sum buffers are written before they are read; zeroing them cost more than the work of a short range
internal static class BatchKernels<TVector>
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

    public static unsafe void Forward(
        ReadOnlySpan<int> connectionInputs, InputBlocks blocks, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> input, Span<float> output, int inputSize, int outputSize)
    {
        int group = Group;
        int batch = input.Length / inputSize;
        Span<float> scratch = Scratch.Get((inputSize + outputSize) * group);
        Span<float> xT = scratch[..(inputSize * group)];
        Span<float> yT = scratch.Slice(inputSize * group, outputSize * group);
        int rows = blocks.RowsPerRun;
        int runEntries = blocks.RunEntriesPerBlock;
        bool hasBias = !bias.IsEmpty;

        // Raw pointers in the inner loop: with refs and offsets the JIT kept base pointers on the stack.
        // Every index was checked when the layer's tables were built (ConnectionBlocks, SpanShapes).
        fixed (float* w = weights)
        fixed (float* b = bias)
        fixed (int* inputs = connectionInputs)
        fixed (int* starts = blocks.Starts)
        fixed (int* runs = blocks.Runs)
        fixed (float* x = xT)
        fixed (float* y = yT)
        {
            for (int first = 0; first < batch; first += group)
            {
                int samples = Math.Min(group, batch - first);
                Transpose(input.Slice(first * inputSize, samples * inputSize), inputSize, samples, xT);

                // Block by block of inputs, so that the block's transposed inputs stay in L1; the outputs'
                // partial sums wait in yT between blocks.
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
                        BlockOutputsWithRuns(x, inputs, w, blockStarts, runs + ((nint)block * runEntries), outputSize, rows, y, block > 0, biases);
                    }
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
    /// <see cref="BlockOutputs"/> for a layer with shared runs (<see cref="InputBlocks.Runs"/>): each group of
    /// <paramref name="rows"/> outputs that has one takes a register-blocked pass over it, the rest of its
    /// connections one output at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void BlockOutputsWithRuns(float* x, int* inputs, float* w, int* blockStarts, int* runs, int outputSize, int rows, float* y, bool accumulate, float* biases)
    {
        int group = Group;
        for (int o0 = 0; o0 < outputSize; o0 += rows)
        {
            int count = Math.Min(rows, outputSize - o0);
            int* run = count < rows ? null : runs + ((o0 / rows) * (rows + 1));
            if (run == null || run[0] == 0)
            {
                for (int o = o0; o < o0 + count; o++)
                {
                    PrefetchRange(blockStarts, o, outputSize, w, inputs, null);
                    OutputRange(x, inputs, w, blockStarts[o], blockStarts[outputSize + o], y + ((nint)o * group), accumulate, biases == null ? 0f : biases[o]);
                }

                continue;
            }

            PrefetchRange(blockStarts, o0 + rows - 1, outputSize, w, inputs, null);
            float* xs = x + ((nint)inputs[blockStarts[o0] + run[1]] * group);
            if (rows == 4)
            {
                RunOfFour(xs, w + blockStarts[o0] + run[1], w + blockStarts[o0 + 1] + run[2], w + blockStarts[o0 + 2] + run[3], w + blockStarts[o0 + 3] + run[4], run[0], y + ((nint)o0 * group), biases == null ? null : biases + o0, !accumulate);
            }
            else
            {
                RunOfTwo(xs, w + blockStarts[o0] + run[1], w + blockStarts[o0 + 1] + run[2], run[0], y + ((nint)o0 * group), biases == null ? null : biases + o0, !accumulate);
            }

            AroundRun(x, inputs, w, blockStarts, outputSize, o0, rows, run, y);
        }
    }

    /// <summary>
    /// The connections of a group's outputs before and after their shared run, added to what the run stored.
    /// A method of its own, so that the one-output loop of layers without runs stays as it was (inlined once).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void AroundRun(float* x, int* inputs, float* w, int* blockStarts, int outputSize, int o0, int rows, int* run, float* y)
    {
        for (int j = 0; j < rows; j++)
        {
            int o = o0 + j;
            int k = blockStarts[o];
            int before = k + run[1 + j];
            int after = before + run[0];
            int end = blockStarts[outputSize + o];
            float* to = y + ((nint)o * Group);
            if (k < before)
            {
                OutputRange(x, inputs, w, k, before, to, true, 0f);
            }

            if (after < end)
            {
                OutputRange(x, inputs, w, after, end, to, true, 0f);
            }
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

    /// <summary>
    /// Weight and bias gradients, and the input gradient when <paramref name="inputGrad"/> is not empty, in one
    /// sweep over blocks of inputs (cut for the backward pass: at least 48 connections per output and block):
    /// each connection reads its transposed input and its input-gradient row from the cache, where the block
    /// keeps them.
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
        int c = TVector.Count;

        int rows = blocks.RowsPerRun;
        int runEntries = blocks.RunEntriesPerBlock;

        fixed (int* inputs = connectionInputs)
        fixed (int* starts = blocks.Starts)
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
                Transpose(input.Slice(first * inputSize, samples * inputSize), inputSize, samples, xT);
                Transpose(outputGrad.Slice(first * outputSize, samples * outputSize), outputSize, samples, dyT);
                dxT.Clear();

                for (int o = 0; o < biasGrad.Length; o++)
                {
                    float* at = dy + ((nint)o * group);
                    biasGrad[o] += TVector.Sum(TVector.Add(TVector.Add(TVector.Load(at), TVector.Load(at + c)), TVector.Add(TVector.Load(at + (2 * c)), TVector.Load(at + (3 * c)))));
                }

                for (int block = 0; block < blocks.BlockCount; block++)
                {
                    int* blockStarts = starts + ((nint)block * outputSize);

                    // Shared runs pay in the input gradient only (one read-modify-write of an input's row for
                    // all the outputs of the run); without it the one-output sweep is as good.
                    if (runs != null && dx != null)
                    {
                        BackwardBlockWithRuns(x, dx, inputs, w, gw, blockStarts, runs + ((nint)block * runEntries), outputSize, rows, dy);
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
    /// One block of the backward sweep with an input gradient, for a layer with shared runs: a group with a run
    /// gets the run's input gradients from <see cref="RunInputGradOfFour"/> (or of two), each output's weight
    /// gradients from the one-output sweep without input gradient, and the input gradients of its other
    /// connections from <see cref="InputGrad"/>; a group without one takes the one-output sweep.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void BackwardBlockWithRuns(float* x, float* dx, int* inputs, float* w, float* gw, int* blockStarts, int* runs, int outputSize, int rows, float* dy)
    {
        int group = Group;
        for (int o0 = 0; o0 < outputSize; o0 += rows)
        {
            int count = Math.Min(rows, outputSize - o0);
            int* run = count < rows ? null : runs + ((o0 / rows) * (rows + 1));
            int length = run == null ? 0 : run[0];
            if (length > 0)
            {
                float* at = dx + ((nint)inputs[blockStarts[o0] + run[1]] * group);
                if (rows == 4)
                {
                    RunInputGradOfFour(at, w + blockStarts[o0] + run[1], w + blockStarts[o0 + 1] + run[2], w + blockStarts[o0 + 2] + run[3], w + blockStarts[o0 + 3] + run[4], length, dy + ((nint)o0 * group));
                }
                else
                {
                    RunInputGradOfTwo(at, w + blockStarts[o0] + run[1], w + blockStarts[o0 + 1] + run[2], length, dy + ((nint)o0 * group));
                }
            }

            for (int o = o0; o < o0 + count; o++)
            {
                int k = blockStarts[o], end = blockStarts[outputSize + o];
                float* dyRow = dy + ((nint)o * group);
                PrefetchRange(blockStarts, o, outputSize, w, inputs, gw);
                if (length == 0)
                {
                    BackwardRange(x, dx, inputs, w, gw, k, end, dyRow);
                    continue;
                }

                // The whole range's weight gradients in one pass (fewest short tails to reduce), and the input
                // gradients of the connections outside the run.
                int before = k + run[1 + o - o0], after = before + length;
                BackwardRange(x, null, inputs, w, gw, k, end, dyRow);
                InputGrad(dx, inputs, w, k, before, dyRow);
                InputGrad(dx, inputs, w, after, end, dyRow);
            }
        }
    }

    /// <summary>
    /// The input gradients of a run shared by four outputs (see <see cref="RunOfFour"/>): the four outputs'
    /// transposed gradients stay in sixteen registers, and each input's gradient row in <paramref name="dx"/>
    /// is read and written once for all four instead of once per connection.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void RunInputGradOfFour(float* dx, float* w, float* w1, float* w2, float* w3, int inputs, float* dy)
    {
        int c = TVector.Count, group = Group;
        TVector a0 = TVector.Load(dy), a1 = TVector.Load(dy + c), a2 = TVector.Load(dy + (2 * c)), a3 = TVector.Load(dy + (3 * c));
        TVector b0 = TVector.Load(dy + group), b1 = TVector.Load(dy + group + c), b2 = TVector.Load(dy + group + (2 * c)), b3 = TVector.Load(dy + group + (3 * c));
        TVector e0 = TVector.Load(dy + (2 * group)), e1 = TVector.Load(dy + (2 * group) + c), e2 = TVector.Load(dy + (2 * group) + (2 * c)), e3 = TVector.Load(dy + (2 * group) + (3 * c));
        TVector f0 = TVector.Load(dy + (3 * group)), f1 = TVector.Load(dy + (3 * group) + c), f2 = TVector.Load(dy + (3 * group) + (2 * c)), f3 = TVector.Load(dy + (3 * group) + (3 * c));
        for (int i = 0; i < inputs; i++)
        {
            float* q = dx + ((nint)i * group);
            TVector wa = TVector.Broadcast(w[i]), wb = TVector.Broadcast(w1[i]), we = TVector.Broadcast(w2[i]), wf = TVector.Broadcast(w3[i]);
            TVector.Store(TVector.MultiplyAdd(f0, wf, TVector.MultiplyAdd(e0, we, TVector.MultiplyAdd(b0, wb, TVector.MultiplyAdd(a0, wa, TVector.Load(q))))), q);
            TVector.Store(TVector.MultiplyAdd(f1, wf, TVector.MultiplyAdd(e1, we, TVector.MultiplyAdd(b1, wb, TVector.MultiplyAdd(a1, wa, TVector.Load(q + c))))), q + c);
            TVector.Store(TVector.MultiplyAdd(f2, wf, TVector.MultiplyAdd(e2, we, TVector.MultiplyAdd(b2, wb, TVector.MultiplyAdd(a2, wa, TVector.Load(q + (2 * c)))))), q + (2 * c));
            TVector.Store(TVector.MultiplyAdd(f3, wf, TVector.MultiplyAdd(e3, we, TVector.MultiplyAdd(b3, wb, TVector.MultiplyAdd(a3, wa, TVector.Load(q + (3 * c)))))), q + (3 * c));
        }
    }

    /// <summary><see cref="RunInputGradOfFour"/> for two outputs, for machines with 16 vector registers.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void RunInputGradOfTwo(float* dx, float* w, float* w1, int inputs, float* dy)
    {
        int c = TVector.Count, group = Group;
        TVector a0 = TVector.Load(dy), a1 = TVector.Load(dy + c), a2 = TVector.Load(dy + (2 * c)), a3 = TVector.Load(dy + (3 * c));
        TVector b0 = TVector.Load(dy + group), b1 = TVector.Load(dy + group + c), b2 = TVector.Load(dy + group + (2 * c)), b3 = TVector.Load(dy + group + (3 * c));
        for (int i = 0; i < inputs; i++)
        {
            float* q = dx + ((nint)i * group);
            TVector wa = TVector.Broadcast(w[i]), wb = TVector.Broadcast(w1[i]);
            TVector.Store(TVector.MultiplyAdd(b0, wb, TVector.MultiplyAdd(a0, wa, TVector.Load(q))), q);
            TVector.Store(TVector.MultiplyAdd(b1, wb, TVector.MultiplyAdd(a1, wa, TVector.Load(q + c))), q + c);
            TVector.Store(TVector.MultiplyAdd(b2, wb, TVector.MultiplyAdd(a2, wa, TVector.Load(q + (2 * c)))), q + (2 * c));
            TVector.Store(TVector.MultiplyAdd(b3, wb, TVector.MultiplyAdd(a3, wa, TVector.Load(q + (3 * c)))), q + (3 * c));
        }
    }

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
            int next = blockStarts[o + PrefetchOutputs];
            Sse.Prefetch0(w + next);
            Sse.Prefetch0(inputs + next);
            if (gw != null)
            {
                Sse.Prefetch0(gw + next);
            }
        }
    }

    /// <summary>
    /// Four outputs over a run of <paramref name="inputs"/> consecutive inputs that all four are connected to,
    /// starting at transposed input <paramref name="x"/>: sixteen accumulators in registers, so that each loaded
    /// input vector feeds four multiply-adds instead of one (the one-output loop's limit is its loads).
    /// <paramref name="w"/>, <paramref name="w1"/>, <paramref name="w2"/>, <paramref name="w3"/> are the four
    /// outputs' weights of the run (contiguous: inputs ascend within an output); <paramref name="y"/> their rows
    /// of yT, added to unless <paramref name="first"/>, where they start from <paramref name="bias"/> (null: zero).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void RunOfFour(float* x, float* w, float* w1, float* w2, float* w3, int inputs, float* y, float* bias, bool first)
    {
        int c = TVector.Count, group = Group;
        TVector a0, a1, a2, a3, b0, b1, b2, b3, e0, e1, e2, e3, f0, f1, f2, f3;
        if (!first)
        {
            a0 = TVector.Load(y); a1 = TVector.Load(y + c); a2 = TVector.Load(y + (2 * c)); a3 = TVector.Load(y + (3 * c));
            b0 = TVector.Load(y + group); b1 = TVector.Load(y + group + c); b2 = TVector.Load(y + group + (2 * c)); b3 = TVector.Load(y + group + (3 * c));
            e0 = TVector.Load(y + (2 * group)); e1 = TVector.Load(y + (2 * group) + c); e2 = TVector.Load(y + (2 * group) + (2 * c)); e3 = TVector.Load(y + (2 * group) + (3 * c));
            f0 = TVector.Load(y + (3 * group)); f1 = TVector.Load(y + (3 * group) + c); f2 = TVector.Load(y + (3 * group) + (2 * c)); f3 = TVector.Load(y + (3 * group) + (3 * c));
        }
        else if (bias != null)
        {
            a0 = a1 = a2 = a3 = TVector.Broadcast(bias[0]);
            b0 = b1 = b2 = b3 = TVector.Broadcast(bias[1]);
            e0 = e1 = e2 = e3 = TVector.Broadcast(bias[2]);
            f0 = f1 = f2 = f3 = TVector.Broadcast(bias[3]);
        }
        else
        {
            a0 = a1 = a2 = a3 = b0 = b1 = b2 = b3 = e0 = e1 = e2 = e3 = f0 = f1 = f2 = f3 = TVector.Zero;
        }

        for (int i = 0; i < inputs; i++)
        {
            float* p = x + ((nint)i * group);
            TVector x0 = TVector.Load(p), x1 = TVector.Load(p + c), x2 = TVector.Load(p + (2 * c)), x3 = TVector.Load(p + (3 * c));
            TVector wa = TVector.Broadcast(w[i]);
            a0 = TVector.MultiplyAdd(x0, wa, a0); a1 = TVector.MultiplyAdd(x1, wa, a1); a2 = TVector.MultiplyAdd(x2, wa, a2); a3 = TVector.MultiplyAdd(x3, wa, a3);
            TVector wb = TVector.Broadcast(w1[i]);
            b0 = TVector.MultiplyAdd(x0, wb, b0); b1 = TVector.MultiplyAdd(x1, wb, b1); b2 = TVector.MultiplyAdd(x2, wb, b2); b3 = TVector.MultiplyAdd(x3, wb, b3);
            TVector we = TVector.Broadcast(w2[i]);
            e0 = TVector.MultiplyAdd(x0, we, e0); e1 = TVector.MultiplyAdd(x1, we, e1); e2 = TVector.MultiplyAdd(x2, we, e2); e3 = TVector.MultiplyAdd(x3, we, e3);
            TVector wf = TVector.Broadcast(w3[i]);
            f0 = TVector.MultiplyAdd(x0, wf, f0); f1 = TVector.MultiplyAdd(x1, wf, f1); f2 = TVector.MultiplyAdd(x2, wf, f2); f3 = TVector.MultiplyAdd(x3, wf, f3);
        }

        TVector.Store(a0, y); TVector.Store(a1, y + c); TVector.Store(a2, y + (2 * c)); TVector.Store(a3, y + (3 * c));
        TVector.Store(b0, y + group); TVector.Store(b1, y + group + c); TVector.Store(b2, y + group + (2 * c)); TVector.Store(b3, y + group + (3 * c));
        TVector.Store(e0, y + (2 * group)); TVector.Store(e1, y + (2 * group) + c); TVector.Store(e2, y + (2 * group) + (2 * c)); TVector.Store(e3, y + (2 * group) + (3 * c));
        TVector.Store(f0, y + (3 * group)); TVector.Store(f1, y + (3 * group) + c); TVector.Store(f2, y + (3 * group) + (2 * c)); TVector.Store(f3, y + (3 * group) + (3 * c));
    }

    /// <summary><see cref="RunOfFour"/> for two outputs: eight accumulators, for machines with 16 vector registers.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void RunOfTwo(float* x, float* w, float* w1, int inputs, float* y, float* bias, bool first)
    {
        int c = TVector.Count, group = Group;
        TVector a0, a1, a2, a3, b0, b1, b2, b3;
        if (!first)
        {
            a0 = TVector.Load(y); a1 = TVector.Load(y + c); a2 = TVector.Load(y + (2 * c)); a3 = TVector.Load(y + (3 * c));
            b0 = TVector.Load(y + group); b1 = TVector.Load(y + group + c); b2 = TVector.Load(y + group + (2 * c)); b3 = TVector.Load(y + group + (3 * c));
        }
        else if (bias != null)
        {
            a0 = a1 = a2 = a3 = TVector.Broadcast(bias[0]);
            b0 = b1 = b2 = b3 = TVector.Broadcast(bias[1]);
        }
        else
        {
            a0 = a1 = a2 = a3 = b0 = b1 = b2 = b3 = TVector.Zero;
        }

        for (int i = 0; i < inputs; i++)
        {
            float* p = x + ((nint)i * group);
            TVector x0 = TVector.Load(p), x1 = TVector.Load(p + c), x2 = TVector.Load(p + (2 * c)), x3 = TVector.Load(p + (3 * c));
            TVector wa = TVector.Broadcast(w[i]);
            a0 = TVector.MultiplyAdd(x0, wa, a0); a1 = TVector.MultiplyAdd(x1, wa, a1); a2 = TVector.MultiplyAdd(x2, wa, a2); a3 = TVector.MultiplyAdd(x3, wa, a3);
            TVector wb = TVector.Broadcast(w1[i]);
            b0 = TVector.MultiplyAdd(x0, wb, b0); b1 = TVector.MultiplyAdd(x1, wb, b1); b2 = TVector.MultiplyAdd(x2, wb, b2); b3 = TVector.MultiplyAdd(x3, wb, b3);
        }

        TVector.Store(a0, y); TVector.Store(a1, y + c); TVector.Store(a2, y + (2 * c)); TVector.Store(a3, y + (3 * c));
        TVector.Store(b0, y + group); TVector.Store(b1, y + group + c); TVector.Store(b2, y + group + (2 * c)); TVector.Store(b3, y + group + (3 * c));
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

    /// <summary><paramref name="transposed"/> [width, group] → the first <paramref name="samples"/> rows of [samples, width].</summary>
    private static void TransposeBack(ReadOnlySpan<float> transposed, int width, int samples, Span<float> rows) =>
        BlockTranspose.Transpose(transposed, Group, rows, width, width, samples);
}
