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
