using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// Argument checks shared by every generated layer and network, so that each one reports wrong span lengths
/// the same way: exactly <see cref="ArgumentException"/>, naming the span and the expected length.
/// </summary>
/// <remarks>Called by generated code; not part of the public contract.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SpanShapes
{
    /// <summary>Checks the spans of <c>Forward</c> and returns the batch size.</summary>
    public static int ForwardBatch(int inputSize, int outputSize, ReadOnlySpan<float> input, Span<float> output)
    {
        int batch = BatchOf(inputSize, input.Length);
        RequireRows(output.Length, batch, outputSize, "output", "OutputSize");
        if (batch != 0 && output.Overlaps(input))
        {
            ThrowOverlap("output must not overlap input: Forward reads input while it writes output.", nameof(output));
        }

        return batch;
    }

    /// <summary>
    /// Checks the spans of <c>Backward</c> and returns the batch size. <paramref name="inputGrad"/>
    /// may be empty to skip the input gradient.
    /// </summary>
    public static int BackwardBatch(int inputSize, int outputSize, ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad)
    {
        int batch = BatchOf(inputSize, input.Length);
        RequireRows(outputGrad.Length, batch, outputSize, "outputGrad", "OutputSize");
        if (!inputGrad.IsEmpty)
        {
            RequireRows(inputGrad.Length, batch, inputSize, "inputGrad", "InputSize");
            if (inputGrad.Overlaps(input) || inputGrad.Overlaps(outputGrad))
            {
                ThrowOverlap("inputGrad must not overlap input or outputGrad: Backward reads them while it writes inputGrad.", nameof(inputGrad));
            }
        }

        return batch;
    }

    /// <summary>
    /// Checks the spans of a network's <c>Backward</c>, which takes no input (the network kept its activations from
    /// <c>ForwardTraining</c>), and returns the batch of that call. <paramref name="trainingBatch"/> is the batch
    /// the network saved, negative before the first <c>ForwardTraining</c>. <paramref name="inputGrad"/> may be
    /// empty to skip the input gradient.
    /// </summary>
    /// <exception cref="InvalidOperationException">No <c>ForwardTraining</c> has run.</exception>
    /// <exception cref="ArgumentException">A span does not have that batch's length, or <paramref name="inputGrad"/> overlaps <paramref name="outputGrad"/>.</exception>
    public static int NetworkBackwardBatch(int trainingBatch, int inputSize, int outputSize, ReadOnlySpan<float> outputGrad, Span<float> inputGrad)
    {
        if (trainingBatch < 0)
        {
            ThrowNoForwardTraining();
        }

        RequireTrainingRows(outputGrad.Length, trainingBatch, outputSize, "outputGrad", "OutputSize");
        if (!inputGrad.IsEmpty)
        {
            RequireTrainingRows(inputGrad.Length, trainingBatch, inputSize, "inputGrad", "InputSize");
            if (inputGrad.Overlaps(outputGrad))
            {
                ThrowOverlap("inputGrad must not overlap outputGrad: Backward reads it while it writes inputGrad.", nameof(inputGrad));
            }
        }

        return trainingBatch;
    }

    private static int BatchOf(int inputSize, int inputLength)
    {
        if (inputLength % inputSize != 0)
        {
            ThrowNotRows(inputLength, inputSize);
        }

        return inputLength / inputSize;
    }

    private static void RequireRows(int actual, int batch, int rowLength, string paramName, string rowName)
    {
        // In long: batch × rowLength can exceed int for a large batch of a wide layer.
        long expected = (long)batch * rowLength;
        if (actual != expected)
        {
            ThrowWrongRows(actual, batch, rowLength, paramName, rowName, expected);
        }
    }

    private static void RequireTrainingRows(int actual, int batch, int rowLength, string paramName, string rowName)
    {
        long expected = (long)batch * rowLength;
        if (actual != expected)
        {
            ThrowWrongTrainingRows(actual, batch, rowLength, paramName, rowName, expected);
        }
    }

    // The throws live in methods of their own: inlined, their message formatting used up the JIT's inlining
    // budget of a caller's Forward, and the seed layer's batch-1 call took 9 ns instead of 4.
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNotRows(int inputLength, int inputSize) =>
        throw new ArgumentException(
            $"input has {inputLength} values; expected a multiple of InputSize ({inputSize}): [batch, {inputSize}] row-major.",
            "input");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowWrongRows(int actual, int batch, int rowLength, string paramName, string rowName, long expected) =>
        throw new ArgumentException(
            $"{paramName} has {actual} values; expected batch × {rowName} = {batch} × {rowLength} = {expected}.",
            paramName);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowOverlap(string message, string paramName) => throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNoForwardTraining() =>
        throw new InvalidOperationException("Backward needs the saved activations of a ForwardTraining call; call ForwardTraining first.");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowWrongTrainingRows(int actual, int batch, int rowLength, string paramName, string rowName, long expected) =>
        throw new ArgumentException(
            $"{paramName} has {actual} values; expected batch × {rowName} = {batch} × {rowLength} = {expected} for the batch of the last ForwardTraining.",
            paramName);
}
