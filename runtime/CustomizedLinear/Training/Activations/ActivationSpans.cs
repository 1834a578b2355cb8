using System;

namespace CustomizedLinear;

/// <summary>
/// The span checks of the activations, under the caller's parameter names: the activation types' are
/// <c>input</c> and <c>output</c>, <see cref="Activation"/>'s <c>x</c> and <c>y</c>.
/// </summary>
internal static class ActivationSpans
{
    /// <summary>
    /// Compositions of <c>TensorPrimitives</c> calls go through this many values at a time in a stack scratch,
    /// so that exactly aliased spans are read (block by block) before they are written.
    /// </summary>
    public const int BlockSize = 256;

    public static void CheckForward(ReadOnlySpan<float> input, Span<float> output, string inputName, string outputName)
    {
        RequireSameLength(input, output, inputName, outputName);
        CheckNoPartialOverlap(input, output, outputName);
    }

    public static void CheckBackward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, string inputName)
    {
        RequireSameLength(input, outputGrad, inputName, nameof(outputGrad));
        RequireSameLength(input, inputGrad, inputName, nameof(inputGrad));
        CheckNoPartialOverlap(input, outputGrad, nameof(outputGrad));
        CheckNoPartialOverlap(input, inputGrad, nameof(inputGrad));
        CheckNoPartialOverlap(outputGrad, inputGrad, nameof(inputGrad));
    }

    private static void RequireSameLength(ReadOnlySpan<float> input, ReadOnlySpan<float> other, string inputName, string paramName)
    {
        if (other.Length != input.Length)
        {
            throw new ArgumentException($"{paramName} has {other.Length} values; expected {inputName}.Length = {input.Length}.", paramName);
        }
    }

    private static void CheckNoPartialOverlap(ReadOnlySpan<float> first, ReadOnlySpan<float> second, string paramName)
    {
        if (first.Overlaps(second, out int offset) && offset != 0)
        {
            throw new ArgumentException(
                $"{paramName} partially overlaps another span (offset {offset}); spans may be exactly the same memory or separate memory.",
                paramName);
        }
    }
}
