// Masks.Made: the autoregressive property by brute-force reachability over random shapes, the cyclic rule's
// degree levels and connection counts against closed forms, and argument checks.
using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace CustomizedLinear.Runtime.Tests;

public class MasksMadeTests
{
    public static IEnumerable<object[]> Shapes()
    {
        // System.Random only chooses the test shapes; the builders never see it.
        var random = new Random(20260613);
        for (int n = 0; n < 200; n++)
        {
            int inputSize = random.Next(2, 13);
            int layers = random.Next(0, 4);
            // Mostly wide enough for every degree level, sometimes narrower.
            int[] hidden = Enumerable.Range(0, layers)
                .Select(_ => random.Next(4) == 0 ? random.Next(1, inputSize + 1) : random.Next(inputSize - 1, 3 * inputSize))
                .ToArray();
            int multiplier = random.Next(1, 4);
            ulong seed = (ulong)random.NextInt64();
            yield return [inputSize, hidden, multiplier, seed];
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EveryOutputDependsOnlyOnEarlierInputs(int inputSize, int[] hidden, int multiplier, ulong seed)
    {
        foreach (MadeDegrees degrees in new[] { MadeDegrees.Random, MadeDegrees.Cyclic })
        {
            foreach (MadeOutputOrder order in new[] { MadeOutputOrder.Concatenated, MadeOutputOrder.Interleaved })
            {
                string what = $"n={inputSize} hidden=[{string.Join(",", hidden)}] k={multiplier} {degrees} {order}";
                bool[][,] masks = Masks.Made(inputSize, hidden, seed, multiplier, degrees, order);
                CheckShapes(masks, inputSize, hidden, multiplier, what);

                bool[][] reach = Reach(masks, inputSize);
                int outputs = inputSize * multiplier;
                bool lastSeesSomething = false;
                for (int o = 0; o < outputs; o++)
                {
                    int variable = order == MadeOutputOrder.Concatenated ? o % inputSize : o / multiplier;
                    for (int i = variable; i < inputSize; i++)
                    {
                        Assert.False(reach[o][i], $"{what}: output {o} (variable {variable}) reaches input {i}");
                    }
                    if (variable == inputSize - 1)
                    {
                        lastSeesSomething |= reach[o].Any(r => r);
                    }
                }
                Assert.True(lastSeesSomething, $"{what}: the last variable sees no input");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Cyclic_UsesEveryLevelAndMatchesClosedFormCounts(int inputSize, int[] hidden, int multiplier, ulong seed)
    {
        int m = inputSize - 1;
        foreach (MadeOutputOrder order in new[] { MadeOutputOrder.Concatenated, MadeOutputOrder.Interleaved })
        {
            bool[][,] masks = Masks.Made(inputSize, hidden, seed, multiplier, MadeDegrees.Cyclic, order);
            string what = $"n={inputSize} hidden=[{string.Join(",", hidden)}] k={multiplier} {order}";

            // A hidden unit's level, read off the masks: 1 + the last input it reaches. With every layer up to it
            // at least m wide, all levels 1..m are present below, so that is exactly its degree.
            bool[][] reachByLayer = null!;
            for (int l = 0; l < hidden.Length; l++)
            {
                reachByLayer = Reach(masks[..(l + 1)], inputSize);
                if (hidden[..(l + 1)].All(h => h >= m))
                {
                    var levels = reachByLayer.Select(r => Array.LastIndexOf(r, true) + 1).ToHashSet();
                    Assert.True(levels.SetEquals(Enumerable.Range(1, m)), $"{what}: layer {l} levels {string.Join(",", levels.Order())}");
                }
            }

            // Unit j has level j mod m + 1, so a layer of size h has q = h / m of each level plus one more of levels
            // 1..r (r = h mod m): AtMost(h, d) = q·d + min(r, d) units of level ≤ d, Exactly(h, d) = q + [d ≤ r].
            static long AtMost(int h, int d, int m) => (long)(h / m) * d + Math.Min(h % m, d);
            static long Exactly(int h, int d, int m) => h / m + (d <= h % m ? 1 : 0);

            for (int l = 0; l <= hidden.Length; l++)
            {
                long expected = 0;
                if (l == hidden.Length)
                {
                    // Outputs: k per variable v (level v + 1) see the units of level ≤ v below (inputs: level i + 1).
                    for (int v = 0; v < inputSize; v++)
                    {
                        expected += multiplier * (hidden.Length == 0 ? v : AtMost(hidden[^1], v, m));
                    }
                }
                else
                {
                    // Hidden units of level d see the units of level ≤ d below: d inputs, or AtMost of the layer below.
                    for (int d = 1; d <= m; d++)
                    {
                        expected += Exactly(hidden[l], d, m) * (l == 0 ? d : AtMost(hidden[l - 1], d, m));
                    }
                }
                Assert.True(expected == Count(masks[l]), $"{what}: mask {l} has {Count(masks[l])} connections, closed form {expected}");
            }
        }
    }

    [Fact]
    public void Random_DrawsEachLayersDegreesFromThePreviousLayersMinimum()
    {
        // karpathy's rule draws a hidden degree from [min degree of the layer before, n − 1]. Read off the masks:
        // a first-layer unit of degree m sees exactly inputs 0 .. m − 1, so its degree is its number of inputs, in
        // [1, n − 1]; a deeper unit's degree is at least that of every unit it sees, and it sees every unit of the
        // layer before with a degree at most its own, so it sees at least the layer before's lowest. A draw from
        // [1, n − 1] at every layer would leave deeper units with nothing to see.
        var random = new Random(8);
        for (int round = 0; round < 200; round++)
        {
            int n = random.Next(2, 12);
            int[] hidden = Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(1, 12)).ToArray();
            bool[][,] masks = Masks.Made(n, hidden, seed: (ulong)round);
            int[] previous = Enumerable.Range(1, n).ToArray(); // the inputs' degrees
            for (int l = 0; l < hidden.Length; l++)
            {
                bool[,] mask = masks[l];
                var degrees = new int[hidden[l]];
                for (int u = 0; u < hidden[l]; u++)
                {
                    var seen = Enumerable.Range(0, previous.Length).Where(v => mask[v, u]).ToList();
                    Assert.True(seen.Count > 0, $"round {round}: unit {u} of hidden layer {l} sees nothing");
                    if (l == 0)
                    {
                        Assert.Equal(Enumerable.Range(0, seen.Count), seen); // inputs 0 .. m − 1
                        Assert.InRange(seen.Count, 1, n - 1);
                    }

                    Assert.Contains(seen, v => previous[v] == previous.Min());
                    degrees[u] = l == 0 ? seen.Count : seen.Max(v => previous[v]);
                }

                previous = degrees;
            }
        }
    }

    [Fact]
    public void Random_SameSeedSameMasks_DifferentSeedDifferent()
    {
        int[] hidden = [40, 40];
        bool[][,] a = Masks.Made(10, hidden, seed: 3);
        bool[][,] b = Masks.Made(10, hidden, seed: 3);
        bool[][,] c = Masks.Made(10, hidden, seed: 4);
        Assert.True(a.Zip(b).All(p => Same(p.First, p.Second)));
        Assert.False(a.Zip(c).All(p => Same(p.First, p.Second)));
    }

    [Fact]
    public void Cyclic_IgnoresTheSeed()
    {
        bool[][,] a = Masks.Made(6, [7, 9], seed: 1, hiddenDegrees: MadeDegrees.Cyclic);
        bool[][,] b = Masks.Made(6, [7, 9], seed: 2, hiddenDegrees: MadeDegrees.Cyclic);
        Assert.True(a.Zip(b).All(p => Same(p.First, p.Second)));
    }

    [Fact]
    public void SmallCyclicCase_IsWrittenOut()
    {
        // n = 3: hidden levels 1, 2, 1, 2; output levels 1, 2, 3 (concatenated, k = 1).
        bool[][,] masks = Masks.Made(3, [4], hiddenDegrees: MadeDegrees.Cyclic);
        Assert.True(Same(new bool[,]
        {
            { true, true, true, true },    // input 0, level 1
            { false, true, false, true },  // input 1, level 2
            { false, false, false, false }, // input 2, level 3: nothing may see it
        }, masks[0]));
        Assert.True(Same(new bool[,]
        {
            { false, true, true },
            { false, false, true },
            { false, true, true },
            { false, false, true },
        }, masks[1]));
    }

    [Fact]
    public void BadArguments_Throw()
    {
        Assert.Equal("inputSize", Assert.Throws<ArgumentOutOfRangeException>(() => Masks.Made(1, [4])).ParamName);
        Assert.Equal("hiddenSizes", Assert.Throws<ArgumentNullException>(() => Masks.Made(3, null!)).ParamName);
        Assert.Equal("hiddenSizes", Assert.Throws<ArgumentOutOfRangeException>(() => Masks.Made(3, [4, 0])).ParamName);
        Assert.Equal("outputMultiplier", Assert.Throws<ArgumentOutOfRangeException>(() => Masks.Made(3, [4], outputMultiplier: 0)).ParamName);
        Assert.Equal("hiddenDegrees", Assert.Throws<ArgumentOutOfRangeException>(() => Masks.Made(3, [4], hiddenDegrees: (MadeDegrees)7)).ParamName);
        Assert.Equal("outputOrder", Assert.Throws<ArgumentOutOfRangeException>(() => Masks.Made(3, [4], outputOrder: (MadeOutputOrder)7)).ParamName);
    }

    private static void CheckShapes(bool[][,] masks, int inputSize, int[] hidden, int multiplier, string what)
    {
        int[] sizes = [inputSize, .. hidden, inputSize * multiplier];
        Assert.True(masks.Length == hidden.Length + 1, what);
        for (int l = 0; l < masks.Length; l++)
        {
            Assert.True(masks[l].GetLength(0) == sizes[l] && masks[l].GetLength(1) == sizes[l + 1], $"{what}: mask {l} shape");
        }
    }

    /// <summary>For each unit of the last layer, which inputs have a path to it (plain loops over the masks).</summary>
    internal static bool[][] Reach(bool[][,] masks, int inputSize)
    {
        bool[][] reach = Enumerable.Range(0, inputSize).Select(i => { var r = new bool[inputSize]; r[i] = true; return r; }).ToArray();
        foreach (bool[,] mask in masks)
        {
            var next = new bool[mask.GetLength(1)][];
            for (int u = 0; u < next.Length; u++)
            {
                next[u] = new bool[inputSize];
                for (int v = 0; v < mask.GetLength(0); v++)
                {
                    if (mask[v, u])
                    {
                        for (int i = 0; i < inputSize; i++)
                        {
                            next[u][i] |= reach[v][i];
                        }
                    }
                }
            }
            reach = next;
        }
        return reach;
    }

    internal static long Count(bool[,] mask)
    {
        long count = 0;
        foreach (bool cell in mask)
        {
            count += cell ? 1 : 0;
        }
        return count;
    }

    internal static bool Same(bool[,] a, bool[,] b)
        => a.GetLength(0) == b.GetLength(0) && a.GetLength(1) == b.GetLength(1) && a.Cast<bool>().SequenceEqual(b.Cast<bool>());
}
