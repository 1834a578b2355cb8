using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CustomizedLinear.CompilerServices.Simd;

/// <summary>
/// Sixteen connections' weight gradients over a 64-sample group with AVX-512, reduced as they are computed:
/// each pair of dot products is halved at once, so at most eight partial vectors are live and nothing goes
/// through the stack (the generic kernel stores sixteen vectors and reloads them for its tree).
/// </summary>
internal static unsafe class WeightGrad512
{
    /// <summary><c>gw[k + j] += Σ_samples dy · x[inputs[k + j]]</c> for <c>j &lt; 16</c>; rows of <paramref name="x"/> are 64 floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add16(float* x, int* inputs, float* gw, Vector512<float> d0, Vector512<float> d1, Vector512<float> d2, Vector512<float> d3) =>
        Add16(x, null, inputs, null, gw, d0, d1, d2, d3);

    /// <summary>
    /// <see cref="Add16(float*, int*, float*, Vector512{float}, Vector512{float}, Vector512{float}, Vector512{float})"/>,
    /// and, when <paramref name="dx"/> is not null, <c>dx[inputs[k + j]] += w[k + j] · dy</c> for each connection.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add16(float* x, float* dx, int* inputs, float* w, float* gw, Vector512<float> d0, Vector512<float> d1, Vector512<float> d2, Vector512<float> d3)
    {
        Vector512<float> u0 = Pair(x, dx, inputs, w, 0, d0, d1, d2, d3), u1 = Pair(x, dx, inputs, w, 2, d0, d1, d2, d3);
        Vector512<float> v0 = Avx512F.Shuffle4x128(u0, u1, 0x88) + Avx512F.Shuffle4x128(u0, u1, 0xDD);
        Vector512<float> u2 = Pair(x, dx, inputs, w, 4, d0, d1, d2, d3), u3 = Pair(x, dx, inputs, w, 6, d0, d1, d2, d3);
        Vector512<float> v1 = Avx512F.Shuffle4x128(u2, u3, 0x88) + Avx512F.Shuffle4x128(u2, u3, 0xDD);
        Vector512<float> w0 = Avx512F.Shuffle(v0, v1, 0x44) + Avx512F.Shuffle(v0, v1, 0xEE);

        Vector512<float> u4 = Pair(x, dx, inputs, w, 8, d0, d1, d2, d3), u5 = Pair(x, dx, inputs, w, 10, d0, d1, d2, d3);
        Vector512<float> v2 = Avx512F.Shuffle4x128(u4, u5, 0x88) + Avx512F.Shuffle4x128(u4, u5, 0xDD);
        Vector512<float> u6 = Pair(x, dx, inputs, w, 12, d0, d1, d2, d3), u7 = Pair(x, dx, inputs, w, 14, d0, d1, d2, d3);
        Vector512<float> v3 = Avx512F.Shuffle4x128(u6, u7, 0x88) + Avx512F.Shuffle4x128(u6, u7, 0xDD);
        Vector512<float> w1 = Avx512F.Shuffle(v2, v3, 0x44) + Avx512F.Shuffle(v2, v3, 0xEE);

        // The same tree as V512.AddLaneSums: lane 4q + t holds connection 4t + q until the final permute.
        Vector512<float> r = Avx512F.Shuffle(w0, w1, 0x88) + Avx512F.Shuffle(w0, w1, 0xDD);
        r = Vector512.Shuffle(r, Vector512.Create(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15));
        Vector512.Store(Vector512.Load(gw) + r, gw);
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
        return Avx512F.Shuffle4x128(a, b, 0x44) + Avx512F.Shuffle4x128(a, b, 0xEE);
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
