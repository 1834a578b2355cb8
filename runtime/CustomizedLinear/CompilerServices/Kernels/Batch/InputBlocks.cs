using System;

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// One cut of the inputs into blocks of <see cref="BlockSize"/>. Inputs ascend within each output, so block
/// <c>b</c> of output <c>o</c> is the contiguous range <c>Starts[b * OutputSize + o] .. Starts[(b + 1) * OutputSize + o]</c>.
/// </summary>
internal sealed class InputBlocks
{
    private InputBlocks(int blockSize, int blockCount, int[] starts, int outputsPerSpan, int[]? sharedSpans)
    {
        BlockSize = blockSize;
        BlockCount = blockCount;
        Starts = starts;
        OutputsPerSpan = outputsPerSpan;
        SharedSpans = sharedSpans;
    }

    public int BlockSize { get; }

    public int BlockCount { get; }

    public int[] Starts { get; }

    /// <summary>Outputs per group in <see cref="SharedSpans"/>: four, or two on machines with 16 vector registers.</summary>
    public int OutputsPerSpan { get; }

    /// <summary>
    /// Per block and group of <see cref="OutputsPerSpan"/> consecutive outputs (whole groups only): the length
    /// of the longest span of consecutive inputs that every output of the group is connected to (0 below
    /// <see cref="ConnectionBlocks.MinSharedSpan"/>, or when the span holds less than half of the group's
    /// connections in the block), then where the span starts in each output's range of the block.
    /// Null when no block has such a span: the layer is left to the one-output loop.
    /// </summary>
    public int[]? SharedSpans { get; }

    public int SpanEntriesPerBlock => SharedSpans is null ? 0 : SharedSpans.Length / BlockCount;

    public static InputBlocks Cut(ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, int inputSize, int blockSize, int outputsPerSpan)
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

        return new InputBlocks(blockSize, blocks, starts, outputsPerSpan, FindSharedSpans(starts, connectionInputs, outputs, blocks, outputsPerSpan));
    }

    private static int[]? FindSharedSpans(int[] starts, ReadOnlySpan<int> connectionInputs, int outputs, int blocks, int outputsPerSpan)
    {
        int groups = outputs / outputsPerSpan;
        int entries = groups * (outputsPerSpan + 1);
        var spans = new int[blocks * entries];
        bool any = false;
        Span<int> at = stackalloc int[outputsPerSpan];
        Span<int> spanStart = stackalloc int[outputsPerSpan];
        for (int b = 0; b < blocks; b++)
        {
            for (int g = 0; g < groups; g++)
            {
                int o0 = g * outputsPerSpan;
                int best = 0, length = 0, previous = -2;
                for (int j = 0; j < outputsPerSpan; j++)
                {
                    at[j] = starts[b * outputs + o0 + j];
                }

                // Walk the first output's inputs; each one all the others also have extends or starts a span.
                int end0 = starts[(b + 1) * outputs + o0];
                for (; at[0] < end0; at[0]++)
                {
                    int input = connectionInputs[at[0]];
                    bool shared = true;
                    for (int j = 1; j < outputsPerSpan && shared; j++)
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
                        for (int j = 0; j < outputsPerSpan; j++)
                        {
                            spanStart[j] = at[j] - starts[b * outputs + o0 + j];
                        }
                    }

                    length++;
                    previous = input;
                    if (length > best && length >= ConnectionBlocks.MinSharedSpan)
                    {
                        best = length;
                        int entry = (b * entries) + (g * (outputsPerSpan + 1));
                        spans[entry] = length;
                        for (int j = 0; j < outputsPerSpan; j++)
                        {
                            spans[entry + 1 + j] = spanStart[j];
                        }
                    }
                }

                // A span that is a small part of the group's connections only splits the one-output sweep.
                int connections = 0;
                for (int j = 0; j < outputsPerSpan; j++)
                {
                    connections += starts[((b + 1) * outputs) + o0 + j] - starts[(b * outputs) + o0 + j];
                }

                int at0 = (b * entries) + (g * (outputsPerSpan + 1));
                if (2 * best * outputsPerSpan < connections)
                {
                    spans.AsSpan(at0, outputsPerSpan + 1).Clear();
                }
                else if (best > 0)
                {
                    any = true;
                }
            }
        }

        return any ? spans : null;
    }
}
