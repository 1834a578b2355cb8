using System;
using System.Runtime.CompilerServices;
using CustomizedLinear.CompilerServices.Simd;

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// The register-blocked passes of <see cref="BatchKernels{TVector}"/> over shared spans: consecutive inputs that
/// every output of a group of four (two on 16-register machines) is connected to (<see cref="InputBlocks.SharedSpans"/>,
/// found at run time). Forward, each loaded input vector feeds the whole group; backward, each input's gradient
/// row is read and written once for the whole group. The rest of each output's connections take the one-output loops.
/// </summary>
internal static partial class BatchKernels<TVector>
    where TVector : struct, IVector<TVector>
{
    /// <summary>
    /// <see cref="BlockOutputs"/> for a layer with shared spans: each group of <paramref name="outputsPerSpan"/> outputs that
    /// has one takes a register-blocked pass over it, the rest of its connections one output at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void BlockOutputsWithSharedSpans(float* x, int* inputs, float* w, int* blockStarts, int* spans, int outputSize, int outputsPerSpan, float* y, bool accumulate, float* biases)
    {
        int group = Group;
        for (int o0 = 0; o0 < outputSize; o0 += outputsPerSpan)
        {
            int count = Math.Min(outputsPerSpan, outputSize - o0);
            int* span = count < outputsPerSpan ? null : spans + ((o0 / outputsPerSpan) * (outputsPerSpan + 1));
            if (span == null || span[0] == 0)
            {
                for (int o = o0; o < o0 + count; o++)
                {
                    PrefetchRange(blockStarts, o, outputSize, w, inputs, null);
                    OutputRange(x, inputs, w, blockStarts[o], blockStarts[outputSize + o], y + ((nint)o * group), accumulate, biases == null ? 0f : biases[o]);
                }

                continue;
            }

            PrefetchRange(blockStarts, o0 + outputsPerSpan - 1, outputSize, w, inputs, null);
            float* xs = x + ((nint)inputs[blockStarts[o0] + span[1]] * group);
            float* spanBiases = biases == null ? null : biases + o0;
            if (outputsPerSpan == 4)
            {
                SharedSpanForward<FourOutputs>(xs, w, blockStarts + o0, span, y + ((nint)o0 * group), spanBiases, !accumulate);
            }
            else
            {
                SharedSpanForward<TwoOutputs>(xs, w, blockStarts + o0, span, y + ((nint)o0 * group), spanBiases, !accumulate);
            }

            AroundSharedSpan(x, inputs, w, blockStarts, outputSize, o0, outputsPerSpan, span, y);
        }
    }

    /// <summary>
    /// The connections of a group's outputs before and after their shared span, added to what the span stored.
    /// A method of its own, so that the one-output loop of layers without shared spans stays as it was (inlined once).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void AroundSharedSpan(float* x, int* inputs, float* w, int* blockStarts, int outputSize, int o0, int outputsPerSpan, int* span, float* y)
    {
        for (int j = 0; j < outputsPerSpan; j++)
        {
            int o = o0 + j;
            int k = blockStarts[o];
            int before = k + span[1 + j];
            int after = before + span[0];
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
    /// <typeparamref name="TOutputs"/> outputs over a shared span of <c>span[0]</c> consecutive inputs, starting at
    /// transposed input <paramref name="x"/>: four accumulators per output in registers (sixteen for four outputs),
    /// so that each loaded input vector feeds one multiply-add per output instead of one in all (the one-output
    /// loop's limit is its loads). Output <c>j</c>'s weights of the span start at <c>w + starts[j] + span[1 + j]</c>
    /// (contiguous: inputs ascend within an output); <paramref name="y"/> is the group's first row of yT, added to
    /// unless <paramref name="first"/>, where the rows start from <paramref name="bias"/> (null: zero). The two-output
    /// copy compiles without the third and fourth output's code.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void SharedSpanForward<TOutputs>(float* x, float* w, int* starts, int* span, float* y, float* bias, bool first)
        where TOutputs : struct, IOutputsPerSpan
    {
        int c = TVector.Count, group = Group, inputs = span[0];
        bool four = TOutputs.Count == 4;
        float* w0 = w + starts[0] + span[1], w1 = w + starts[1] + span[2];
        float* w2 = four ? w + starts[2] + span[3] : null, w3 = four ? w + starts[3] + span[4] : null;
        TVector a0, a1, a2, a3, b0, b1, b2, b3;
        TVector e0 = default, e1 = default, e2 = default, e3 = default, f0 = default, f1 = default, f2 = default, f3 = default;
        if (!first)
        {
            a0 = TVector.Load(y); a1 = TVector.Load(y + c); a2 = TVector.Load(y + (2 * c)); a3 = TVector.Load(y + (3 * c));
            b0 = TVector.Load(y + group); b1 = TVector.Load(y + group + c); b2 = TVector.Load(y + group + (2 * c)); b3 = TVector.Load(y + group + (3 * c));
            if (four)
            {
                e0 = TVector.Load(y + (2 * group)); e1 = TVector.Load(y + (2 * group) + c); e2 = TVector.Load(y + (2 * group) + (2 * c)); e3 = TVector.Load(y + (2 * group) + (3 * c));
                f0 = TVector.Load(y + (3 * group)); f1 = TVector.Load(y + (3 * group) + c); f2 = TVector.Load(y + (3 * group) + (2 * c)); f3 = TVector.Load(y + (3 * group) + (3 * c));
            }
        }
        else if (bias != null)
        {
            a0 = a1 = a2 = a3 = TVector.Broadcast(bias[0]);
            b0 = b1 = b2 = b3 = TVector.Broadcast(bias[1]);
            if (four)
            {
                e0 = e1 = e2 = e3 = TVector.Broadcast(bias[2]);
                f0 = f1 = f2 = f3 = TVector.Broadcast(bias[3]);
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

        for (int i = 0; i < inputs; i++)
        {
            float* p = x + ((nint)i * group);
            TVector x0 = TVector.Load(p), x1 = TVector.Load(p + c), x2 = TVector.Load(p + (2 * c)), x3 = TVector.Load(p + (3 * c));
            TVector wa = TVector.Broadcast(w0[i]);
            a0 = TVector.MultiplyAdd(x0, wa, a0); a1 = TVector.MultiplyAdd(x1, wa, a1); a2 = TVector.MultiplyAdd(x2, wa, a2); a3 = TVector.MultiplyAdd(x3, wa, a3);
            TVector wb = TVector.Broadcast(w1[i]);
            b0 = TVector.MultiplyAdd(x0, wb, b0); b1 = TVector.MultiplyAdd(x1, wb, b1); b2 = TVector.MultiplyAdd(x2, wb, b2); b3 = TVector.MultiplyAdd(x3, wb, b3);
            if (four)
            {
                TVector we = TVector.Broadcast(w2[i]);
                e0 = TVector.MultiplyAdd(x0, we, e0); e1 = TVector.MultiplyAdd(x1, we, e1); e2 = TVector.MultiplyAdd(x2, we, e2); e3 = TVector.MultiplyAdd(x3, we, e3);
                TVector wf = TVector.Broadcast(w3[i]);
                f0 = TVector.MultiplyAdd(x0, wf, f0); f1 = TVector.MultiplyAdd(x1, wf, f1); f2 = TVector.MultiplyAdd(x2, wf, f2); f3 = TVector.MultiplyAdd(x3, wf, f3);
            }
        }

        TVector.Store(a0, y); TVector.Store(a1, y + c); TVector.Store(a2, y + (2 * c)); TVector.Store(a3, y + (3 * c));
        TVector.Store(b0, y + group); TVector.Store(b1, y + group + c); TVector.Store(b2, y + group + (2 * c)); TVector.Store(b3, y + group + (3 * c));
        if (four)
        {
            TVector.Store(e0, y + (2 * group)); TVector.Store(e1, y + (2 * group) + c); TVector.Store(e2, y + (2 * group) + (2 * c)); TVector.Store(e3, y + (2 * group) + (3 * c));
            TVector.Store(f0, y + (3 * group)); TVector.Store(f1, y + (3 * group) + c); TVector.Store(f2, y + (3 * group) + (2 * c)); TVector.Store(f3, y + (3 * group) + (3 * c));
        }
    }

    /// <summary>
    /// One block of the backward sweep with an input gradient, for a layer with shared spans: a group with one
    /// gets the span's input gradients from <see cref="SharedSpanInputGrad"/>, each output's weight gradients from
    /// the one-output sweep without input gradient, and the input gradients of its other connections from
    /// <see cref="InputGrad"/>; a group without one takes the one-output sweep.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void BackwardBlockWithSharedSpans(float* x, float* dx, int* inputs, float* w, float* gw, int* blockStarts, int* spans, int outputSize, int outputsPerSpan, float* dy)
    {
        int group = Group;
        for (int o0 = 0; o0 < outputSize; o0 += outputsPerSpan)
        {
            int count = Math.Min(outputsPerSpan, outputSize - o0);
            int* span = count < outputsPerSpan ? null : spans + ((o0 / outputsPerSpan) * (outputsPerSpan + 1));
            int length = span == null ? 0 : span[0];
            if (length > 0)
            {
                float* at = dx + ((nint)inputs[blockStarts[o0] + span[1]] * group);
                if (outputsPerSpan == 4)
                {
                    SharedSpanInputGrad<FourOutputs>(at, w, blockStarts + o0, span, dy + ((nint)o0 * group));
                }
                else
                {
                    SharedSpanInputGrad<TwoOutputs>(at, w, blockStarts + o0, span, dy + ((nint)o0 * group));
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
                // gradients of the connections outside the span.
                int before = k + span[1 + o - o0], after = before + length;
                BackwardRange(x, null, inputs, w, gw, k, end, dyRow);
                InputGrad(dx, inputs, w, k, before, dyRow);
                InputGrad(dx, inputs, w, after, end, dyRow);
            }
        }
    }

    /// <summary>
    /// The input gradients of a span shared by <typeparamref name="TOutputs"/> outputs (weights as in
    /// <see cref="SharedSpanForward"/>): the outputs' transposed gradients stay in registers, and each input's
    /// gradient row in <paramref name="dx"/> is read and written once for all of them instead of once per connection.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void SharedSpanInputGrad<TOutputs>(float* dx, float* w, int* starts, int* span, float* dy)
        where TOutputs : struct, IOutputsPerSpan
    {
        int c = TVector.Count, group = Group, inputs = span[0];
        bool four = TOutputs.Count == 4;
        float* w0 = w + starts[0] + span[1], w1 = w + starts[1] + span[2];
        float* w2 = four ? w + starts[2] + span[3] : null, w3 = four ? w + starts[3] + span[4] : null;
        TVector a0 = TVector.Load(dy), a1 = TVector.Load(dy + c), a2 = TVector.Load(dy + (2 * c)), a3 = TVector.Load(dy + (3 * c));
        TVector b0 = TVector.Load(dy + group), b1 = TVector.Load(dy + group + c), b2 = TVector.Load(dy + group + (2 * c)), b3 = TVector.Load(dy + group + (3 * c));
        TVector e0 = default, e1 = default, e2 = default, e3 = default, f0 = default, f1 = default, f2 = default, f3 = default;
        if (four)
        {
            e0 = TVector.Load(dy + (2 * group)); e1 = TVector.Load(dy + (2 * group) + c); e2 = TVector.Load(dy + (2 * group) + (2 * c)); e3 = TVector.Load(dy + (2 * group) + (3 * c));
            f0 = TVector.Load(dy + (3 * group)); f1 = TVector.Load(dy + (3 * group) + c); f2 = TVector.Load(dy + (3 * group) + (2 * c)); f3 = TVector.Load(dy + (3 * group) + (3 * c));
        }

        for (int i = 0; i < inputs; i++)
        {
            float* q = dx + ((nint)i * group);
            TVector wa = TVector.Broadcast(w0[i]), wb = TVector.Broadcast(w1[i]);
            TVector we = four ? TVector.Broadcast(w2[i]) : default, wf = four ? TVector.Broadcast(w3[i]) : default;
            TVector.Store(AddToRow<TOutputs>(TVector.Load(q), a0, wa, b0, wb, e0, we, f0, wf), q);
            TVector.Store(AddToRow<TOutputs>(TVector.Load(q + c), a1, wa, b1, wb, e1, we, f1, wf), q + c);
            TVector.Store(AddToRow<TOutputs>(TVector.Load(q + (2 * c)), a2, wa, b2, wb, e2, we, f2, wf), q + (2 * c));
            TVector.Store(AddToRow<TOutputs>(TVector.Load(q + (3 * c)), a3, wa, b3, wb, e3, we, f3, wf), q + (3 * c));
        }
    }

    /// <summary>
    /// <c>q + a·wa + b·wb</c>, then, for four outputs, <c>+ e·we + f·wf</c>: one vector of an input's gradient row,
    /// stored before the next is loaded, so that both copies compile to the loops of the two hand-written kernels
    /// they replace, instruction for instruction (checked with <c>DOTNET_JitDisasm</c> on AVX2 and AVX-512).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector AddToRow<TOutputs>(TVector q, TVector a, TVector wa, TVector b, TVector wb, TVector e, TVector we, TVector f, TVector wf)
        where TOutputs : struct, IOutputsPerSpan
    {
        TVector sum = TVector.MultiplyAdd(b, wb, TVector.MultiplyAdd(a, wa, q));
        return TOutputs.Count == 4 ? TVector.MultiplyAdd(f, wf, TVector.MultiplyAdd(e, we, sum)) : sum;
    }
}

/// <summary>How many outputs a register-blocked pass over a shared span takes, fixed when the kernel is compiled.</summary>
internal interface IOutputsPerSpan
{
    static abstract int Count { get; }
}

/// <summary>Four outputs: sixteen accumulators, for machines with 32 vector registers.</summary>
internal readonly struct FourOutputs : IOutputsPerSpan
{
    public static int Count => 4;
}

/// <summary>Two outputs: eight accumulators, for machines with 16 vector registers.</summary>
internal readonly struct TwoOutputs : IOutputsPerSpan
{
    public static int Count => 2;
}
