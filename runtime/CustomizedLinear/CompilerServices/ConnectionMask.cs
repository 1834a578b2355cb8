using System;
using System.ComponentModel;

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// Queries over a layer's mask stored as bits in PyTorch weight order: bit <c>output × InputSize + input</c>,
/// least significant bit first. That is also the canonical order of the packed weights.
/// </summary>
/// <remarks>Called by generated code; not part of the public contract.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ConnectionMask
{
    /// <summary>Whether <paramref name="input"/> feeds <paramref name="output"/>; out-of-range indices throw.</summary>
    public static bool IsConnected(ReadOnlySpan<byte> bits, int inputSize, int outputSize, int input, int output)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(input);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(input, inputSize);
        ArgumentOutOfRangeException.ThrowIfNegative(output);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(output, outputSize);
        return IsSet(bits, output * inputSize + input);
    }

    /// <summary>
    /// Packs a dense <c>[outputSize, inputSize]</c> weight into <paramref name="packed"/>. Checks everything
    /// before writing anything, so a rejected weight leaves the layer as it was.
    /// </summary>
    public static void LoadDense(ReadOnlySpan<byte> bits, int inputSize, int outputSize, ReadOnlySpan<float> weight, Span<float> packed)
    {
        RequireDenseLength(inputSize, outputSize, weight.Length, nameof(weight));
        for (int index = 0; index < weight.Length; index++)
        {
            // -0.0 == 0 holds, so PyTorch's W * mask (which exports -0.0) is accepted.
            if (!IsSet(bits, index) && weight[index] != 0f)
            {
                int output = index / inputSize;
                int input = index % inputSize;
                throw new ArgumentException(
                    $"weight[{output}, {input}] is {weight[index]}, but input {input} is not connected to output {output}: an unconnected weight must be 0.",
                    nameof(weight));
            }
        }

        int k = 0;
        for (int index = 0; index < weight.Length; index++)
        {
            if (IsSet(bits, index))
            {
                packed[k++] = weight[index];
            }
        }
    }

    /// <summary>Writes the packed weights as a dense <c>[outputSize, inputSize]</c> matrix with zeros where unconnected.</summary>
    public static void CopyDense(ReadOnlySpan<byte> bits, int inputSize, int outputSize, ReadOnlySpan<float> packed, Span<float> weight)
    {
        RequireDenseLength(inputSize, outputSize, weight.Length, nameof(weight));
        int k = 0;
        for (int index = 0; index < weight.Length; index++)
        {
            weight[index] = IsSet(bits, index) ? packed[k++] : 0f;
        }
    }

    private static bool IsSet(ReadOnlySpan<byte> bits, int index) => ((bits[index >> 3] >> (index & 7)) & 1) != 0;

    private static void RequireDenseLength(int inputSize, int outputSize, int actual, string paramName)
    {
        long expected = (long)outputSize * inputSize;
        if (actual != expected)
        {
            throw new ArgumentException(
                $"{paramName} has {actual} values; expected OutputSize × InputSize = {outputSize} × {inputSize} = {expected} ([out, in] row-major, PyTorch's layout).",
                paramName);
        }
    }
}
