using System;
using System.Numerics;

namespace CustomizedLinear;

/// <summary>
/// <c>nn.Softplus()</c> (beta 1, threshold 20): <c>f(x) = log(1 + exp(x))</c> for <c>x ≤ 20</c> and <c>x</c>
/// above, as PyTorch does; <c>f′(x) = σ(x) = exp(x) / (exp(x) + 1)</c> for <c>x ≤ 20</c> and 1 above. Finite
/// for every finite input (exp(x) overflows above 88, but only its values at or below 20 are used); NaN stays
/// NaN.
/// </summary>
public sealed class Softplus : IActivation
{
    /// <summary>Above this input, PyTorch's <c>nn.Softplus()</c> returns the input (and a gradient of 1).</summary>
    private const float Threshold = 20f;

    /// <summary><c>output = input &gt; 20 ? input : log(1 + exp(input))</c>.</summary>
    /// <param name="input">The pre-activation.</param>
    /// <param name="output">Receives the activation; the same length as <paramref name="input"/>, or the same memory.</param>
    /// <exception cref="ArgumentException">The lengths differ, or the spans partially overlap.</exception>
    public static void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        ActivationSpans.CheckForward(input, output, nameof(input), nameof(output));
        ForwardUnchecked(input, output);
    }

    /// <summary><c>inputGrad = input &gt; 20 ? outputGrad : outputGrad · σ(input)</c>.</summary>
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
        public static Vector<float> Invoke(Vector<float> x)
        {
            // log1p(e), accurate where e is tiny too (x far below 0, where softplus(x) ≈ e): w = 1 + e rounds,
            // and log(w) · e / (w − 1) divides that rounding back out; where w rounds to 1, log1p(e) is e.
            // Above 88 e is ∞ and this NaN, but those lanes take x.
            Vector<float> e = Vector.Exp(x);
            Vector<float> w = e + Vector<float>.One;
            Vector<float> wMinusOne = w - Vector<float>.One;
            Vector<float> log1P = Vector.ConditionalSelect(
                Vector.Equals(wMinusOne, Vector<float>.Zero), e, Vector.Log(w) * (e / wMinusOne));
            return Vector.ConditionalSelect(Vector.GreaterThan(x, new Vector<float>(Threshold)), x, log1P);
        }
    }

    private readonly struct Gradient : IVectorGradient
    {
        public static Vector<float> Invoke(Vector<float> x, Vector<float> outputGrad)
        {
            // PyTorch's softplus_backward: z = exp(x), outputGrad · z / (z + 1) (∞ / ∞ above 88, not taken).
            Vector<float> e = Vector.Exp(x);
            return Vector.ConditionalSelect(Vector.GreaterThan(x, new Vector<float>(Threshold)), outputGrad, outputGrad * e / (e + Vector<float>.One));
        }
    }
}
