using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace CustomizedLinear;

/// <summary>
/// <c>nn.ReLU</c>: <c>f(x) = max(x, 0)</c>; the gradient is <c>outputGrad</c> where <c>x &gt; 0</c> and 0
/// elsewhere, 0 at <c>x == 0</c> included (PyTorch's <c>threshold_backward</c>, which also passes the gradient
/// through where <c>x</c> is NaN). The same math as <see cref="Activation.Relu"/> and
/// <see cref="Activation.ReluBackward"/>.
/// </summary>
public sealed class ReLU : IActivation
{
    /// <summary><c>output = max(input, 0)</c>, like <c>torch.relu</c> (NaN stays NaN).</summary>
    /// <param name="input">The pre-activation.</param>
    /// <param name="output">Receives the activation; the same length as <paramref name="input"/>, or the same memory.</param>
    /// <exception cref="ArgumentException">The lengths differ, or the spans partially overlap.</exception>
    public static void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        ActivationSpans.CheckForward(input, output, nameof(input), nameof(output));
        ForwardUnchecked(input, output);
    }

    /// <summary><c>inputGrad = input &gt; 0 ? outputGrad : 0</c> (0 at <c>input == 0</c>, like PyTorch).</summary>
    /// <param name="input">The forward pass's input.</param>
    /// <param name="outputGrad">The gradient with respect to the output.</param>
    /// <param name="inputGrad">Overwritten with the gradient with respect to <paramref name="input"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ, or two spans partially overlap.</exception>
    public static void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad)
    {
        ActivationSpans.CheckBackward(input, outputGrad, inputGrad, nameof(input));
        BackwardUnchecked(input, outputGrad, inputGrad);
    }

    /// <summary>The math, for spans already checked (also <see cref="Activation.Relu"/>'s).</summary>
    internal static void ForwardUnchecked(ReadOnlySpan<float> input, Span<float> output) =>
        TensorPrimitives.Max(input, 0f, output); // an exact maximum, whatever the vector width

    /// <summary>The math, for spans already checked (also <see cref="Activation.ReluBackward"/>'s).</summary>
    internal static void BackwardUnchecked(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad) =>
        ElementwiseLoop.Apply<Gradient>(input, outputGrad, inputGrad);

    /// <summary>
    /// PyTorch's threshold_backward, <c>x &lt;= 0 ? 0 : outputGrad</c>: a selection, no arithmetic, so exact; a
    /// NaN <c>x</c> is not <c>&lt;= 0</c> and passes its gradient through, as there.
    /// </summary>
    private readonly struct Gradient : IVectorGradient
    {
        public static Vector<float> Invoke(Vector<float> x, Vector<float> outputGrad) =>
            Vector.ConditionalSelect(Vector.LessThanOrEqual(x, Vector<float>.Zero), Vector<float>.Zero, outputGrad);
    }
}
