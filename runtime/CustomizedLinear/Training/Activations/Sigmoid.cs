using System;
using System.Numerics.Tensors;

namespace CustomizedLinear;

/// <summary>
/// <c>nn.Sigmoid</c>: <c>f(x) = σ(x) = 1 / (1 + exp(−x))</c>, <c>f′(x) = σ(x)(1 − σ(x))</c> computed from the
/// input. The same math as <see cref="Activation.Sigmoid"/> and <see cref="Activation.SigmoidBackward"/>.
/// </summary>
public sealed class Sigmoid : IActivation
{
    /// <summary><c>output = σ(input)</c>.</summary>
    /// <param name="input">The pre-activation.</param>
    /// <param name="output">Receives the activation; the same length as <paramref name="input"/>, or the same memory.</param>
    /// <exception cref="ArgumentException">The lengths differ, or the spans partially overlap.</exception>
    public static void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        ActivationSpans.CheckForward(input, output, nameof(input), nameof(output));
        ForwardUnchecked(input, output);
    }

    /// <summary><c>inputGrad = outputGrad · σ(input)(1 − σ(input))</c>.</summary>
    /// <param name="input">The forward pass's input.</param>
    /// <param name="outputGrad">The gradient with respect to the output.</param>
    /// <param name="inputGrad">Overwritten with the gradient with respect to <paramref name="input"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ, or two spans partially overlap.</exception>
    public static void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad)
    {
        ActivationSpans.CheckBackward(input, outputGrad, inputGrad, nameof(input));
        BackwardUnchecked(input, outputGrad, inputGrad);
    }

    /// <summary>The math, for spans already checked (also <see cref="Activation.Sigmoid"/>'s).</summary>
    internal static void ForwardUnchecked(ReadOnlySpan<float> input, Span<float> output)
    {
        if (!input.IsEmpty) // TensorPrimitives.Sigmoid rejects empty spans
        {
            TensorPrimitives.Sigmoid(input, output);
        }
    }

    /// <summary>The math, for spans already checked (also <see cref="Activation.SigmoidBackward"/>'s).</summary>
    internal static void BackwardUnchecked(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad)
    {
        Span<float> buffer = stackalloc float[ActivationSpans.BlockSize];
        for (int start = 0; start < input.Length; start += ActivationSpans.BlockSize)
        {
            int count = Math.Min(ActivationSpans.BlockSize, input.Length - start);
            Span<float> s = buffer[..count];
            Span<float> destination = inputGrad.Slice(start, count);
            TensorPrimitives.Sigmoid(input.Slice(start, count), s);          // input of this block is consumed here
            TensorPrimitives.Multiply(outputGrad.Slice(start, count), s, destination);
            TensorPrimitives.Subtract(1f, s, s);
            TensorPrimitives.Multiply(destination, s, destination);
        }
    }
}
