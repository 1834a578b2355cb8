using System;
using System.ComponentModel;

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// Queries over a layer's connections given as index data in canonical order: the connections of output
/// <c>o</c> are <c>outputStarts[o] .. outputStarts[o + 1]</c>, and <c>connectionInputs[k]</c> is the input of
/// connection <c>k</c>, ascending within an output. That is also the order of the packed weights.
/// </summary>
/// <remarks>Called by generated code; not part of the public contract.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ConnectionMask
{
    /// <summary>Whether <paramref name="input"/> feeds <paramref name="output"/>; out-of-range indices throw.</summary>
    public static bool IsConnected(ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, int inputSize, int input, int output)
    {
        int outputSize = outputStarts.Length - 1;
        ArgumentOutOfRangeException.ThrowIfNegative(input);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(input, inputSize);
        ArgumentOutOfRangeException.ThrowIfNegative(output);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(output, outputSize);
        return Inputs(outputStarts, connectionInputs, output).BinarySearch(input) >= 0;
    }

    /// <summary>
    /// Packs a dense <c>[outputSize, inputSize]</c> weight into <paramref name="packed"/>. Checks everything
    /// before writing anything, so a rejected weight leaves the layer as it was.
    /// </summary>
    public static void LoadDense(ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, int inputSize, ReadOnlySpan<float> weight, Span<float> packed)
    {
        int outputSize = outputStarts.Length - 1;
        RequireDenseLength(inputSize, outputSize, weight.Length, nameof(weight));
        for (int output = 0; output < outputSize; output++)
        {
            ReadOnlySpan<float> row = weight.Slice(output * inputSize, inputSize);
            ReadOnlySpan<int> inputs = Inputs(outputStarts, connectionInputs, output);
            int next = 0;
            for (int input = 0; input < inputSize; input++)
            {
                if (next < inputs.Length && inputs[next] == input)
                {
                    next++;
                }
                else if (row[input] != 0f)
                {
                    // -0.0 == 0 holds, so PyTorch's W * mask (which exports -0.0) is accepted.
                    throw new ArgumentException(
                        $"weight[{output}, {input}] is {row[input]}, but input {input} is not connected to output {output}: an unconnected weight must be 0.",
                        nameof(weight));
                }
            }
        }

        for (int output = 0; output < outputSize; output++)
        {
            ReadOnlySpan<float> row = weight.Slice(output * inputSize, inputSize);
            for (int k = outputStarts[output]; k < outputStarts[output + 1]; k++)
            {
                packed[k] = row[connectionInputs[k]];
            }
        }
    }

    /// <summary>Writes the packed weights as a dense <c>[outputSize, inputSize]</c> matrix with zeros where unconnected.</summary>
    public static void CopyDense(ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, int inputSize, ReadOnlySpan<float> packed, Span<float> weight)
    {
        int outputSize = outputStarts.Length - 1;
        RequireDenseLength(inputSize, outputSize, weight.Length, nameof(weight));
        weight.Clear();
        for (int output = 0; output < outputSize; output++)
        {
            Span<float> row = weight.Slice(output * inputSize, inputSize);
            for (int k = outputStarts[output]; k < outputStarts[output + 1]; k++)
            {
                row[connectionInputs[k]] = packed[k];
            }
        }
    }

    private static ReadOnlySpan<int> Inputs(ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, int output) =>
        connectionInputs[outputStarts[output]..outputStarts[output + 1]];

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
