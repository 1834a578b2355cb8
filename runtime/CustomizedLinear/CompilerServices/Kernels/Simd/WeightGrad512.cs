using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CustomizedLinear.CompilerServices.Simd;

/// <summary>
/// Sixteen connections' weight gradients over a 64-sample group with AVX-512, reduced as they are computed
/// (the steps of <see cref="V512.AddLaneSums"/>, each pair of dot products halved at once), so at most eight
/// partial vectors are live and nothing goes through the stack as in the generic tree. Written on
/// <see cref="Vector512{T}"/> directly rather than on the generic kernel's helpers: through those, sixteen
/// inlined connections ran out of the JIT's inlining budget and became calls (backward 2.5× slower).
/// </summary>
internal static unsafe class WeightGrad512
{
    /// <summary>
    /// <c>gw[j] += Σ_samples dy · x[inputs[j]]</c> for <c>j &lt; 16</c> (rows of <paramref name="x"/> are 64 floats)
    /// and, when <paramref name="dx"/> is not null, <c>dx[inputs[j]] += w[j] · dy</c> for each connection.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add16(float* x, float* dx, int* inputs, float* w, float* gw, Vector512<float> d0, Vector512<float> d1, Vector512<float> d2, Vector512<float> d3)
    {
        Vector512<float> v0 = V512.Quarters(Pair(x, dx, inputs, w, 0, d0, d1, d2, d3), Pair(x, dx, inputs, w, 2, d0, d1, d2, d3));
        Vector512<float> v1 = V512.Quarters(Pair(x, dx, inputs, w, 4, d0, d1, d2, d3), Pair(x, dx, inputs, w, 6, d0, d1, d2, d3));
        Vector512<float> w0 = V512.Pairs(v0, v1);
        Vector512<float> v2 = V512.Quarters(Pair(x, dx, inputs, w, 8, d0, d1, d2, d3), Pair(x, dx, inputs, w, 10, d0, d1, d2, d3));
        Vector512<float> v3 = V512.Quarters(Pair(x, dx, inputs, w, 12, d0, d1, d2, d3), Pair(x, dx, inputs, w, 14, d0, d1, d2, d3));
        V512.AddSingles(w0, V512.Pairs(v2, v3), gw);
    }

    /// <summary>
    /// The weight gradients of four outputs' shared runs (<c>InputBlocks.Runs</c>: <paramref name="count"/> runs of
    /// five entries at <paramref name="runs"/>), the outputs' transposed gradients at <paramref name="dy"/> rows
    /// <paramref name="outs"/>[0..4): the sixteen gradient vectors stay in registers and each input's row is loaded
    /// once for the four outputs (the one-output sweep loads it once per output). Four inputs at a time, reduced as
    /// they are computed into sixteen sums, four consecutive ones per output, which land on consecutive weights.
    /// </summary>
    public static void RunsOfFour<TTiles>(float* x, int* inputs, float* gw, int* outs, int* runs, int count, float* dy)
        where TTiles : struct, ICount
    {
        float* pa = dy + ((nint)outs[0] * 64), pb = dy + ((nint)outs[1] * 64), pe = dy + ((nint)outs[2] * 64), pf = dy + ((nint)outs[3] * 64);
        Vector512<float> a0 = Vector512.Load(pa), a1 = Vector512.Load(pa + 16), a2 = Vector512.Load(pa + 32), a3 = Vector512.Load(pa + 48);
        Vector512<float> b0 = Vector512.Load(pb), b1 = Vector512.Load(pb + 16), b2 = Vector512.Load(pb + 32), b3 = Vector512.Load(pb + 48);
        Vector512<float> e0 = Vector512.Load(pe), e1 = Vector512.Load(pe + 16), e2 = Vector512.Load(pe + 32), e3 = Vector512.Load(pe + 48);
        Vector512<float> f0 = Vector512.Load(pf), f1 = Vector512.Load(pf + 16), f2 = Vector512.Load(pf + 32), f3 = Vector512.Load(pf + 48);
        for (int* run = runs, last = runs + (count * 5); run < last; run += 5)
        {
            int length = run[0];
            int* ins = inputs + run[1];
            float* ga = gw + run[1], gb = gw + run[2], ge = gw + run[3], gf = gw + run[4];
            int i = 0;
            for (; i + 4 <= length; i += 4)
            {
                Vector512<float> v0 = Input<TTiles>(x, ins[i], a0, a1, a2, a3, b0, b1, b2, b3, e0, e1, e2, e3, f0, f1, f2, f3);
                Vector512<float> v1 = Input<TTiles>(x, ins[i + 1], a0, a1, a2, a3, b0, b1, b2, b3, e0, e1, e2, e3, f0, f1, f2, f3);
                Vector512<float> p0 = V512.Pairs(v0, v1);
                Vector512<float> v2 = Input<TTiles>(x, ins[i + 2], a0, a1, a2, a3, b0, b1, b2, b3, e0, e1, e2, e3, f0, f1, f2, f3);
                Vector512<float> v3 = Input<TTiles>(x, ins[i + 3], a0, a1, a2, a3, b0, b1, b2, b3, e0, e1, e2, e3, f0, f1, f2, f3);
                // Lane 4j + t: output j's sum for input i + t (V512.Singles), so each output's four sums are in the order of its weights.
                Vector512<float> r = V512.Singles(p0, V512.Pairs(v2, v3));
                Vector128.Store(Vector128.Load(ga + i) + r.GetLower().GetLower(), ga + i);
                Vector128.Store(Vector128.Load(gb + i) + r.GetLower().GetUpper(), gb + i);
                Vector128.Store(Vector128.Load(ge + i) + r.GetUpper().GetLower(), ge + i);
                Vector128.Store(Vector128.Load(gf + i) + r.GetUpper().GetUpper(), gf + i);
            }

            // The last one to three inputs of the run: each input's quarters summed on their own.
            for (; i < length; i++)
            {
                Vector512<float> v = Input<TTiles>(x, ins[i], a0, a1, a2, a3, b0, b1, b2, b3, e0, e1, e2, e3, f0, f1, f2, f3);
                ga[i] += Vector128.Sum(v.GetLower().GetLower());
                gb[i] += Vector128.Sum(v.GetLower().GetUpper());
                ge[i] += Vector128.Sum(v.GetUpper().GetLower());
                gf[i] += Vector128.Sum(v.GetUpper().GetUpper());
            }
        }
    }

    /// <summary>One input's dot products with the four outputs' gradients: quarter <c>j</c> holds four partial sums of output <c>j</c>'s.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Input<TTiles>(
        float* x, int input, Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3, Vector512<float> b0, Vector512<float> b1, Vector512<float> b2, Vector512<float> b3,
        Vector512<float> e0, Vector512<float> e1, Vector512<float> e2, Vector512<float> e3, Vector512<float> f0, Vector512<float> f1, Vector512<float> f2, Vector512<float> f3)
        where TTiles : struct, ICount
    {
        float* p = x + ((nint)input * 64);
        Vector512<float> x0 = Vector512.Load(p), x1 = Vector512.Load(p + 16), x2 = Vector512.Load(p + 32);
        Vector512<float> a = Avx512F.FusedMultiplyAdd(a2, x2, Avx512F.FusedMultiplyAdd(a1, x1, a0 * x0));
        Vector512<float> b = Avx512F.FusedMultiplyAdd(b2, x2, Avx512F.FusedMultiplyAdd(b1, x1, b0 * x0));
        Vector512<float> e = Avx512F.FusedMultiplyAdd(e2, x2, Avx512F.FusedMultiplyAdd(e1, x1, e0 * x0));
        Vector512<float> f = Avx512F.FusedMultiplyAdd(f2, x2, Avx512F.FusedMultiplyAdd(f1, x1, f0 * x0));
        if (TTiles.Count == 4)
        {
            Vector512<float> x3 = Vector512.Load(p + 48);
            a = Avx512F.FusedMultiplyAdd(a3, x3, a);
            b = Avx512F.FusedMultiplyAdd(b3, x3, b);
            e = Avx512F.FusedMultiplyAdd(e3, x3, e);
            f = Avx512F.FusedMultiplyAdd(f3, x3, f);
        }

        return V512.Quarters(V512.Halve(a, b), V512.Halve(e, f));
    }

    /// <summary>Connections <paramref name="j"/> and <paramref name="j"/> + 1, their 128-bit quarters added pairwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Pair(float* x, float* dx, int* inputs, float* w, int j, Vector512<float> d0, Vector512<float> d1, Vector512<float> d2, Vector512<float> d3)
    {
        nint rowA = (nint)inputs[j] * 64, rowB = (nint)inputs[j + 1] * 64;
        if (dx != null)
        {
            AddScaled(dx + rowA, w[j], d0, d1, d2, d3);
            AddScaled(dx + rowB, w[j + 1], d0, d1, d2, d3);
        }

        Vector512<float> a = Dot(x + rowA, d0, d1, d2, d3);
        Vector512<float> b = Dot(x + rowB, d0, d1, d2, d3);
        return V512.Halve(a, b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScaled(float* q, float weight, Vector512<float> d0, Vector512<float> d1, Vector512<float> d2, Vector512<float> d3)
    {
        Vector512<float> wk = Vector512.Create(weight);
        Vector512.Store(Avx512F.FusedMultiplyAdd(d0, wk, Vector512.Load(q)), q);
        Vector512.Store(Avx512F.FusedMultiplyAdd(d1, wk, Vector512.Load(q + 16)), q + 16);
        Vector512.Store(Avx512F.FusedMultiplyAdd(d2, wk, Vector512.Load(q + 32)), q + 32);
        Vector512.Store(Avx512F.FusedMultiplyAdd(d3, wk, Vector512.Load(q + 48)), q + 48);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Dot(float* p, Vector512<float> d0, Vector512<float> d1, Vector512<float> d2, Vector512<float> d3) =>
        Avx512F.FusedMultiplyAdd(d1, Vector512.Load(p + 16), d0 * Vector512.Load(p)) + Avx512F.FusedMultiplyAdd(d3, Vector512.Load(p + 48), d2 * Vector512.Load(p + 32));
}
