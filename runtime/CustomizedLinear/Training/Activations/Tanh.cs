using System;
using System.Numerics.Tensors;

namespace CustomizedLinear;

/// <summary>
/// <c>nn.Tanh</c>: <c>f(x) = tanh(x)</c>, <c>f′(x) = 1 − tanh(x)²</c>. The same math as
/// <see cref="Activation.Tanh"/> and <see cref="Activation.TanhBackward"/>.
/// </summary>
public sealed class Tanh : IActivation
{
    /// <summary><c>output = tanh(input)</c>.</summary>
    /// <param name="input">The pre-activation.</param>
    /// <param name="output">Receives the activation; the same length as <paramref name="input"/>, or the same memory.</param>
    /// <exception cref="ArgumentException">The lengths differ, or the spans partially overlap.</exception>
    public static void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        ActivationSpans.CheckForward(input, output, nameof(input), nameof(output));
        ForwardUnchecked(input, output);
    }

    /// <summary><c>inputGrad = outputGrad · (1 − tanh(input)²)</c>.</summary>
    /// <param name="input">The forward pass's input.</param>
    /// <param name="outputGrad">The gradient with respect to the output.</param>
    /// <param name="inputGrad">Overwritten with the gradient with respect to <paramref name="input"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ, or two spans partially overlap.</exception>
    public static void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad)
    {
        ActivationSpans.CheckBackward(input, outputGrad, inputGrad, nameof(input));
        BackwardUnchecked(input, outputGrad, inputGrad);
    }

    /// <summary>The math, for spans already checked (also <see cref="Activation.Tanh"/>'s).</summary>
    internal static void ForwardUnchecked(ReadOnlySpan<float> input, Span<float> output) =>
        TensorPrimitives.Tanh(input, output);

    /// <summary>The math, for spans already checked (also <see cref="Activation.TanhBackward"/>'s).</summary>
    internal static void BackwardUnchecked(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad)
    {
        Span<float> buffer = stackalloc float[ActivationSpans.BlockSize];
        for (int start = 0; start < input.Length; start += ActivationSpans.BlockSize)
        {
            int count = Math.Min(ActivationSpans.BlockSize, input.Length - start);
            Span<float> derivative = buffer[..count];
            TensorPrimitives.Tanh(input.Slice(start, count), derivative);
            TensorPrimitives.Multiply(derivative, derivative, derivative);
            TensorPrimitives.Subtract(1f, derivative, derivative);
            TensorPrimitives.Multiply(outputGrad.Slice(start, count), derivative, inputGrad.Slice(start, count));
        }
    }
}
