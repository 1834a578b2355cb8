using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace CustomizedLinear.CompilerServices.Simd;

/// <summary>
/// The few vector operations the batch kernels need, so one kernel serves every width. Each width is a
/// struct, so the JIT compiles a specialised copy of a generic kernel per width with every call inlined.
/// </summary>
internal interface IVector<TSelf>
    where TSelf : struct, IVector<TSelf>
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }

    static abstract TSelf Zero { get; }

    static abstract TSelf Broadcast(float value);

    static abstract unsafe TSelf Load(float* source);

    static abstract unsafe void Store(TSelf value, float* destination);

    /// <summary>
    /// <c>a * b + c</c>: one fused instruction where the machine has FMA, a multiply and an add where it does
    /// not (FusedMultiplyAdd would be emulated in software there, about ten times slower).
    /// </summary>
    static abstract TSelf MultiplyAdd(TSelf a, TSelf b, TSelf c);

    static abstract TSelf Multiply(TSelf a, TSelf b);

    static abstract TSelf Add(TSelf a, TSelf b);

    /// <summary><c>a / b</c>, correctly rounded in every lane (as the scalar division).</summary>
    static abstract TSelf Divide(TSelf a, TSelf b);

    /// <summary>The square root of each lane, correctly rounded (as <see cref="MathF.Sqrt"/>).</summary>
    static abstract TSelf SquareRoot(TSelf value);

    static abstract float Sum(TSelf value);

    /// <summary>
    /// <c>destination[j] += Sum(sums[j])</c> for <c>j &lt; Count</c>: one transposing reduction tree instead of
    /// <c>Count</c> separate horizontal sums.
    /// </summary>
    static abstract unsafe void AddLaneSums(ReadOnlySpan<TSelf> sums, float* destination);
}

/// <summary>Room for one vector per lane of the widest vector, on the stack.</summary>
[InlineArray(16)]
internal struct LaneVectors<T>
{
    private T _first;
}

internal readonly struct V512(Vector512<float> value) : IVector<V512>
{
    private readonly Vector512<float> _value = value;

    public static int Count => Vector512<float>.Count;

    public static V512 Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 Broadcast(float value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe V512 Load(float* source) => new(Vector512.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Store(V512 value, float* destination) => Vector512.Store(value._value, destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 MultiplyAdd(V512 a, V512 b, V512 c) => new(Vector512.MultiplyAddEstimate(a._value, b._value, c._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 Multiply(V512 a, V512 b) => new(a._value * b._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 Add(V512 a, V512 b) => new(a._value + b._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 Divide(V512 a, V512 b) => new(a._value / b._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 SquareRoot(V512 value) => new(Vector512.Sqrt(value._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(V512 value)
    {
        // Halving in registers: Vector512.Sum compiles to four 128-bit reductions here (about 25 instructions).
        Vector256<float> half = value._value.GetLower() + value._value.GetUpper();
        return Vector128.Sum(half.GetLower() + half.GetUpper());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void AddLaneSums(ReadOnlySpan<V512> sums, float* destination)
    {
        if (!Avx512F.IsSupported)
        {
            for (int j = 0; j < 16; j++)
            {
                destination[j] += Vector512.Sum(sums[j]._value);
            }

            return;
        }

        // 16 → 8 → 4 → 2 → 1; see the helpers for what each step leaves where.
        Vector512<float> v0 = Quarters(Halve(sums[0]._value, sums[1]._value), Halve(sums[2]._value, sums[3]._value));
        Vector512<float> v1 = Quarters(Halve(sums[4]._value, sums[5]._value), Halve(sums[6]._value, sums[7]._value));
        Vector512<float> v2 = Quarters(Halve(sums[8]._value, sums[9]._value), Halve(sums[10]._value, sums[11]._value));
        Vector512<float> v3 = Quarters(Halve(sums[12]._value, sums[13]._value), Halve(sums[14]._value, sums[15]._value));
        AddSingles(Pairs(v0, v1), Pairs(v2, v3), destination);
    }

    /// <summary>Two vectors' 128-bit quarters 0+2 and 1+3: the result holds eight partial sums of each, <paramref name="a"/>'s first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Halve(Vector512<float> a, Vector512<float> b) =>
        Avx512F.Shuffle4x128(a, b, 0x44) + Avx512F.Shuffle4x128(a, b, 0xEE);

    /// <summary>Two <see cref="Halve"/> results (vectors 4q .. 4q + 3) → quarter <c>j</c> holds four partial sums of vector <c>4q + j</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Quarters(Vector512<float> u0, Vector512<float> u1) =>
        Avx512F.Shuffle4x128(u0, u1, 0x88) + Avx512F.Shuffle4x128(u0, u1, 0xDD);

    /// <summary>Two <see cref="Quarters"/> results → two partial sums per vector inside each quarter.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Pairs(Vector512<float> v0, Vector512<float> v1) =>
        Avx512F.Shuffle(v0, v1, 0x44) + Avx512F.Shuffle(v0, v1, 0xEE);

    /// <summary>Two <see cref="Pairs"/> results (all sixteen vectors) → one sum per vector: lane <c>4q + t</c> holds vector <c>4t + q</c>'s.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Singles(Vector512<float> w0, Vector512<float> w1) =>
        Avx512F.Shuffle(w0, w1, 0x88) + Avx512F.Shuffle(w0, w1, 0xDD);

    /// <summary>
    /// Two <see cref="Pairs"/> results (all sixteen vectors) → one sum per vector, added into
    /// <paramref name="destination"/>[0..16). Before the final permute lane <c>4q + t</c> holds vector <c>4t + q</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void AddSingles(Vector512<float> w0, Vector512<float> w1, float* destination)
    {
        Vector512<float> r = Vector512.Shuffle(Singles(w0, w1), Vector512.Create(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15));
        Vector512.Store(Vector512.Load(destination) + r, destination);
    }
}

internal readonly struct V256(Vector256<float> value) : IVector<V256>
{
    private readonly Vector256<float> _value = value;

    public static int Count => Vector256<float>.Count;

    public static V256 Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 Broadcast(float value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe V256 Load(float* source) => new(Vector256.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Store(V256 value, float* destination) => Vector256.Store(value._value, destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 MultiplyAdd(V256 a, V256 b, V256 c) => new(Vector256.MultiplyAddEstimate(a._value, b._value, c._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 Multiply(V256 a, V256 b) => new(a._value * b._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 Add(V256 a, V256 b) => new(a._value + b._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 Divide(V256 a, V256 b) => new(a._value / b._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 SquareRoot(V256 value) => new(Vector256.Sqrt(value._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(V256 value) => Vector128.Sum(value._value.GetLower() + value._value.GetUpper());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void AddLaneSums(ReadOnlySpan<V256> sums, float* destination)
    {
        if (!Avx2.IsSupported)
        {
            for (int j = 0; j < 8; j++)
            {
                destination[j] += Vector256.Sum(sums[j]._value);
            }

            return;
        }

        // 8 → 4: 128-bit halves added; each result holds four partial sums of two vectors.
        Vector256<float> u0 = Avx.Permute2x128(sums[0]._value, sums[1]._value, 0x20) + Avx.Permute2x128(sums[0]._value, sums[1]._value, 0x31);
        Vector256<float> u1 = Avx.Permute2x128(sums[2]._value, sums[3]._value, 0x20) + Avx.Permute2x128(sums[2]._value, sums[3]._value, 0x31);
        Vector256<float> u2 = Avx.Permute2x128(sums[4]._value, sums[5]._value, 0x20) + Avx.Permute2x128(sums[4]._value, sums[5]._value, 0x31);
        Vector256<float> u3 = Avx.Permute2x128(sums[6]._value, sums[7]._value, 0x20) + Avx.Permute2x128(sums[6]._value, sums[7]._value, 0x31);

        // 4 → 2 → 1 inside each half; lane 4h + t ends up with the sum of vector 2t + h.
        Vector256<float> w0 = Avx.Shuffle(u0, u1, 0x44) + Avx.Shuffle(u0, u1, 0xEE);
        Vector256<float> w1 = Avx.Shuffle(u2, u3, 0x44) + Avx.Shuffle(u2, u3, 0xEE);
        Vector256<float> r = Avx.Shuffle(w0, w1, 0x88) + Avx.Shuffle(w0, w1, 0xDD);
        r = Avx2.PermuteVar8x32(r, Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7));
        Vector256.Store(Vector256.Load(destination) + r, destination);
    }
}

internal readonly struct V128(Vector128<float> value) : IVector<V128>
{
    private readonly Vector128<float> _value = value;

    public static int Count => Vector128<float>.Count;

    public static V128 Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 Broadcast(float value) => new(Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe V128 Load(float* source) => new(Vector128.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Store(V128 value, float* destination) => Vector128.Store(value._value, destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 MultiplyAdd(V128 a, V128 b, V128 c) => new(Vector128.MultiplyAddEstimate(a._value, b._value, c._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 Multiply(V128 a, V128 b) => new(a._value * b._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 Add(V128 a, V128 b) => new(a._value + b._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 Divide(V128 a, V128 b) => new(a._value / b._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 SquareRoot(V128 value) => new(Vector128.Sqrt(value._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(V128 value) => Vector128.Sum(value._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void AddLaneSums(ReadOnlySpan<V128> sums, float* destination)
    {
        if (AdvSimd.Arm64.IsSupported)
        {
            // NEON's pairwise adds: two levels give the four sums in one vector, each as (a0 + a1) + (a2 + a3),
            // the order of Vector128.Sum here, which Sum (the remainders) uses.
            Vector128<float> pairs = AdvSimd.Arm64.AddPairwise(
                AdvSimd.Arm64.AddPairwise(sums[0]._value, sums[1]._value), AdvSimd.Arm64.AddPairwise(sums[2]._value, sums[3]._value));
            Vector128.Store(Vector128.Load(destination) + pairs, destination);
            return;
        }

        if (!Sse.IsSupported)
        {
            for (int j = 0; j < 4; j++)
            {
                destination[j] += Vector128.Sum(sums[j]._value);
            }

            return;
        }

        Vector128<float> w0 = Sse.Shuffle(sums[0]._value, sums[1]._value, 0x44) + Sse.Shuffle(sums[0]._value, sums[1]._value, 0xEE);
        Vector128<float> w1 = Sse.Shuffle(sums[2]._value, sums[3]._value, 0x44) + Sse.Shuffle(sums[2]._value, sums[3]._value, 0xEE);
        Vector128<float> r = Sse.Shuffle(w0, w1, 0x88) + Sse.Shuffle(w0, w1, 0xDD);
        Vector128.Store(Vector128.Load(destination) + r, destination);
    }
}
