using System;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;

namespace CustomizedLinear;

/// <summary>An activation's forward math on one vector: <c>f(x)</c> in every lane.</summary>
internal interface IVectorFunction
{
    static abstract Vector<float> Invoke(Vector<float> x);
}

/// <summary>An activation's backward math on one vector: <c>outputGrad · f′(x)</c> in every lane.</summary>
internal interface IVectorGradient
{
    static abstract Vector<float> Invoke(Vector<float> x, Vector<float> outputGrad);
}

/// <summary>
/// The one loop behind the activations whose math is written on <see cref="Vector{T}"/> (the operator is a
/// struct type argument, so the JIT compiles one copy per activation with the math inlined). The last
/// <c>Length mod Vector&lt;float&gt;.Count</c> values go through a zero-padded vector as well, so a value's
/// result never depends on the span's length or on its position in the span (one sample gives the same as
/// the same sample inside a batch). Each vector is loaded before the same place is stored, so exactly
/// aliased spans work; the caller has checked the lengths and that nothing partially overlaps.
/// </summary>
internal static class ElementwiseLoop
{
    public static void Apply<TFunction>(ReadOnlySpan<float> input, Span<float> output)
        where TFunction : IVectorFunction
    {
        Debug.Assert(output.Length == input.Length);
        ref float x = ref MemoryMarshal.GetReference(input);
        ref float y = ref MemoryMarshal.GetReference(output);
        int width = Vector<float>.Count;
        int i = 0;
        for (; i <= input.Length - width; i += width)
        {
            Vector.StoreUnsafe(TFunction.Invoke(Vector.LoadUnsafe(ref x, (nuint)i)), ref y, (nuint)i);
        }

        if (i < input.Length)
        {
            Span<float> lanes = stackalloc float[width]; // zeroed: the padding lanes compute f(0), never stored
            input[i..].CopyTo(lanes);
            TFunction.Invoke(new Vector<float>(lanes)).CopyTo(lanes);
            lanes[..(input.Length - i)].CopyTo(output[i..]);
        }
    }

    public static void Apply<TGradient>(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad)
        where TGradient : IVectorGradient
    {
        Debug.Assert(outputGrad.Length == input.Length && inputGrad.Length == input.Length);
        ref float x = ref MemoryMarshal.GetReference(input);
        ref float g = ref MemoryMarshal.GetReference(outputGrad);
        ref float d = ref MemoryMarshal.GetReference(inputGrad);
        int width = Vector<float>.Count;
        int i = 0;
        for (; i <= input.Length - width; i += width)
        {
            Vector<float> result = TGradient.Invoke(Vector.LoadUnsafe(ref x, (nuint)i), Vector.LoadUnsafe(ref g, (nuint)i));
            Vector.StoreUnsafe(result, ref d, (nuint)i);
        }

        if (i < input.Length)
        {
            Span<float> xLanes = stackalloc float[width];
            Span<float> gLanes = stackalloc float[width];
            input[i..].CopyTo(xLanes);
            outputGrad[i..].CopyTo(gLanes);
            TGradient.Invoke(new Vector<float>(xLanes), new Vector<float>(gLanes)).CopyTo(xLanes);
            xLanes[..(input.Length - i)].CopyTo(inputGrad[i..]);
        }
    }
}
