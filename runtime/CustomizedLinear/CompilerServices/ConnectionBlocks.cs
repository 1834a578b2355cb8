using System;
using System.ComponentModel;
using System.Threading;

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// The connections cut into blocks of inputs, so that the batch kernels keep one block's transposed inputs
/// in cache while they sweep all outputs: one cut for the forward pass and one for the backward pass, which
/// pay differently for short ranges. Built once per layer type and vector width, on first use.
/// </summary>
/// <remarks>Used by generated code; not part of the public contract.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ConnectionBlocks
{
    /// <summary>A block's transposed inputs should take at most this much of the 48 KB L1 data cache.</summary>
    private const int L1Bytes = 32 * 1024;

    /// <summary>
    /// The forward pass takes L1-sized blocks down to 12 connections per output and block: measured on
    /// 1024 × 1024 @0.1, B=256, forward 674 → 612 µs against blocks of at least 48 (with the next ranges
    /// prefetched). Below that (density 0.01) one more block only adds partial sums.
    /// </summary>
    private const int MinForwardConnectionsPerBlock = 12;

    /// <summary>
    /// The backward pass needs 48: its per-range set-up and weight-gradient reductions cost more, and 48 lets it
    /// reduce most weight gradients 16 at a time. Measured on 1024 × 1024 @0.1, B=256: 6 → 48 took
    /// forward+backward from 3.13 to 2.90 ms; 12 instead of 48 made the backward 15% slower.
    /// </summary>
    private const int MinBackwardConnectionsPerBlock = 48;

    private ConnectionBlocks(int group, InputBlocks forward, InputBlocks backward)
    {
        Group = group;
        Forward = forward;
        Backward = backward;
    }

    /// <summary>The samples per group the blocks were sized for (the vector width is fixed for a process).</summary>
    internal int Group { get; }

    internal InputBlocks Forward { get; }

    internal InputBlocks Backward { get; }

    /// <summary>The cached blocks in <paramref name="cache"/>, built on first use (thread-safe).</summary>
    public static ConnectionBlocks Get(ref ConnectionBlocks? cache, ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, int inputSize, int group)
    {
        if (Volatile.Read(ref cache) is { } built && built.Group == group)
        {
            return built;
        }

        int forwardSize = BlockSizeFor(group, inputSize, outputStarts.Length - 1, connectionInputs.Length, MinForwardConnectionsPerBlock);
        int backwardSize = BlockSizeFor(group, inputSize, outputStarts.Length - 1, connectionInputs.Length, MinBackwardConnectionsPerBlock);
        InputBlocks forward = InputBlocks.Cut(outputStarts, connectionInputs, inputSize, forwardSize);
        InputBlocks backward = backwardSize == forwardSize ? forward : InputBlocks.Cut(outputStarts, connectionInputs, inputSize, backwardSize);
        var fresh = new ConnectionBlocks(group, forward, backward);
        Volatile.Write(ref cache, fresh);
        return fresh;
    }

    private static int BlockSizeFor(int group, int inputSize, int outputs, int connections, int minConnectionsPerBlock)
    {
        int fits = Math.Max(1, L1Bytes / (group * sizeof(float)));
        double perOutputAndInput = (double)connections / ((double)outputs * inputSize);
        // Too sparse for blocks of that size to pay: grow them until each holds enough work.
        int size = perOutputAndInput * fits >= minConnectionsPerBlock ? fits : (int)Math.Min(inputSize, Math.Ceiling(minConnectionsPerBlock / Math.Max(perOutputAndInput, 1e-9)));
        return Math.Max(1, Math.Min(size, inputSize));
    }
}

/// <summary>
/// One cut of the inputs into blocks of <see cref="BlockSize"/>. Inputs ascend within each output, so block
/// <c>b</c> of output <c>o</c> is the contiguous range <c>Starts[b * OutputSize + o] .. Starts[(b + 1) * OutputSize + o]</c>.
/// </summary>
internal sealed class InputBlocks
{
    private InputBlocks(int blockSize, int blockCount, int[] starts)
    {
        BlockSize = blockSize;
        BlockCount = blockCount;
        Starts = starts;
    }

    public int BlockSize { get; }

    public int BlockCount { get; }

    public int[] Starts { get; }

    public static InputBlocks Cut(ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, int inputSize, int blockSize)
    {
        int outputs = outputStarts.Length - 1;
        int blocks = (inputSize + blockSize - 1) / blockSize;
        var starts = new int[(blocks + 1) * outputs];
        for (int o = 0; o < outputs; o++)
        {
            int k = outputStarts[o];
            for (int b = 0; b < blocks; b++)
            {
                starts[b * outputs + o] = k;
                int limit = (b + 1) * blockSize;
                while (k < outputStarts[o + 1] && connectionInputs[k] < limit)
                {
                    k++;
                }
            }

            starts[blocks * outputs + o] = outputStarts[o + 1];
        }

        return new InputBlocks(blockSize, blocks, starts);
    }
}
