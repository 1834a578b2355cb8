using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using CustomizedLinear.CompilerServices.Simd;

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// The register-blocked passes of <see cref="BatchKernels{TVector}"/> over shared runs: stretches of connections
/// where every output of a group of four (two on 16-register machines) is connected to the same inputs
/// (<see cref="InputBlocks.Runs"/>, found at run time). Forward, each loaded input vector feeds the whole group;
/// backward, each input's gradient row is read and written once for the whole group. The rest of each output's
/// connections (its gaps between runs) take the one-output loops.
/// </summary>
internal static partial class BatchKernels<TVector>
    where TVector : struct, IVector<TVector>
{
    /// <summary>
    /// <see cref="BlockOutputs"/> for a layer with shared runs: the outputs in the cut's order, each group that has
    /// runs in this block through <see cref="RunsForward"/> and its gaps, the others one output at a time.
    /// <paramref name="runStarts"/> is the block's first group's entry of <see cref="InputBlocks.RunStarts"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void BlockOutputsWithRuns(float* x, int* inputs, float* w, int* blockStarts, int* order, int* runStarts, int* runs, int outputSize, int perGroup, float* y, bool accumulate, float* biases, bool threeTiles)
    {
        int group = Group, groups = outputSize / perGroup, entry = perGroup + 1;
        for (int g = 0, t = 0; t < outputSize; g++)
        {
            // Whole groups, then the outputs past the last one, one by one.
            int count = g < groups ? runStarts[g + 1] - runStarts[g] : 0;
            int end = g < groups ? t + perGroup : outputSize;
            if (count == 0)
            {
                for (; t < end; t++)
                {
                    int o = order[t];
                    PrefetchOutput(blockStarts, order, t, outputSize, w, inputs, null);
                    OutputRange(x, inputs, w, blockStarts[o], blockStarts[outputSize + o], y + ((nint)o * group), accumulate, biases == null ? 0f : biases[o]);
                }

                continue;
            }

            int* outs = order + t;
            int* groupRuns = runs + ((nint)runStarts[g] * entry);
            PrefetchOutput(blockStarts, order, end - 1, outputSize, w, inputs, null);
            RunsForward(x, inputs, w, outs, groupRuns, count, y, biases, !accumulate, perGroup, threeTiles);
            AroundRuns(x, inputs, w, blockStarts, outputSize, outs, perGroup, groupRuns, count, y);
            t = end;
        }
    }

    /// <summary>
    /// The connections of a group's outputs outside their runs (<see cref="GapWalk"/>), added to what the runs
    /// stored. A method of its own, so that the one-output loop of layers without runs stays as it was.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void AroundRuns(float* x, int* inputs, float* w, int* blockStarts, int outputSize, int* outs, int perGroup, int* runs, int count, float* y)
    {
        for (int j = 0; j < perGroup; j++)
        {
            int o = outs[j];
            float* to = y + ((nint)o * Group);
            var gaps = new GapWalk(blockStarts[o], blockStarts[outputSize + o], j, perGroup + 1, runs, count);
            while (gaps.Next(out int start, out int end))
            {
                OutputRange(x, inputs, w, start, end, to, true, 0f);
            }
        }
    }

    /// <summary><see cref="RunsForward{TOutputs, TTiles}"/> compiled for <paramref name="perGroup"/> outputs and three or four vectors of samples.</summary>
    private static unsafe void RunsForward(float* x, int* inputs, float* w, int* outs, int* runs, int count, float* y, float* bias, bool first, int perGroup, bool threeTiles)
    {
        if (perGroup == 4 && threeTiles)
        {
            RunsForward<Four, Three>(x, inputs, w, outs, runs, count, y, bias, first);
        }
        else if (perGroup == 4)
        {
            RunsForward<Four, Four>(x, inputs, w, outs, runs, count, y, bias, first);
        }
        else if (threeTiles)
        {
            RunsForward<Two, Three>(x, inputs, w, outs, runs, count, y, bias, first);
        }
        else
        {
            RunsForward<Two, Four>(x, inputs, w, outs, runs, count, y, bias, first);
        }
    }

    /// <summary>
    /// <typeparamref name="TOutputs"/> outputs (<paramref name="outs"/>) over their <paramref name="count"/> runs:
    /// four accumulators per output in registers (sixteen for four outputs) across all the runs, so that each
    /// loaded input vector feeds one multiply-add per output instead of one in all (the one-output loop's limit is
    /// its loads). Each output's row of yT is added to unless <paramref name="first"/>, where the rows start from
    /// the outputs' <paramref name="bias"/> (null: zero). The two-output copy compiles without the third and fourth
    /// output's code.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void RunsForward<TOutputs, TTiles>(float* x, int* inputs, float* w, int* outs, int* runs, int count, float* y, float* bias, bool first)
        where TOutputs : struct, ICount
        where TTiles : struct, ICount
    {
        int c = TVector.Count, group = Group, entry = TOutputs.Count + 1;
        bool four = TOutputs.Count == 4, fourth = TTiles.Count == 4;
        float* ya = y + ((nint)outs[0] * group), yb = y + ((nint)outs[1] * group);
        float* ye = four ? y + ((nint)outs[2] * group) : null, yf = four ? y + ((nint)outs[3] * group) : null;
        TVector a0, a1, a2, a3, b0, b1, b2, b3;
        TVector e0 = default, e1 = default, e2 = default, e3 = default, f0 = default, f1 = default, f2 = default, f3 = default;
        if (!first)
        {
            a0 = TVector.Load(ya); a1 = TVector.Load(ya + c); a2 = TVector.Load(ya + (2 * c)); a3 = TVector.Load(ya + (3 * c));
            b0 = TVector.Load(yb); b1 = TVector.Load(yb + c); b2 = TVector.Load(yb + (2 * c)); b3 = TVector.Load(yb + (3 * c));
            if (four)
            {
                e0 = TVector.Load(ye); e1 = TVector.Load(ye + c); e2 = TVector.Load(ye + (2 * c)); e3 = TVector.Load(ye + (3 * c));
                f0 = TVector.Load(yf); f1 = TVector.Load(yf + c); f2 = TVector.Load(yf + (2 * c)); f3 = TVector.Load(yf + (3 * c));
            }
        }
        else if (bias != null)
        {
            a0 = a1 = a2 = a3 = TVector.Broadcast(bias[outs[0]]);
            b0 = b1 = b2 = b3 = TVector.Broadcast(bias[outs[1]]);
            if (four)
            {
                e0 = e1 = e2 = e3 = TVector.Broadcast(bias[outs[2]]);
                f0 = f1 = f2 = f3 = TVector.Broadcast(bias[outs[3]]);
            }
        }
        else
        {
            a0 = a1 = a2 = a3 = b0 = b1 = b2 = b3 = TVector.Zero;
            if (four)
            {
                e0 = e1 = e2 = e3 = f0 = f1 = f2 = f3 = TVector.Zero;
            }
        }

        for (int* run = runs, last = runs + (count * entry); run < last; run += entry)
        {
            int length = run[0];
            int* ins = inputs + run[1];
            float* w0 = w + run[1], w1 = w + run[2];
            float* w2 = four ? w + run[3] : null, w3 = four ? w + run[4] : null;
            for (int i = 0; i < length; i++)
            {
                float* p = x + ((nint)ins[i] * group);
                TVector x0 = TVector.Load(p), x1 = TVector.Load(p + c), x2 = TVector.Load(p + (2 * c)), x3 = fourth ? TVector.Load(p + (3 * c)) : default;
                TVector wa = TVector.Broadcast(w0[i]);
                a0 = TVector.MultiplyAdd(x0, wa, a0); a1 = TVector.MultiplyAdd(x1, wa, a1); a2 = TVector.MultiplyAdd(x2, wa, a2);
                if (fourth) { a3 = TVector.MultiplyAdd(x3, wa, a3); }
                TVector wb = TVector.Broadcast(w1[i]);
                b0 = TVector.MultiplyAdd(x0, wb, b0); b1 = TVector.MultiplyAdd(x1, wb, b1); b2 = TVector.MultiplyAdd(x2, wb, b2);
                if (fourth) { b3 = TVector.MultiplyAdd(x3, wb, b3); }
                if (four)
                {
                    TVector we = TVector.Broadcast(w2[i]);
                    e0 = TVector.MultiplyAdd(x0, we, e0); e1 = TVector.MultiplyAdd(x1, we, e1); e2 = TVector.MultiplyAdd(x2, we, e2);
                    if (fourth) { e3 = TVector.MultiplyAdd(x3, we, e3); }
                    TVector wf = TVector.Broadcast(w3[i]);
                    f0 = TVector.MultiplyAdd(x0, wf, f0); f1 = TVector.MultiplyAdd(x1, wf, f1); f2 = TVector.MultiplyAdd(x2, wf, f2);
                    if (fourth) { f3 = TVector.MultiplyAdd(x3, wf, f3); }
                }
            }
        }

        TVector.Store(a0, ya); TVector.Store(a1, ya + c); TVector.Store(a2, ya + (2 * c)); TVector.Store(a3, ya + (3 * c));
        TVector.Store(b0, yb); TVector.Store(b1, yb + c); TVector.Store(b2, yb + (2 * c)); TVector.Store(b3, yb + (3 * c));
        if (four)
        {
            TVector.Store(e0, ye); TVector.Store(e1, ye + c); TVector.Store(e2, ye + (2 * c)); TVector.Store(e3, ye + (3 * c));
            TVector.Store(f0, yf); TVector.Store(f1, yf + c); TVector.Store(f2, yf + (2 * c)); TVector.Store(f3, yf + (3 * c));
        }
    }

    /// <summary>
    /// Whether the backward pass takes the runs without an input gradient: only where the register-blocked weight
    /// gradient exists (AVX-512, four outputs); elsewhere the runs pay in the input gradient only, and the
    /// one-output sweep computes weight gradients as well.
    /// </summary>
    private static bool RunWeightGradients => TVector.Count == 16 && Avx512F.IsSupported;

    /// <summary>
    /// One block of the backward sweep for a layer with shared runs, in the cut's order: a group with runs gets
    /// their input gradients (unless <paramref name="dx"/> is null) from <see cref="RunsInputGrad"/> and, where
    /// <see cref="RunWeightGradients"/>, their weight gradients from <see cref="WeightGrad512.RunsOfFour"/>, the
    /// connections between the runs the one-output sweep; elsewhere each output's weight gradients come from the
    /// one-output sweep over its whole range and its gaps' input gradients from <see cref="InputGrad"/>. The
    /// outputs of groups without runs take the one-output sweep.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void BackwardBlockWithRuns(float* x, float* dx, int* inputs, float* w, float* gw, int* blockStarts, int* order, int* runStarts, int* runs, int outputSize, int perGroup, float* dy, bool threeTiles)
    {
        // Where the runs' weight gradients are not register-blocked they only pay in the input gradient (the caller
        // takes the one-output sweep without one), and the register-blocked ones are written for four outputs.
        Debug.Assert(dx != null || RunWeightGradients, "without an input gradient the runs need their weight-gradient kernel");
        Debug.Assert(perGroup == 4 || !RunWeightGradients, "the runs' weight-gradient kernel takes four outputs");
        int group = Group, groups = outputSize / perGroup, entry = perGroup + 1;
        for (int g = 0, t = 0; t < outputSize; g++)
        {
            // Whole groups, then the outputs past the last one, one by one.
            int count = g < groups ? runStarts[g + 1] - runStarts[g] : 0;
            int end = g < groups ? t + perGroup : outputSize;
            if (count == 0)
            {
                for (; t < end; t++)
                {
                    int o = order[t];
                    PrefetchOutput(blockStarts, order, t, outputSize, w, inputs, gw);
                    BackwardRange(x, dx, inputs, w, gw, blockStarts[o], blockStarts[outputSize + o], dy + ((nint)o * group));
                }

                continue;
            }

            int* groupRuns = runs + ((nint)runStarts[g] * entry);
            if (dx != null)
            {
                RunsInputGrad(dx, inputs, w, order + t, groupRuns, count, dy, perGroup, threeTiles);
            }

            if (RunWeightGradients && threeTiles)
            {
                WeightGrad512.RunsOfFour<Three>(x, inputs, gw, order + t, groupRuns, count, dy);
            }
            else if (RunWeightGradients)
            {
                WeightGrad512.RunsOfFour<Four>(x, inputs, gw, order + t, groupRuns, count, dy);
            }

            for (int j = 0; j < perGroup; j++, t++)
            {
                PrefetchOutput(blockStarts, order, t, outputSize, w, inputs, gw);
                AroundRunsBackward(x, dx, inputs, w, gw, blockStarts, outputSize, order[t], j, groupRuns, count, entry, dy);
            }
        }
    }

    /// <summary>
    /// Output <paramref name="o"/>'s part of <see cref="BackwardBlockWithRuns"/> beside the register-blocked passes
    /// (it is output <paramref name="j"/> of the runs): where <see cref="RunWeightGradients"/>, both gradients of
    /// the connections between the runs; elsewhere the weight gradients of its whole range in one pass (fewest
    /// short tails to reduce) and the input gradients between the runs.
    /// </summary>
    private static unsafe void AroundRunsBackward(float* x, float* dx, int* inputs, float* w, float* gw, int* blockStarts, int outputSize, int o, int j, int* runs, int count, int entry, float* dy)
    {
        int k = blockStarts[o], end = blockStarts[outputSize + o];
        float* dyRow = dy + ((nint)o * Group);
        if (!RunWeightGradients)
        {
            BackwardRange(x, null, inputs, w, gw, k, end, dyRow);
        }

        var gaps = new GapWalk(k, end, j, entry, runs, count);
        while (gaps.Next(out int start, out int stop))
        {
            Gap(x, dx, inputs, w, gw, start, stop, dyRow);
        }
    }

    /// <summary>The gradients of connections <paramref name="k"/> .. <paramref name="end"/> that no run took.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Gap(float* x, float* dx, int* inputs, float* w, float* gw, int k, int end, float* dyRow)
    {
        if (RunWeightGradients)
        {
            BackwardRange(x, dx, inputs, w, gw, k, end, dyRow);
        }
        else
        {
            InputGrad(dx, inputs, w, k, end, dyRow);
        }
    }

    /// <summary><see cref="RunsInputGrad{TOutputs, TTiles}"/> compiled for <paramref name="perGroup"/> outputs and three or four vectors of samples.</summary>
    private static unsafe void RunsInputGrad(float* dx, int* inputs, float* w, int* outs, int* runs, int count, float* dy, int perGroup, bool threeTiles)
    {
        if (perGroup == 4 && threeTiles)
        {
            RunsInputGrad<Four, Three>(dx, inputs, w, outs, runs, count, dy);
        }
        else if (perGroup == 4)
        {
            RunsInputGrad<Four, Four>(dx, inputs, w, outs, runs, count, dy);
        }
        else if (threeTiles)
        {
            RunsInputGrad<Two, Three>(dx, inputs, w, outs, runs, count, dy);
        }
        else
        {
            RunsInputGrad<Two, Four>(dx, inputs, w, outs, runs, count, dy);
        }
    }

    /// <summary>
    /// The input gradients of the runs shared by <typeparamref name="TOutputs"/> outputs (<paramref name="outs"/>,
    /// runs as in <see cref="RunsForward"/>): the outputs' transposed gradients stay in registers, and each input's
    /// gradient row in <paramref name="dx"/> is read and written once for all of them instead of once per connection.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void RunsInputGrad<TOutputs, TTiles>(float* dx, int* inputs, float* w, int* outs, int* runs, int count, float* dy)
        where TOutputs : struct, ICount
        where TTiles : struct, ICount
    {
        int c = TVector.Count, group = Group, entry = TOutputs.Count + 1;
        bool four = TOutputs.Count == 4;
        float* da = dy + ((nint)outs[0] * group), db = dy + ((nint)outs[1] * group);
        TVector a0 = TVector.Load(da), a1 = TVector.Load(da + c), a2 = TVector.Load(da + (2 * c)), a3 = TVector.Load(da + (3 * c));
        TVector b0 = TVector.Load(db), b1 = TVector.Load(db + c), b2 = TVector.Load(db + (2 * c)), b3 = TVector.Load(db + (3 * c));
        TVector e0 = default, e1 = default, e2 = default, e3 = default, f0 = default, f1 = default, f2 = default, f3 = default;
        if (four)
        {
            float* de = dy + ((nint)outs[2] * group), df = dy + ((nint)outs[3] * group);
            e0 = TVector.Load(de); e1 = TVector.Load(de + c); e2 = TVector.Load(de + (2 * c)); e3 = TVector.Load(de + (3 * c));
            f0 = TVector.Load(df); f1 = TVector.Load(df + c); f2 = TVector.Load(df + (2 * c)); f3 = TVector.Load(df + (3 * c));
        }

        for (int* run = runs, last = runs + (count * entry); run < last; run += entry)
        {
            int length = run[0];
            int* ins = inputs + run[1];
            float* w0 = w + run[1], w1 = w + run[2];
            float* w2 = four ? w + run[3] : null, w3 = four ? w + run[4] : null;
            for (int i = 0; i < length; i++)
            {
                float* q = dx + ((nint)ins[i] * group);
                TVector wa = TVector.Broadcast(w0[i]), wb = TVector.Broadcast(w1[i]);
                TVector we = four ? TVector.Broadcast(w2[i]) : default, wf = four ? TVector.Broadcast(w3[i]) : default;
                TVector.Store(AddToRow<TOutputs>(TVector.Load(q), a0, wa, b0, wb, e0, we, f0, wf), q);
                TVector.Store(AddToRow<TOutputs>(TVector.Load(q + c), a1, wa, b1, wb, e1, we, f1, wf), q + c);
                TVector.Store(AddToRow<TOutputs>(TVector.Load(q + (2 * c)), a2, wa, b2, wb, e2, we, f2, wf), q + (2 * c));
                if (TTiles.Count == 4)
                {
                    TVector.Store(AddToRow<TOutputs>(TVector.Load(q + (3 * c)), a3, wa, b3, wb, e3, we, f3, wf), q + (3 * c));
                }
            }
        }
    }

    /// <summary>
    /// <c>q + a·wa + b·wb</c>, then, for four outputs, <c>+ e·we + f·wf</c>: one vector of an input's gradient row,
    /// stored before the next is loaded, so that both copies compile to the loops of the two hand-written kernels
    /// they replace, instruction for instruction (checked with <c>DOTNET_JitDisasm</c> on AVX2 and AVX-512).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector AddToRow<TOutputs>(TVector q, TVector a, TVector wa, TVector b, TVector wb, TVector e, TVector we, TVector f, TVector wf)
        where TOutputs : struct, ICount
    {
        TVector sum = TVector.MultiplyAdd(b, wb, TVector.MultiplyAdd(a, wa, q));
        return TOutputs.Count == 4 ? TVector.MultiplyAdd(f, wf, TVector.MultiplyAdd(e, we, sum)) : sum;
    }
}

/// <summary>
/// The stretches of one output's range in a block that none of its group's runs takes, one at a time: before each
/// run, and after the last (runs ascend and do not overlap within every output of the group).
/// </summary>
internal unsafe struct GapWalk
{
    private readonly int _end, _j, _entry, _count;
    private readonly int* _runs;
    private int _k, _r;

    /// <summary>The gaps of output <paramref name="j"/> of the group (range <paramref name="k"/> .. <paramref name="end"/>) around <paramref name="count"/> runs of <paramref name="entry"/> ints.</summary>
    public GapWalk(int k, int end, int j, int entry, int* runs, int count)
    {
        _k = k;
        _end = end;
        _j = j;
        _entry = entry;
        _runs = runs;
        _count = count;
        _r = 0;
    }

    /// <summary>The next gap, <paramref name="start"/> .. <paramref name="end"/> (never empty); false when there is none.</summary>
    public bool Next(out int start, out int end)
    {
        while (_r <= _count)
        {
            int stop = _r < _count ? _runs[(_r * _entry) + 1 + _j] : _end;
            start = _k;
            end = stop;
            _k = _r < _count ? stop + _runs[_r * _entry] : _end;
            _r++;
            if (start < end)
            {
                return true;
            }
        }

        start = end = 0;
        return false;
    }
}
