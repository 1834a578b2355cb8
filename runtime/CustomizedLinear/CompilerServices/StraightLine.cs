using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// The vector steps of a network's generated straight-line kernel, where one output's connections are summed
/// four at a time and four outputs are finished together.
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

    private static float Pairwise(Vector128<float> v) => (v.GetElement(0) + v.GetElement(1)) + (v.GetElement(2) + v.GetElement(3));
}
