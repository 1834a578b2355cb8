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
    /// 1024 × 1024 @0.1, B=256, forward 674 → 601 µs against blocks of at least 48 (with the next ranges
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
        // The register blocks over shared runs take four outputs where there are 32 vector registers (512-bit
        // groups of 64 samples), two where there are 16.
        int rowsPerRun = group >= 64 ? 4 : 2;
        InputBlocks forward = InputBlocks.Cut(outputStarts, connectionInputs, inputSize, forwardSize, rowsPerRun);
        InputBlocks backward = backwardSize == forwardSize ? forward : InputBlocks.Cut(outputStarts, connectionInputs, inputSize, backwardSize, rowsPerRun);
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
    /// <summary>
    /// Shorter shared runs are left to the one-output loop: a register-blocked pass stores its rows and the
    /// rest of each row loads them again. On the 64 × 64 autoregressive mask (B=64) 2, 4 and 8 measured alike
    /// (forward 1.7 µs, against 2.6 µs without runs).
    /// </summary>
    internal const int MinRun = 4;

    private InputBlocks(int blockSize, int blockCount, int[] starts, int rowsPerRun, int[]? runs)
    {
        BlockSize = blockSize;
        BlockCount = blockCount;
        Starts = starts;
        RowsPerRun = rowsPerRun;
        Runs = runs;
    }

    public int BlockSize { get; }

    public int BlockCount { get; }

    public int[] Starts { get; }

    /// <summary>Outputs per group in <see cref="Runs"/>.</summary>
    public int RowsPerRun { get; }

    /// <summary>
    /// Per block and group of <see cref="RowsPerRun"/> consecutive outputs (whole groups only):
    /// the length of the longest run of consecutive inputs that every output of the group is connected to
    /// (0 below <see cref="MinRun"/>, or when the run holds less than half of the group's connections in the
    /// block), then where the run starts in each output's range of the block.
    /// Null when no block has such a run: the layer is left to the one-output loop.
    /// </summary>
    public int[]? Runs { get; }

    public int RunEntriesPerBlock => Runs is null ? 0 : Runs.Length / BlockCount;

    public static InputBlocks Cut(ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, int inputSize, int blockSize, int rowsPerRun)
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

        return new InputBlocks(blockSize, blocks, starts, rowsPerRun, FindRuns(starts, connectionInputs, outputs, blocks, rowsPerRun));
    }

    private static int[]? FindRuns(int[] starts, ReadOnlySpan<int> connectionInputs, int outputs, int blocks, int rows)
    {
        int groups = outputs / rows;
        int entries = groups * (rows + 1);
        var runs = new int[blocks * entries];
        bool any = false;
        Span<int> at = stackalloc int[rows];
        Span<int> runStart = stackalloc int[rows];
        for (int b = 0; b < blocks; b++)
        {
            for (int g = 0; g < groups; g++)
            {
                int o0 = g * rows;
                int best = 0, length = 0, previous = -2;
                for (int j = 0; j < rows; j++)
                {
                    at[j] = starts[b * outputs + o0 + j];
                }

                // Walk the first output's inputs; each one all the others also have extends or starts a run.
                int end0 = starts[(b + 1) * outputs + o0];
                for (; at[0] < end0; at[0]++)
                {
                    int input = connectionInputs[at[0]];
                    bool shared = true;
                    for (int j = 1; j < rows && shared; j++)
                    {
                        int endJ = starts[(b + 1) * outputs + o0 + j];
                        while (at[j] < endJ && connectionInputs[at[j]] < input)
                        {
                            at[j]++;
                        }

                        shared = at[j] < endJ && connectionInputs[at[j]] == input;
                    }

                    if (!shared)
                    {
                        length = 0;
                        continue;
                    }

                    if (length == 0 || input != previous + 1)
                    {
                        length = 0;
                        for (int j = 0; j < rows; j++)
                        {
                            runStart[j] = at[j] - starts[b * outputs + o0 + j];
                        }
                    }

                    length++;
                    previous = input;
                    if (length > best && length >= MinRun)
                    {
                        best = length;
                        int entry = (b * entries) + (g * (rows + 1));
                        runs[entry] = length;
                        for (int j = 0; j < rows; j++)
                        {
                            runs[entry + 1 + j] = runStart[j];
                        }
                    }
                }

                // A run that is a small part of the group's connections only splits the one-output sweep.
                int connections = 0;
                for (int j = 0; j < rows; j++)
                {
                    connections += starts[((b + 1) * outputs) + o0 + j] - starts[(b * outputs) + o0 + j];
                }

                int at0 = (b * entries) + (g * (rows + 1));
                if (2 * best * rows < connections)
                {
                    runs.AsSpan(at0, rows + 1).Clear();
                }
                else if (best > 0)
                {
                    any = true;
                }
            }
        }

        return any ? runs : null;
    }
}
