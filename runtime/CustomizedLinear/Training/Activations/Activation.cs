using System;

namespace CustomizedLinear;

/// <summary>
/// Element-wise activations and their backward passes. Every <c>*Backward</c> takes the forward
/// <em>input</em> <c>x</c> and overwrites <c>inputGrad</c> with <c>outputGrad · f′(x)</c>. Any of the spans
/// may be exactly the same memory (in place, e.g. <c>Relu(h, h)</c> or <c>ReluBackward(x, g, g)</c>);
/// a partial overlap throws <see cref="ArgumentException"/>, and so does a length mismatch.
/// </summary>
/// <remarks>
/// The same math as the activation types <see cref="ReLU"/>, <see cref="CustomizedLinear.Tanh"/> and
/// <see cref="CustomizedLinear.Sigmoid"/> (these methods call it), so both give bitwise the same results; only
/// the parameter names in the exceptions differ (<c>x</c> and <c>y</c> here, <c>input</c> and <c>output</c> there).
/// </remarks>
public static class Activation
{
    /// <summary><c>y = max(x, 0)</c>, like <c>torch.relu</c>.</summary>
    /// <param name="x">The input.</param>
    /// <param name="y">Receives the output; the same length as <paramref name="x"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ, or the spans partially overlap.</exception>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckForward(x, y);
        ReLU.ForwardUnchecked(x, y);
    }

    /// <summary><c>inputGrad = outputGrad · (x &gt; 0 ? 1 : 0)</c> (0 at <c>x == 0</c>, like PyTorch).</summary>
    /// <param name="x">The forward input.</param>
    /// <param name="outputGrad">The gradient with respect to the output.</param>
    /// <param name="inputGrad">Receives the gradient with respect to <paramref name="x"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ, or two spans partially overlap.</exception>
    public static void ReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> outputGrad, Span<float> inputGrad)
    {
        CheckBackward(x, outputGrad, inputGrad);
        ReLU.BackwardUnchecked(x, outputGrad, inputGrad);
    }

    /// <summary><c>y = tanh(x)</c>.</summary>
    /// <param name="x">The input.</param>
    /// <param name="y">Receives the output; the same length as <paramref name="x"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ, or the spans partially overlap.</exception>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckForward(x, y);
        global::CustomizedLinear.Tanh.ForwardUnchecked(x, y); // the method Tanh hides the type here
    }

    /// <summary><c>inputGrad = outputGrad · (1 − tanh(x)²)</c>.</summary>
    /// <param name="x">The forward input.</param>
    /// <param name="outputGrad">The gradient with respect to the output.</param>
    /// <param name="inputGrad">Receives the gradient with respect to <paramref name="x"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ, or two spans partially overlap.</exception>
    public static void TanhBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> outputGrad, Span<float> inputGrad)
    {
        CheckBackward(x, outputGrad, inputGrad);
        global::CustomizedLinear.Tanh.BackwardUnchecked(x, outputGrad, inputGrad);
    }

    /// <summary><c>y = σ(x) = 1 / (1 + exp(−x))</c>.</summary>
    /// <param name="x">The input.</param>
    /// <param name="y">Receives the output; the same length as <paramref name="x"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ, or the spans partially overlap.</exception>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckForward(x, y);
        global::CustomizedLinear.Sigmoid.ForwardUnchecked(x, y); // the method Sigmoid hides the type here
    }

    /// <summary><c>inputGrad = outputGrad · σ(x)(1 − σ(x))</c>.</summary>
    /// <param name="x">The forward input.</param>
    /// <param name="outputGrad">The gradient with respect to the output.</param>
    /// <param name="inputGrad">Receives the gradient with respect to <paramref name="x"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ, or two spans partially overlap.</exception>
    public static void SigmoidBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> outputGrad, Span<float> inputGrad)
    {
        CheckBackward(x, outputGrad, inputGrad);
        global::CustomizedLinear.Sigmoid.BackwardUnchecked(x, outputGrad, inputGrad);
    }

    private static void CheckForward(ReadOnlySpan<float> x, Span<float> y) =>
        ActivationSpans.CheckForward(x, y, nameof(x), nameof(y));

    private static void CheckBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> outputGrad, Span<float> inputGrad) =>
        ActivationSpans.CheckBackward(x, outputGrad, inputGrad, nameof(x));
}
