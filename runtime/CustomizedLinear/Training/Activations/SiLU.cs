using System;
using System.Numerics;

namespace CustomizedLinear;

/// <summary>
/// <c>nn.SiLU</c> (swish): <c>f(x) = x · σ(x)</c>, computed as PyTorch does as <c>x / (1 + exp(−x))</c>;
/// <c>f′(x) = σ(x) · (1 + x · (1 − σ(x)))</c>. Finite for every finite input: below about −88 exp(−x) overflows
/// to ∞ and both are −0 or 0 (the true values are below 1e-36 in size), as PyTorch's formulas give; NaN stays NaN.
/// </summary>
public sealed class SiLU : IActivation
{
    /// <summary><c>output = input · σ(input)</c>.</summary>
    /// <param name="input">The pre-activation.</param>
    /// <param name="output">Receives the activation; the same length as <paramref name="input"/>, or the same memory.</param>
    /// <exception cref="ArgumentException">The lengths differ, or the spans partially overlap.</exception>
    public static void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        ActivationSpans.CheckForward(input, output, nameof(input), nameof(output));
        ForwardUnchecked(input, output);
    }

    /// <summary><c>inputGrad = outputGrad · σ(input) · (1 + input · (1 − σ(input)))</c>.</summary>
    /// <param name="input">The forward pass's input.</param>
    /// <param name="outputGrad">The gradient with respect to the output.</param>
    /// <param name="inputGrad">Overwritten with the gradient with respect to <paramref name="input"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ, or two spans partially overlap.</exception>
    public static void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad)
    {
        ActivationSpans.CheckBackward(input, outputGrad, inputGrad, nameof(input));
        BackwardUnchecked(input, outputGrad, inputGrad);
    }

    /// <summary>The math, for spans already checked (also the fused activation of a network's layer).</summary>
    internal static void ForwardUnchecked(ReadOnlySpan<float> input, Span<float> output) =>
        ElementwiseLoop.Apply<Function>(input, output);

    /// <summary>The math, for spans already checked (also a network's backward pass).</summary>
    internal static void BackwardUnchecked(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad) =>
        ElementwiseLoop.Apply<Gradient>(input, outputGrad, inputGrad);

    private readonly struct Function : IVectorFunction
    {
        public static Vector<float> Invoke(Vector<float> x) => x / (Vector<float>.One + Vector.Exp(-x));
    }

    private readonly struct Gradient : IVectorGradient
    {
        public static Vector<float> Invoke(Vector<float> x, Vector<float> outputGrad)
        {
            // PyTorch's silu_backward, in its order.
            Vector<float> sigmoid = Vector<float>.One / (Vector<float>.One + Vector.Exp(-x));
            return outputGrad * sigmoid * (Vector<float>.One + x * (Vector<float>.One - sigmoid));
        }
    }
}
