using System;
using System.Collections.Generic;
using System.Linq;
using CustomizedLinear.CompilerServices;
using Xunit;

namespace CustomizedLinear.Layers.Tests;

/// <summary>
/// The shared spans the forward pass hands to its register-blocked kernel (<see cref="InputBlocks.SharedSpans"/>), against a
/// brute-force search: for every block and whole group of outputs, the longest span of consecutive inputs that every
/// output of the group is connected to (the first one when several are as long; none when it holds less than half
/// of the group's connections in the block), and where it starts in each output's range of the block. The layers'
/// results with shared spans are checked against the dense reference in <see cref="ReferenceTests"/> (the Band, Grouped, Made and
/// dense cases).
/// </summary>
public sealed class SharedSpanTests
{
    [Theory]
    [InlineData(2, 16)]
    [InlineData(4, 16)]
    [InlineData(4, 37)]
    [InlineData(2, 100)]
    public void SharedSpansAreTheLongestOfEachBlockAndGroup(int rows, int blockSize)
    {
        var random = new Random(rows * 1000 + blockSize);
        int withSpans = 0, withoutSpans = 0;
        for (int trial = 0; trial < 40; trial++)
        {
            int inputs = 1 + random.Next(120), outputs = 1 + random.Next(23);
            var mask = new bool[outputs, inputs];
            for (int o = 0; o < outputs; o++)
            {
                // Random connections plus, often, a band shared with the neighbours, so that spans of every length occur.
                int center = random.Next(inputs), width = random.Next(12);
                for (int i = 0; i < inputs; i++)
                {
                    mask[o, i] = random.NextDouble() < 0.3 || (trial % 3 != 0 && Math.Abs(i - center - (o / 3)) <= width);
                }
            }

            var starts = new List<int> { 0 };
            var connectionInputs = new List<int>();
            for (int o = 0; o < outputs; o++)
            {
                for (int i = 0; i < inputs; i++)
                {
                    if (mask[o, i])
                    {
                        connectionInputs.Add(i);
                    }
                }

                starts.Add(connectionInputs.Count);
            }

            InputBlocks blocks = InputBlocks.Cut(starts.ToArray(), connectionInputs.ToArray(), inputs, blockSize, rows);
            bool any = false;
            for (int b = 0; b < blocks.BlockCount; b++)
            {
                for (int g = 0; g + rows <= outputs; g += rows)
                {
                    int from = b * blockSize, to = Math.Min(inputs, (b + 1) * blockSize);
                    (int length, int first) = LongestSharedSpan(mask, g, rows, from, to);
                    int connections = 0;
                    for (int j = 0; j < rows; j++)
                    {
                        for (int i = from; i < to; i++)
                        {
                            connections += mask[g + j, i] ? 1 : 0;
                        }
                    }

                    if (length < ConnectionBlocks.MinSharedSpan || 2 * length * rows < connections)
                    {
                        length = 0;
                    }

                    any |= length > 0;
                    int[]? spans = blocks.SharedSpans;
                    int entry = (b * blocks.SpanEntriesPerBlock) + ((g / rows) * (rows + 1));
                    Assert.Equal(length, spans is null ? 0 : spans[entry]);
                    for (int j = 0; j < rows && length > 0; j++)
                    {
                        int blockStart = blocks.Starts[(b * outputs) + g + j];
                        Assert.Equal(first, connectionInputs[blockStart + spans![entry + 1 + j]]);
                    }
                }
            }

            Assert.Equal(any, blocks.SharedSpans is not null);
            withSpans += any ? 1 : 0;
            withoutSpans += any ? 0 : 1;
        }

        // Both kinds of layer occurred.
        Assert.True(withSpans > 0 && withoutSpans > 0, $"{withSpans} layers with shared spans, {withoutSpans} without");
    }

    [Theory]
    [InlineData(64, 4)]
    [InlineData(32, 2)]
    [InlineData(16, 2)]
    public void GroupsAreFourOutputsWith32RegistersAndTwoWith16(int group, int rows)
    {
        // A dense 8 × 300 layer: every group of outputs shares its whole block.
        int[] starts = [.. Enumerable.Range(0, 9).Select(o => o * 300)];
        int[] inputs = [.. Enumerable.Range(0, 8 * 300).Select(k => k % 300)];
        ConnectionBlocks? cache = null;
        ConnectionBlocks blocks = ConnectionBlocks.Get(ref cache, starts, inputs, 300, group);
        foreach (InputBlocks cut in new[] { blocks.Forward, blocks.Backward })
        {
            Assert.Equal(rows, cut.OutputsPerSpan);
            Assert.NotNull(cut.SharedSpans);
            Assert.Equal(Math.Min(300, cut.BlockSize), cut.SharedSpans![0]);
        }

        // Dense: both passes take L1-sized blocks, so they share one cut.
        Assert.Same(blocks.Forward, blocks.Backward);
        Assert.Same(blocks, ConnectionBlocks.Get(ref cache, starts, inputs, 300, group));
    }

    private static (int Length, int First) LongestSharedSpan(bool[,] mask, int firstOutput, int rows, int from, int to)
    {
        int best = 0, bestFirst = -1;
        for (int a = from; a < to; a++)
        {
            int length = 0;
            while (a + length < to && AllConnected(mask, firstOutput, rows, a + length))
            {
                length++;
            }

            if (length > best)
            {
                best = length;
                bestFirst = a;
            }
        }

        return (best, bestFirst);
    }

    private static bool AllConnected(bool[,] mask, int firstOutput, int rows, int input)
    {
        for (int j = 0; j < rows; j++)
        {
            if (!mask[firstOutput + j, input])
            {
                return false;
            }
        }

        return true;
    }
}
