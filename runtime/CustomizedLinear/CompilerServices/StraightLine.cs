using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// The vector steps of the generated straight-line kernels (a layer's per-sample forward pass, a network's
/// batch-1 pass), where one output's connections are summed four at a time and four outputs are finished together.
/// </summary>
/// <remarks>
/// Called by generated code; not part of the public contract. Every sum adds in one fixed pairwise order,
/// <c>(v0 + v1) + (v2 + v3)</c>, on every instruction set (SSE3 and AdvSimd have it as one instruction; the
/// fallback writes it out), so the sums have the same bits on every machine (and so has a network of layers and
/// ReLUs; Tanh, Sigmoid, Softplus and SiLU call <see cref="MathF"/>, whose last bit may depend on the platform).
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class StraightLine
{
    /// <summary><c>[Σ a, Σ b, Σ c, Σ d]</c>: the sums of four outputs' products in one vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sums(Vector128<float> a, Vector128<float> b, Vector128<float> c, Vector128<float> d)
    {
        if (Sse3.IsSupported)
        {
            return Sse3.HorizontalAdd(Sse3.HorizontalAdd(a, b), Sse3.HorizontalAdd(c, d));
        }

        if (AdvSimd.Arm64.IsSupported)
        {
            return AdvSimd.Arm64.AddPairwise(AdvSimd.Arm64.AddPairwise(a, b), AdvSimd.Arm64.AddPairwise(c, d));
        }

        return Vector128.Create(Pairwise(a), Pairwise(b), Pairwise(c), Pairwise(d));
    }

    /// <summary><c>Σ v</c>, in the same order as <see cref="Sums"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector128<float> v) => Sums(v, v, v, v).ToScalar();

    /// <summary>
    /// <c>max(v, 0)</c> per element, as <see cref="NetworkActivations.Relu"/>: NaN stays NaN and −0 becomes +0
    /// (<see cref="Vector128.Max{T}"/> is IEEE 754 <c>maximum</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Relu(Vector128<float> v) => Vector128.Max(v, Vector128<float>.Zero);

    /// <summary>
    /// <c>[s[a], s[b], s[c], s[d]]</c> with every index below 8, the generator's constants: a gather decided at build
    /// time, done as one 256-bit load and one permute (AVX2 <c>vpermps</c>, AdvSimd a two-register <c>tbl</c>)
    /// instead of four scalar loads and inserts. Reads <c>s[0] .. s[7]</c>, all of which the caller has.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Window8(ref float s, int a, int b, int c, int d)
    {
        if (Avx2.IsSupported)
        {
            return Avx2.PermuteVar8x32(Vector256.LoadUnsafe(ref s), Vector256.Create(a, b, c, d, a, b, c, d)).GetLower();
        }

        if (AdvSimd.Arm64.IsSupported)
        {
            return AdvSimd.Arm64.VectorTableLookup((Vector128.LoadUnsafe(ref s).AsByte(), Vector128.LoadUnsafe(ref s, 4).AsByte()), ByteIndices(a, b, c, d)).AsSingle();
        }

        return Pick(ref s, a, b, c, d);
    }

    /// <summary>
    /// As <see cref="Window8"/> with every index below 16: one 512-bit load and one <c>vpermps</c> on AVX-512, a
    /// four-register <c>tbl</c> on AdvSimd; four scalar loads elsewhere. Reads <c>s[0] .. s[15]</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Window16(ref float s, int a, int b, int c, int d)
    {
        if (Avx512F.IsSupported)
        {
            return Avx512F.PermuteVar16x32(Vector512.LoadUnsafe(ref s), Vector512.Create(a, b, c, d, a, b, c, d, a, b, c, d, a, b, c, d)).GetLower().GetLower();
        }

        if (AdvSimd.Arm64.IsSupported)
        {
            return AdvSimd.Arm64.VectorTableLookup(
                (Vector128.LoadUnsafe(ref s).AsByte(), Vector128.LoadUnsafe(ref s, 4).AsByte(), Vector128.LoadUnsafe(ref s, 8).AsByte(), Vector128.LoadUnsafe(ref s, 12).AsByte()),
                ByteIndices(a, b, c, d)).AsSingle();
        }

        return Pick(ref s, a, b, c, d);
    }

    /// <summary>
    /// A layer's inputs <c>s[0] .. s[count − 1]</c>, 16 &lt; <paramref name="count"/> ≤ 32, in two 512-bit registers
    /// (the first 16 and the last 16) for <see cref="Gather32"/>; empty where AVX-512 is not supported.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Inputs32 Load32(ref float s, int count) =>
        Avx512F.IsSupported ? new Inputs32(Vector512.LoadUnsafe(ref s), Vector512.LoadUnsafe(ref s, (nuint)(count - 16))) : default;

    /// <summary>
    /// <c>[s[a], s[b], s[c], s[d]]</c> from the registers <see cref="Load32"/> filled: one two-source permute
    /// (<c>vpermt2ps</c>) with constant indices and no load; four scalar loads where AVX-512 is not supported.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Gather32(Inputs32 t, Vector128<int> lanes, ref float s, int a, int b, int c, int d) =>
        Avx512F.IsSupported
            ? Avx512F.PermuteVar16x32x2(t.Low, lanes.ToVector256Unsafe().ToVector512Unsafe(), t.High).GetLower().GetLower()
            : Pick(ref s, a, b, c, d);

    /// <summary><c>[s[a], s[b], s[c], s[d]]</c> by four scalar loads: the fallback of the windows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Pick(ref float s, int a, int b, int c, int d) =>
        Vector128.Create(Unsafe.Add(ref s, a), Unsafe.Add(ref s, b), Unsafe.Add(ref s, c), Unsafe.Add(ref s, d));

    /// <summary>The byte lanes of float lanes <paramref name="a"/> .. <paramref name="d"/>, for <c>tbl</c>; constants after inlining.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> ByteIndices(int a, int b, int c, int d) => Vector128.Create(
        (byte)(4 * a), (byte)(4 * a + 1), (byte)(4 * a + 2), (byte)(4 * a + 3),
        (byte)(4 * b), (byte)(4 * b + 1), (byte)(4 * b + 2), (byte)(4 * b + 3),
        (byte)(4 * c), (byte)(4 * c + 1), (byte)(4 * c + 2), (byte)(4 * c + 3),
        (byte)(4 * d), (byte)(4 * d + 1), (byte)(4 * d + 2), (byte)(4 * d + 3));

    private static float Pairwise(Vector128<float> v) => (v.GetElement(0) + v.GetElement(1)) + (v.GetElement(2) + v.GetElement(3));
}

/// <summary>A layer's (at most 32) inputs in two 512-bit registers, for <see cref="StraightLine.Gather32"/>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Inputs32
{
    internal Inputs32(Vector512<float> low, Vector512<float> high)
    {
        Low = low;
        High = high;
    }

    internal readonly Vector512<float> Low;

    internal readonly Vector512<float> High;
}
