using System;
using System.Collections.Generic;

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// One cut of the inputs into blocks of <see cref="BlockSize"/>, and the shared runs found in it. Inputs ascend
/// within each output, so block <c>b</c> of output <c>o</c> is the contiguous range
/// <c>Starts[b * OutputSize + o] .. Starts[(b + 1) * OutputSize + o]</c>.
/// </summary>
internal sealed class InputBlocks
{
    private InputBlocks(int blockSize, int blockCount, int[] starts, int outputsPerGroup, int[] order, int[]? runStarts, int[]? runs, long covered)
    {
        Covered = covered;
        BlockSize = blockSize;
        BlockCount = blockCount;
        Starts = starts;
        OutputsPerGroup = outputsPerGroup;
        Order = order;
        RunStarts = runStarts;
        Runs = runs;
    }

    public int BlockSize { get; }

    /// <summary>How many connections the <see cref="Runs"/> take.</summary>
    public long Covered { get; }

    public int BlockCount { get; }

    public int[] Starts { get; }

    /// <summary>Outputs per group in <see cref="Runs"/>: four, or two on machines with 16 vector registers.</summary>
    public int OutputsPerGroup { get; }

    /// <summary>
    /// The outputs in the order the kernels visit them: group <c>g</c> is <c>Order[g * OutputsPerGroup ..]</c>, and the
    /// outputs past the last whole group come one by one. The layer's own order unless sorting the outputs by their
    /// connection count makes groups share much more (MADE's hidden units, whose degrees come in random order:
    /// sorted, four neighbours share almost all of their inputs).
    /// </summary>
    public int[] Order { get; }

    /// <summary>
    /// Per block and whole group (<c>block * groups + group</c>, groups being <c>OutputSize / OutputsPerGroup</c>), where the group's runs start in <see cref="Runs"/>
    /// (in runs); the group's runs end where the next entry's start. One more entry closes the last group.
    /// Null when no group has runs: the layer is left to the one-output loop.
    /// </summary>
    public int[]? RunStarts { get; }

    /// <summary>
    /// The shared runs, <c>OutputsPerGroup + 1</c> entries each: a length, then where the run starts in each output
    /// of the group (an absolute connection number). A run is a stretch of connections, consecutive in every output
    /// of the group, whose outputs are connected to the same input at each step (the inputs themselves need not be
    /// consecutive): the register-blocked kernels load each input once for the whole group there. Runs are at least
    /// <see cref="ConnectionBlocks.MinSharedRun"/> long, ascend within a group, and hold at least half of the
    /// group's connections in the block, or the group has none.
    /// </summary>
    public int[]? Runs { get; }

    public static InputBlocks Cut(ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, int inputSize, int blockSize, int outputsPerGroup)
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

        int[] natural = new int[outputs];
        for (int o = 0; o < outputs; o++)
        {
            natural[o] = o;
        }

        int[] sorted = (int[])natural.Clone();
        int[] counts = new int[outputs];
        for (int o = 0; o < outputs; o++)
        {
            counts[o] = outputStarts[o + 1] - outputStarts[o];
        }

        // Ties in layer order, so that outputs of equal count keep their neighbours.
        Array.Sort(sorted, (a, b) => counts[a] != counts[b] ? counts[a].CompareTo(counts[b]) : a.CompareTo(b));

        (int[]? runStarts, int[]? runs, long covered) = FindRuns(starts, connectionInputs, outputs, blocks, outputsPerGroup, natural);
        if (!sorted.AsSpan().SequenceEqual(natural))
        {
            (int[]? sortedStarts, int[]? sortedRuns, long sortedCovered) = FindRuns(starts, connectionInputs, outputs, blocks, outputsPerGroup, sorted);
            if (PrefersSorted(covered, sortedCovered, connectionInputs.Length))
            {
                return new InputBlocks(blockSize, blocks, starts, outputsPerGroup, sorted, sortedStarts, sortedRuns, sortedCovered);
            }
        }

        return new InputBlocks(blockSize, blocks, starts, outputsPerGroup, natural, runStarts, runs, covered);
    }

    /// <summary>
    /// Whether the outputs sorted by connection count are worth taking over the layer's order, given how many of the
    /// layer's <paramref name="connections"/> each order's runs cover. Out of order, the one-output loop visits the
    /// outputs' rows of yT and of the tables out of order (measured slower on random masks), so sorted only where
    /// it covers a quarter more and at least a quarter of the layer: a random mask with a few chance runs keeps its order.
    /// </summary>
    internal static bool PrefersSorted(long covered, long sortedCovered, int connections) =>
        sortedCovered > covered + (covered / 4) && 4 * sortedCovered >= connections;

    /// <summary>The runs of every block and whole group of <paramref name="order"/>, and how many connections they cover.</summary>
    private static (int[]? RunStarts, int[]? Runs, long Covered) FindRuns(int[] starts, ReadOnlySpan<int> connectionInputs, int outputs, int blocks, int outputsPerGroup, int[] order)
    {
        int groups = outputs / outputsPerGroup;
        int entry = outputsPerGroup + 1;
        var runStarts = new int[(blocks * groups) + 1];
        var runs = new List<int>();
        long covered = 0;
        Span<int> at = stackalloc int[outputsPerGroup];
        Span<int> first = stackalloc int[outputsPerGroup];
        for (int b = 0; b < blocks; b++)
        {
            for (int g = 0; g < groups; g++)
            {
                runStarts[(b * groups) + g] = runs.Count / entry;
                int groupStart = runs.Count;
                int connections = 0;
                for (int j = 0; j < outputsPerGroup; j++)
                {
                    int o = order[(g * outputsPerGroup) + j];
                    at[j] = starts[(b * outputs) + o];
                    connections += starts[((b + 1) * outputs) + o] - at[j];
                }

                // Walk the first output's connections; one that every other output also has at the next position
                // of each extends the open run, any other shared one opens a new run, an unshared one closes it.
                int o0 = order[g * outputsPerGroup];
                int end0 = starts[((b + 1) * outputs) + o0];
                int length = 0, runCovered = 0;
                for (; at[0] < end0; at[0]++)
                {
                    int input = connectionInputs[at[0]];
                    bool shared = true, next = length > 0 && at[0] == first[0] + length;
                    for (int j = 1; j < outputsPerGroup && shared; j++)
                    {
                        int endJ = starts[((b + 1) * outputs) + order[(g * outputsPerGroup) + j]];
                        while (at[j] < endJ && connectionInputs[at[j]] < input)
                        {
                            at[j]++;
                        }

                        shared = at[j] < endJ && connectionInputs[at[j]] == input;
                        next &= at[j] == first[j] + length;
                    }

                    if (shared && next)
                    {
                        length++;
                        continue;
                    }

                    runCovered += Close(runs, first, length);
                    length = 0;
                    if (shared)
                    {
                        at.CopyTo(first);
                        length = 1;
                    }
                }

                runCovered += Close(runs, first, length);

                // Runs that hold a small part of the group's connections only split the one-output sweep.
                if (2 * runCovered * outputsPerGroup < connections)
                {
                    runs.RemoveRange(groupStart, runs.Count - groupStart);
                }
                else
                {
                    covered += (long)runCovered * outputsPerGroup;
                }
            }
        }

        runStarts[blocks * groups] = runs.Count / entry;
        return runs.Count == 0 ? (null, null, 0) : (runStarts, runs.ToArray(), covered);
    }

    /// <summary>Keeps the run of <paramref name="length"/> starting at <paramref name="first"/> if it is long enough; returns its length if kept.</summary>
    private static int Close(List<int> runs, ReadOnlySpan<int> first, int length)
    {
        if (length < ConnectionBlocks.MinSharedRun)
        {
            return 0;
        }

        runs.Add(length);
        foreach (int k in first)
        {
            runs.Add(k);
        }

        return length;
    }
}
