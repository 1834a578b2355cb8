using System;
using System.Numerics.Tensors;

namespace CustomizedLinear;

/// <summary>
/// Element-wise activations and their backward passes. Every <c>*Backward</c> takes the forward
/// <em>input</em> <c>x</c> and overwrites <c>inputGrad</c> with <c>outputGrad · f′(x)</c>. Any of the spans
/// may be exactly the same memory (in place, e.g. <c>Relu(h, h)</c> or <c>ReluBackward(x, g, g)</c>);
/// a partial overlap throws <see cref="ArgumentException"/>, and so does a length mismatch.
/// </summary>
public static class Activation
{
    /// <summary><c>y = max(x, 0)</c>, like <c>torch.relu</c>.</summary>
    /// <param name="x">The input.</param>
    /// <param name="y">Receives the output; the same length as <paramref name="x"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ, or the spans partially overlap.</exception>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckForward(x, y);
        TensorPrimitives.Max(x, 0f, y);
    }

    /// <summary><c>inputGrad = outputGrad · (x &gt; 0 ? 1 : 0)</c> (0 at <c>x == 0</c>, like PyTorch).</summary>
    /// <param name="x">The forward input.</param>
    /// <param name="outputGrad">The gradient with respect to the output.</param>
    /// <param name="inputGrad">Receives the gradient with respect to <paramref name="x"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ, or two spans partially overlap.</exception>
    public static void ReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> outputGrad, Span<float> inputGrad)
    {
        CheckBackward(x, outputGrad, inputGrad);

        // Each element is read before it is written, so exact aliasing is fine. Written as PyTorch's
        // threshold_backward (x <= 0 ? 0 : grad), so a NaN input passes its gradient through as there.
        for (int i = 0; i < x.Length; i++)
        {
            inputGrad[i] = x[i] <= 0f ? 0f : outputGrad[i];
        }
    }

    /// <summary><c>y = tanh(x)</c>.</summary>
    /// <param name="x">The input.</param>
    /// <param name="y">Receives the output; the same length as <paramref name="x"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ, or the spans partially overlap.</exception>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckForward(x, y);
        TensorPrimitives.Tanh(x, y);
    }

    /// <summary><c>inputGrad = outputGrad · (1 − tanh(x)²)</c>.</summary>
    /// <param name="x">The forward input.</param>
    /// <param name="outputGrad">The gradient with respect to the output.</param>
    /// <param name="inputGrad">Receives the gradient with respect to <paramref name="x"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ, or two spans partially overlap.</exception>
    public static void TanhBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> outputGrad, Span<float> inputGrad)
    {
        CheckBackward(x, outputGrad, inputGrad);
        Span<float> buffer = stackalloc float[ActivationSpans.BlockSize];
        for (int start = 0; start < x.Length; start += ActivationSpans.BlockSize)
        {
            int count = Math.Min(ActivationSpans.BlockSize, x.Length - start);
            Span<float> derivative = buffer[..count];
            TensorPrimitives.Tanh(x.Slice(start, count), derivative);
            TensorPrimitives.Multiply(derivative, derivative, derivative);
            TensorPrimitives.Subtract(1f, derivative, derivative);
            TensorPrimitives.Multiply(outputGrad.Slice(start, count), derivative, inputGrad.Slice(start, count));
        }
    }

    /// <summary><c>y = σ(x) = 1 / (1 + exp(−x))</c>.</summary>
    /// <param name="x">The input.</param>
    /// <param name="y">Receives the output; the same length as <paramref name="x"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ, or the spans partially overlap.</exception>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckForward(x, y);
        if (!x.IsEmpty) // TensorPrimitives.Sigmoid rejects empty spans
        {
            TensorPrimitives.Sigmoid(x, y);
        }
    }

    /// <summary><c>inputGrad = outputGrad · σ(x)(1 − σ(x))</c>.</summary>
    /// <param name="x">The forward input.</param>
    /// <param name="outputGrad">The gradient with respect to the output.</param>
    /// <param name="inputGrad">Receives the gradient with respect to <paramref name="x"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ, or two spans partially overlap.</exception>
    public static void SigmoidBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> outputGrad, Span<float> inputGrad)
    {
        CheckBackward(x, outputGrad, inputGrad);
        Span<float> buffer = stackalloc float[ActivationSpans.BlockSize];
        for (int start = 0; start < x.Length; start += ActivationSpans.BlockSize)
        {
            int count = Math.Min(ActivationSpans.BlockSize, x.Length - start);
            Span<float> s = buffer[..count];
            Span<float> destination = inputGrad.Slice(start, count);
            TensorPrimitives.Sigmoid(x.Slice(start, count), s);          // x of this block is consumed here
            TensorPrimitives.Multiply(outputGrad.Slice(start, count), s, destination);
            TensorPrimitives.Subtract(1f, s, s);
            TensorPrimitives.Multiply(destination, s, destination);
        }
    }

    private static void CheckForward(ReadOnlySpan<float> x, Span<float> y) =>
        ActivationSpans.CheckForward(x, y, nameof(x), nameof(y));

    private static void CheckBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> outputGrad, Span<float> inputGrad) =>
        ActivationSpans.CheckBackward(x, outputGrad, inputGrad, nameof(x));
}
