using System;

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// A layer's connections in input-major order, for the backward pass of a layer without shared runs: the outputs
/// cut into blocks of a given size (so that a block's transposed output-gradient rows stay in cache), and
/// within a block the connections input by input, outputs ascending. Entry <c>j</c> is connection
/// <c>Connections[j]</c> (in the layer's packed order) from input <c>i</c> to output <c>Outputs[j]</c>; block
/// <c>b</c> of input <c>i</c> is <c>Starts[b * inputSize + i] .. Starts[b * inputSize + i + 1]</c>, so a block's
/// entries, and all of them, are one contiguous range.
/// </summary>
internal sealed class InputMajorBlocks
{
    private InputMajorBlocks(int blockCount, int[] starts, int[] outputs, int[] connections)
    {
        BlockCount = blockCount;
        Starts = starts;
        Outputs = outputs;
        Connections = connections;
    }

    public int BlockCount { get; }

    public int[] Starts { get; }

    public int[] Outputs { get; }

    public int[] Connections { get; }

    public static InputMajorBlocks Build(ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, int inputSize, int blockSize)
    {
        int outputs = outputStarts.Length - 1;
        int blocks = Math.Max(1, (outputs + blockSize - 1) / blockSize);
        var starts = new int[(blocks * inputSize) + 1];
        for (int o = 0; o < outputs; o++)
        {
            int row = o / blockSize * inputSize;
            for (int k = outputStarts[o]; k < outputStarts[o + 1]; k++)
            {
                starts[row + connectionInputs[k] + 1]++;
            }
        }

        for (int j = 1; j < starts.Length; j++)
        {
            starts[j] += starts[j - 1];
        }

        var next = starts.AsSpan(0, starts.Length - 1).ToArray();
        var outputsOf = new int[connectionInputs.Length];
        var connections = new int[connectionInputs.Length];
        for (int o = 0; o < outputs; o++)
        {
            int row = o / blockSize * inputSize;
            for (int k = outputStarts[o]; k < outputStarts[o + 1]; k++)
            {
                int j = next[row + connectionInputs[k]]++;
                outputsOf[j] = o;
                connections[j] = k;
            }
        }

        return new InputMajorBlocks(blocks, starts, outputsOf, connections);
    }
}
