// The seeded builders reproduce the checked-in mask files in Fixtures/masks/ byte for byte: a change to the
// generator or to the order of draws would silently change every user's seeded masks.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;

namespace CustomizedLinear.Runtime.Tests;

public class MasksGoldenTests
{
    /// <summary>
    /// When set to a directory (e.g. this project's Fixtures/masks), the test writes the files there instead of
    /// comparing: only to create a new fixture, never to make a failing one pass.
    /// </summary>
    private const string WriteToVariable = "CUSTOMIZEDLINEAR_WRITE_MASK_FIXTURES";

    private static readonly (string File, string Call, Func<bool[,]> Build)[] Cases =
    [
        .. MadeCases("made_random", "Masks.Made(5, [6, 4], seed: 7, outputMultiplier: 2)",
            () => Masks.Made(5, [6, 4], seed: 7, outputMultiplier: 2)),
        .. MadeCases("made_cyclic_interleaved",
            "Masks.Made(4, [5], outputMultiplier: 2, hiddenDegrees: MadeDegrees.Cyclic, outputOrder: MadeOutputOrder.Interleaved)",
            () => Masks.Made(4, [5], outputMultiplier: 2, hiddenDegrees: MadeDegrees.Cyclic, outputOrder: MadeOutputOrder.Interleaved)),
        ("random.txt", "Masks.Random(6, 8, density: 0.3, seed: 3)", () => Masks.Random(6, 8, density: 0.3, seed: 3)),
        ("fanin.txt", "Masks.RandomFanIn(7, 5, fanIn: 3, seed: 4)", () => Masks.RandomFanIn(7, 5, fanIn: 3, seed: 4)),
        ("banded.txt", "Masks.Banded(8, 5, halfWidth: 1)", () => Masks.Banded(8, 5, halfWidth: 1)),
        ("blockdiagonal.txt", "Masks.BlockDiagonal([(2, 3), (1, 2), (3, 1)])", () => Masks.BlockDiagonal([(2, 3), (1, 2), (3, 1)])),
        ("patches.txt", "Masks.LocalPatches(width: 5, height: 4, patch: 2, stride: 2)",
            () => Masks.LocalPatches(width: 5, height: 4, patch: 2, stride: 2)),
        ("shuffle.txt", "Masks.ShufflePreservingDegrees(Masks.Random(8, 10, density: 0.3, seed: 5), seed: 6)",
            () => Masks.ShufflePreservingDegrees(Masks.Random(8, 10, density: 0.3, seed: 5), seed: 6)),
    ];

    private static IEnumerable<(string, string, Func<bool[,]>)> MadeCases(string name, string call, Func<bool[][,]> build)
    {
        int layers = build().Length;
        return Enumerable.Range(0, layers).Select(l =>
            ($"{name}_{l}.txt", $"{call}[{l}]", (Func<bool[,]>)(() => build()[l])));
    }

    public static IEnumerable<object[]> Files() => Cases.Select(c => new object[] { c.File });

    [Theory]
    [MemberData(nameof(Files))]
    public void BuilderReproducesGoldenFile(string file)
    {
        (_, string call, Func<bool[,]> build) = Cases.Single(c => c.File == file);
        byte[] written = Encoding.UTF8.GetBytes(Write(build(), call));

        string? writeTo = Environment.GetEnvironmentVariable(WriteToVariable);
        if (!string.IsNullOrEmpty(writeTo))
        {
            File.WriteAllBytes(Path.Combine(writeTo, file), written);
            return;
        }

        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "masks", file);
        Assert.True(File.Exists(path), $"missing fixture {path}");
        Assert.Equal(File.ReadAllBytes(path), written);
    }

    /// <summary>
    /// The mask file format as the builders' fixtures use it: a comment line naming the call, then one row per
    /// input, cells 0/1 separated by single spaces, LF line ends.
    /// </summary>
    private static string Write(bool[,] mask, string call)
    {
        var text = new StringBuilder();
        text.Append("# ").Append(call).Append(" -- ").Append(mask.GetLength(0)).Append(" inputs x ")
            .Append(mask.GetLength(1)).Append(" outputs\n");
        for (int i = 0; i < mask.GetLength(0); i++)
        {
            for (int o = 0; o < mask.GetLength(1); o++)
            {
                text.Append(o == 0 ? "" : " ").Append(mask[i, o] ? '1' : '0');
            }
            text.Append('\n');
        }
        return text.ToString();
    }
}
