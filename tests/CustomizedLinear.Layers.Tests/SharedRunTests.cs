using System;
using System.Collections.Generic;
using System.Linq;
using CustomizedLinear.CompilerServices;
using Xunit;

namespace CustomizedLinear.Layers.Tests;

/// <summary>
/// The shared runs the kernels hand to their register-blocked passes (<see cref="InputBlocks.Runs"/>), against a
/// brute-force search on the dense mask: for every block and whole group of outputs in the cut's order, the inputs
/// every output of the group is connected to, split wherever some output has a connection between two of them,
/// the pieces of at least <see cref="ConnectionBlocks.MinSharedRun"/> kept (none when they hold less than half of
/// the group's connections in the block), and where each starts in each output. The layers' results with runs
/// are checked against the dense reference in <see cref="ReferenceTests"/> (the Band, Grouped, Made and dense cases).
/// </summary>
public sealed class SharedRunTests
{
    [Theory]
    [InlineData(2, 16)]
    [InlineData(4, 16)]
    [InlineData(4, 37)]
    [InlineData(2, 100)]
    public void RunsAreTheSharedStretchesOfEachBlockAndGroup(int rows, int blockSize)
    {
        var random = new Random(rows * 1000 + blockSize);
        int withRuns = 0, withoutRuns = 0, sorted = 0;
        for (int trial = 0; trial < 60; trial++)
        {
            int inputs = 1 + random.Next(120), outputs = 1 + random.Next(23);
            var mask = new bool[outputs, inputs];
            int[] degrees = [.. Enumerable.Range(0, outputs).Select(_ => random.Next(inputs + 1))];
            for (int o = 0; o < outputs; o++)
            {
                // Random connections plus, often, a band shared with the neighbours or (MADE's hidden units)
                // a prefix of random length, so that runs of every length and both orders occur.
                int center = random.Next(inputs), width = random.Next(12);
                for (int i = 0; i < inputs; i++)
                {
                    mask[o, i] = (trial % 4) switch
                    {
                        0 => random.NextDouble() < 0.3,
                        1 => i < degrees[o] && random.NextDouble() < 0.95,
                        _ => random.NextDouble() < 0.3 || Math.Abs(i - center - (o / 3)) <= width,
                    };
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
            int[] order = blocks.Order;

            // The order: the layer's, or by connection count (ties in layer order) where the kernels' rule prefers
            // that on the two orders' coverage, counted here by brute force.
            int[] natural = [.. Enumerable.Range(0, outputs)];
            int[] byCount = [.. natural.OrderBy(o => starts[o + 1] - starts[o]).ThenBy(o => o)];
            long naturalCovered = Covered(mask, starts, natural, rows, blockSize, inputs);
            long sortedCovered = Covered(mask, starts, byCount, rows, blockSize, inputs);
            bool isSorted = !byCount.SequenceEqual(natural) && InputBlocks.PrefersSorted(naturalCovered, sortedCovered, connectionInputs.Count);
            Assert.Equal(isSorted ? byCount : natural, order);
            Assert.Equal(isSorted ? sortedCovered : naturalCovered, blocks.Covered);

            int groups = outputs / rows;
            bool any = false;
            for (int b = 0; b < blocks.BlockCount; b++)
            {
                for (int g = 0; g < groups; g++)
                {
                    int from = b * blockSize, to = Math.Min(inputs, (b + 1) * blockSize);
                    int[] outs = order[(g * rows)..((g + 1) * rows)];
                    List<int[]> expected = ExpectedRuns(mask, starts, outs, from, to);
                    int at = blocks.RunStarts is null ? 0 : blocks.RunStarts[(b * groups) + g];
                    int count = blocks.RunStarts is null ? 0 : blocks.RunStarts[(b * groups) + g + 1] - at;
                    Assert.Equal(expected.Count, count);
                    for (int r = 0; r < count; r++)
                    {
                        Assert.Equal(expected[r], blocks.Runs.AsSpan((at + r) * (rows + 1), rows + 1).ToArray());
                    }

                    any |= count > 0;
                }
            }

            Assert.Equal(any, blocks.Runs is not null);
            withRuns += any ? 1 : 0;
            withoutRuns += any ? 0 : 1;
            sorted += isSorted ? 1 : 0;
        }

        // Every kind of layer occurred.
        Assert.True(withRuns > 0 && withoutRuns > 0 && sorted > 0, $"{withRuns} layers with runs, {withoutRuns} without, {sorted} in sorted order");
    }

    [Fact]
    public void MadeHiddenUnitsAreGroupedByDegree()
    {
        // 784 → 500 with random degrees: each hidden unit sees a prefix of the inputs; sorted by degree, groups of
        // four share nearly all of theirs.
        var random = new Random(5);
        int[] degrees = [.. Enumerable.Range(0, 500).Select(_ => 1 + random.Next(783))];
        var starts = new List<int> { 0 };
        var connectionInputs = new List<int>();
        foreach (int degree in degrees)
        {
            connectionInputs.AddRange(Enumerable.Range(0, degree));
            starts.Add(connectionInputs.Count);
        }

        InputBlocks blocks = InputBlocks.Cut(starts.ToArray(), connectionInputs.ToArray(), 784, 128, 4);
        Assert.Equal(Enumerable.Range(0, 500).OrderBy(o => degrees[o]).ThenBy(o => o), blocks.Order);
        long covered = 0;
        for (int r = 0; r < blocks.Runs!.Length; r += 5)
        {
            covered += 4L * blocks.Runs[r];
        }

        Assert.True(covered > 0.9 * connectionInputs.Count, $"runs cover {covered} of {connectionInputs.Count} connections");
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
            Assert.Equal(rows, cut.OutputsPerGroup);
            Assert.NotNull(cut.Runs);
            Assert.Equal(Math.Min(300, cut.BlockSize), cut.Runs![0]);
        }

        // Dense: both passes share one cut (one block with four outputs per group, L1-sized ones with two).
        Assert.Same(blocks.Forward, blocks.Backward);
        Assert.Same(blocks, ConnectionBlocks.Get(ref cache, starts, inputs, 300, group));
    }

    [Fact]
    public void ALayerMostlyInRunsIsOneBlockAndARandomOneIsCutIntoBlocks()
    {
        // 2,000 inputs: L1-sized blocks for 64 samples hold 128. Prefixes (MADE's hidden units) are mostly runs; a
        // random 10% mask has none.
        var random = new Random(9);
        (int[] Starts, int[] Inputs) Layer(Func<int, IEnumerable<int>> inputsOf)
        {
            var starts = new List<int> { 0 };
            var inputs = new List<int>();
            for (int o = 0; o < 64; o++)
            {
                inputs.AddRange(inputsOf(o));
                starts.Add(inputs.Count);
            }

            return (starts.ToArray(), inputs.ToArray());
        }

        (int[] prefixStarts, int[] prefixInputs) = Layer(_ => Enumerable.Range(0, 500 + random.Next(1500)));
        (int[] randomStarts, int[] randomInputs) = Layer(_ => Enumerable.Range(0, 2000).Where(_ => random.NextDouble() < 0.1));
        ConnectionBlocks? cache = null;
        ConnectionBlocks prefix = ConnectionBlocks.Get(ref cache, prefixStarts, prefixInputs, 2000, 64);
        Assert.Equal(1, prefix.Forward.BlockCount);
        Assert.Same(prefix.Forward, prefix.Backward);

        cache = null;
        ConnectionBlocks sparse = ConnectionBlocks.Get(ref cache, randomStarts, randomInputs, 2000, 64);
        Assert.True(sparse.Forward.BlockCount > 1 && sparse.Backward.BlockCount > 1);
        Assert.Null(sparse.Forward.Runs);
    }

    [Fact]
    public void TheMadeHiddenReferenceLayerTakesTheSortedOrderAndOneBlock()
    {
        // The reference tests' layer for these paths (RandomLayers): check that it still reaches them.
        bool[,] mask = RandomLayers.Find("MadeHidden").Mask;
        int inputs = mask.GetLength(0), outputs = mask.GetLength(1);
        var starts = new List<int> { 0 };
        var connectionInputs = new List<int>();
        for (int o = 0; o < outputs; o++)
        {
            connectionInputs.AddRange(Enumerable.Range(0, inputs).Where(i => mask[i, o]));
            starts.Add(connectionInputs.Count);
        }

        ConnectionBlocks? cache = null;
        ConnectionBlocks blocks = ConnectionBlocks.Get(ref cache, starts.ToArray(), connectionInputs.ToArray(), inputs, 64);
        Assert.Equal(1, blocks.Forward.BlockCount);
        Assert.Same(blocks.Forward, blocks.Backward);
        Assert.Equal(Enumerable.Range(0, outputs).OrderBy(o => starts[o + 1] - starts[o]).ThenBy(o => o), blocks.Forward.Order);
        Assert.False(blocks.Forward.Order.SequenceEqual(Enumerable.Range(0, outputs)));
    }

    /// <summary>How many connections the brute-force runs of every block and whole group of <paramref name="order"/> take.</summary>
    private static long Covered(bool[,] mask, List<int> starts, int[] order, int rows, int blockSize, int inputs)
    {
        long covered = 0;
        for (int from = 0; from < inputs; from += blockSize)
        {
            for (int g = 0; g + rows <= order.Length; g += rows)
            {
                covered += ExpectedRuns(mask, starts, order[g..(g + rows)], from, Math.Min(inputs, from + blockSize)).Sum(r => (long)r[0] * rows);
            }
        }

        return covered;
    }

    /// <summary>The group's runs in one block, found on the dense mask: each as its length, then its first connection number in each output.</summary>
    private static List<int[]> ExpectedRuns(bool[,] mask, List<int> starts, int[] outs, int from, int to)
    {
        // A connection's number: its output's start plus the output's connections before its input.
        int Position(int o, int input) => starts[o] + Enumerable.Range(0, input).Count(i => mask[o, i]);

        var runs = new List<int[]>();
        int connections = outs.Sum(o => Enumerable.Range(from, to - from).Count(i => mask[o, i]));
        int[] shared = [.. Enumerable.Range(from, to - from).Where(i => outs.All(o => mask[o, i]))];
        for (int s = 0; s < shared.Length;)
        {
            // Extend while no output has a connection between this shared input and the next.
            int e = s + 1;
            while (e < shared.Length && outs.All(o => Position(o, shared[e]) == Position(o, shared[e - 1]) + 1))
            {
                e++;
            }

            if (e - s >= ConnectionBlocks.MinSharedRun)
            {
                runs.Add([e - s, .. outs.Select(o => Position(o, shared[s]))]);
            }

            s = e;
        }

        int covered = runs.Sum(r => r[0]) * outs.Length;
        return 2 * covered < connections ? [] : runs;
    }
}
