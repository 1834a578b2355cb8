// Masks.Random, RandomFanIn, Banded, BlockDiagonal, LocalPatches and ShufflePreservingDegrees: statistics,
// exact counts, hand-written expected masks and argument checks.
using System;
using System.Linq;
using Xunit;
using static CustomizedLinear.Runtime.Tests.MasksMadeTests;

namespace CustomizedLinear.Runtime.Tests;

public class MasksTests
{
    [Theory]
    [InlineData(0.1, 1UL)]
    [InlineData(0.5, 2UL)]
    [InlineData(0.93, 3UL)]
    public void Random_DensityWithinFourSigma(double density, ulong seed)
    {
        bool[,] mask = Masks.Random(1000, 1000, density, seed);
        Assert.Equal(1000, mask.GetLength(0));
        Assert.Equal(1000, mask.GetLength(1));
        double cells = 1e6;
        double sigma = Math.Sqrt(cells * density * (1 - density));
        Assert.InRange(Count(mask), cells * density - 4 * sigma, cells * density + 4 * sigma);

        // Rows and columns too, not only the total (each Binomial(1000, density), 5σ over 2000 lines).
        double lineSigma = Math.Sqrt(1000 * density * (1 - density));
        for (int i = 0; i < 1000; i++)
        {
            int row = 0, column = 0;
            for (int j = 0; j < 1000; j++)
            {
                row += mask[i, j] ? 1 : 0;
                column += mask[j, i] ? 1 : 0;
            }
            Assert.InRange(row, 1000 * density - 5 * lineSigma, 1000 * density + 5 * lineSigma);
            Assert.InRange(column, 1000 * density - 5 * lineSigma, 1000 * density + 5 * lineSigma);
        }
    }

    [Fact]
    public void Random_EdgeDensitiesAndSeeds()
    {
        Assert.Equal(0, Count(Masks.Random(30, 40, 0.0, 1)));
        Assert.Equal(1200, Count(Masks.Random(30, 40, 1.0, 1)));
        Assert.True(Same(Masks.Random(30, 40, 0.3, 5), Masks.Random(30, 40, 0.3, 5)));
        Assert.False(Same(Masks.Random(30, 40, 0.3, 5), Masks.Random(30, 40, 0.3, 6)));
    }

    [Theory]
    [InlineData(1, 5, 1)]
    [InlineData(10, 20, 3)]
    [InlineData(10, 20, 10)]
    [InlineData(300, 50, 16)]
    public void RandomFanIn_ExactFanInPerOutput(int inputs, int outputs, int fanIn)
    {
        bool[,] mask = Masks.RandomFanIn(inputs, outputs, fanIn, seed: 7);
        Assert.Equal(inputs, mask.GetLength(0));
        Assert.Equal(outputs, mask.GetLength(1));
        for (int o = 0; o < outputs; o++)
        {
            // A bool column cannot hold a duplicate, so fanIn set cells are fanIn distinct inputs.
            Assert.Equal(fanIn, Enumerable.Range(0, inputs).Count(i => mask[i, o]));
        }
    }

    [Fact]
    public void RandomFanIn_SpreadsOverInputs()
    {
        // 2000 outputs choosing 5 of 20: each input is chosen Binomial(2000, 0.25) times, σ ≈ 19.4; 5σ.
        bool[,] mask = Masks.RandomFanIn(20, 2000, 5, seed: 8);
        for (int i = 0; i < 20; i++)
        {
            int uses = Enumerable.Range(0, 2000).Count(o => mask[i, o]);
            Assert.InRange(uses, 500 - 97, 500 + 97);
        }
        Assert.False(Same(mask, Masks.RandomFanIn(20, 2000, 5, seed: 9)));
    }

    [Fact]
    public void Banded_SameSizes()
    {
        // Centres 0..4; half-width 1.
        Assert.True(Same(Parse(
            "1 1 0 0 0",
            "1 1 1 0 0",
            "0 1 1 1 0",
            "0 0 1 1 1",
            "0 0 0 1 1"), Masks.Banded(5, 5, 1)));
    }

    [Fact]
    public void Banded_TiesRoundToEven()
    {
        // 4 → 2: (o + 0.5)·4/2 − 0.5 = 0.5 and 2.5, both ties: to even gives centres 0 and 2 (away from zero, 1 and 3).
        Assert.True(Same(Parse(
            "1 0",
            "0 0",
            "0 1",
            "0 0"), Masks.Banded(4, 2, 0)));
    }

    [Fact]
    public void Banded_MoreInputsThanOutputs()
    {
        // 8 → 3: (o + 0.5)·8/3 − 0.5 = 0.833, 3.5, 6.167 → centres 1, 4 (3.5 ties to even), 6.
        Assert.True(Same(Parse(
            "1 0 0",
            "1 0 0",
            "1 0 0",
            "0 1 0",
            "0 1 0",
            "0 1 1",
            "0 0 1",
            "0 0 1"), Masks.Banded(8, 3, 1)));
    }

    [Fact]
    public void Banded_FewerInputsThanOutputs()
    {
        // 3 → 6: (o + 0.5)/2 − 0.5 = −0.25, 0.25, 0.75, 1.25, 1.75, 2.25 → centres 0, 0, 1, 1, 2, 2; half-width 0.
        Assert.True(Same(Parse(
            "1 1 0 0 0 0",
            "0 0 1 1 0 0",
            "0 0 0 0 1 1"), Masks.Banded(3, 6, 0)));
    }

    [Fact]
    public void BlockDiagonal_Small()
    {
        Assert.True(Same(Parse(
            "1 1 1 0 0 0",
            "1 1 1 0 0 0",
            "0 0 0 1 1 0",
            "0 0 0 0 0 1",
            "0 0 0 0 0 1",
            "0 0 0 0 0 1"), Masks.BlockDiagonal([(2, 3), (1, 2), (3, 1)])));
    }

    [Fact]
    public void LocalPatches_StrideOne()
    {
        // 3 × 3 image, 2 × 2 patches: outputs at (0,0), (1,0), (0,1), (1,1) (x, y); pixels row-major.
        Assert.True(Same(Parse(
            "1 0 0 0",
            "1 1 0 0",
            "0 1 0 0",
            "1 0 1 0",
            "1 1 1 1",
            "0 1 0 1",
            "0 0 1 0",
            "0 0 1 1",
            "0 0 0 1"), Masks.LocalPatches(3, 3, 2, 1)));
    }

    [Fact]
    public void LocalPatches_StrideDropsTheRemainder()
    {
        // 5 wide × 3 high, 2 × 2 patches, stride 2: (5 − 2)/2 + 1 = 2 across, (3 − 2)/2 + 1 = 1 down;
        // column 4 and row 2 are in no patch.
        Assert.True(Same(Parse(
            "1 0", "1 0", "0 1", "0 1", "0 0",
            "1 0", "1 0", "0 1", "0 1", "0 0",
            "0 0", "0 0", "0 0", "0 0", "0 0"), Masks.LocalPatches(5, 3, 2, 2)));
    }

    [Fact]
    public void LocalPatches_Mnist()
    {
        bool[,] mask = Masks.LocalPatches(width: 28, height: 28, patch: 5, stride: 1);
        Assert.Equal(784, mask.GetLength(0));
        Assert.Equal(24 * 24, mask.GetLength(1));
        Assert.Equal(24 * 24 * 25, Count(mask));
    }

    [Theory]
    [InlineData(40, 60, 0.1, 1UL)]
    [InlineData(100, 30, 0.3, 2UL)]
    public void ShufflePreservingDegrees_KeepsDegreesChangesEdges(int inputs, int outputs, double density, ulong seed)
    {
        bool[,] original = Masks.Random(inputs, outputs, density, seed);
        bool[,] copy = (bool[,])original.Clone();
        bool[,] shuffled = Masks.ShufflePreservingDegrees(original, seed: 11);
        Assert.True(Same(copy, original), "the input mask was modified");

        for (int i = 0; i < inputs; i++)
        {
            Assert.Equal(Enumerable.Range(0, outputs).Count(o => original[i, o]), Enumerable.Range(0, outputs).Count(o => shuffled[i, o]));
        }
        for (int o = 0; o < outputs; o++)
        {
            Assert.Equal(Enumerable.Range(0, inputs).Count(i => original[i, o]), Enumerable.Range(0, inputs).Count(i => shuffled[i, o]));
        }

        long kept = 0;
        for (int i = 0; i < inputs; i++)
        {
            for (int o = 0; o < outputs; o++)
            {
                kept += original[i, o] && shuffled[i, o] ? 1 : 0;
            }
        }
        // A well-mixed mask keeps about `density` of its edges by chance; "most change" is the contract.
        Assert.True(kept < Count(original) / 2, $"{kept} of {Count(original)} edges unchanged");

        Assert.True(Same(shuffled, Masks.ShufflePreservingDegrees(original, seed: 11)));
        Assert.False(Same(shuffled, Masks.ShufflePreservingDegrees(original, seed: 12)));
    }

    [Fact]
    public void ShufflePreservingDegrees_NoPossibleSwapOrNoSwaps()
    {
        bool[,] full = Masks.BlockDiagonal([(3, 4)]);
        Assert.True(Same(full, Masks.ShufflePreservingDegrees(full, seed: 1)));
        bool[,] random = Masks.Random(10, 10, 0.3, 1);
        Assert.True(Same(random, Masks.ShufflePreservingDegrees(random, seed: 1, swaps: 0)));
        Assert.True(Same(new bool[0, 3], Masks.ShufflePreservingDegrees(new bool[0, 3], seed: 1)));
    }

    [Fact]
    public void BadArguments_Throw()
    {
        AssertParam<ArgumentOutOfRangeException>("inputSize", () => Masks.Random(0, 3, 0.5));
        AssertParam<ArgumentOutOfRangeException>("outputSize", () => Masks.Random(3, 0, 0.5));
        AssertParam<ArgumentOutOfRangeException>("density", () => Masks.Random(3, 3, -0.1));
        AssertParam<ArgumentOutOfRangeException>("density", () => Masks.Random(3, 3, 1.5));
        AssertParam<ArgumentOutOfRangeException>("density", () => Masks.Random(3, 3, double.NaN));

        AssertParam<ArgumentOutOfRangeException>("inputSize", () => Masks.RandomFanIn(0, 3, 1));
        AssertParam<ArgumentOutOfRangeException>("outputSize", () => Masks.RandomFanIn(3, 0, 1));
        AssertParam<ArgumentOutOfRangeException>("fanIn", () => Masks.RandomFanIn(3, 3, 0));
        AssertParam<ArgumentOutOfRangeException>("fanIn", () => Masks.RandomFanIn(3, 3, 4));

        AssertParam<ArgumentOutOfRangeException>("inputSize", () => Masks.Banded(0, 3, 1));
        AssertParam<ArgumentOutOfRangeException>("outputSize", () => Masks.Banded(3, 0, 1));
        AssertParam<ArgumentOutOfRangeException>("halfWidth", () => Masks.Banded(3, 3, -1));

        AssertParam<ArgumentNullException>("blocks", () => Masks.BlockDiagonal(null!));
        AssertParam<ArgumentException>("blocks", () => Masks.BlockDiagonal([]));
        AssertParam<ArgumentOutOfRangeException>("blocks", () => Masks.BlockDiagonal([(2, 2), (0, 1)]));
        AssertParam<ArgumentOutOfRangeException>("blocks", () => Masks.BlockDiagonal([(int.MaxValue, 1), (int.MaxValue, 1)]));

        AssertParam<ArgumentOutOfRangeException>("patch", () => Masks.LocalPatches(4, 4, 0));
        AssertParam<ArgumentOutOfRangeException>("width", () => Masks.LocalPatches(2, 4, 3));
        AssertParam<ArgumentOutOfRangeException>("height", () => Masks.LocalPatches(4, 2, 3));
        AssertParam<ArgumentOutOfRangeException>("stride", () => Masks.LocalPatches(4, 4, 2, 0));

        AssertParam<ArgumentNullException>("mask", () => Masks.ShufflePreservingDegrees(null!));
        AssertParam<ArgumentOutOfRangeException>("swaps", () => Masks.ShufflePreservingDegrees(new bool[2, 2], swaps: -1));
    }

    private static void AssertParam<T>(string name, Action action) where T : ArgumentException
        => Assert.Equal(name, Assert.Throws<T>(action).ParamName);

    /// <summary>A mask written as rows of "0"/"1" cells, one string per input.</summary>
    private static bool[,] Parse(params string[] rows)
    {
        string[][] cells = rows.Select(r => r.Split(' ')).ToArray();
        var mask = new bool[cells.Length, cells[0].Length];
        for (int i = 0; i < cells.Length; i++)
        {
            Assert.Equal(cells[0].Length, cells[i].Length);
            for (int o = 0; o < cells[i].Length; o++)
            {
                mask[i, o] = cells[i][o] == "1";
            }
        }
        return mask;
    }
}
