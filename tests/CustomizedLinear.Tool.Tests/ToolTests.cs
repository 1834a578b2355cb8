using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using CustomizedLinear.Testing;
using Microsoft.CodeAnalysis;
using Xunit;

namespace CustomizedLinear.Tool.Tests;

/// <summary>
/// The tool's entry point in process, every subcommand once: the files it writes read back (by
/// <see cref="MaskFile.Read(TextReader)"/>) as the runtime builder's mask for the same arguments, and compile as
/// layers with the real generator; <c>made</c>'s printed declarations compile as they are, with
/// <c>Autoregressive = true</c> accepted (no CL0022). Errors: non-zero, one line on stderr, nothing written.
/// </summary>
public sealed class ToolTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("cl-tool-tests-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private sealed record Result(int ExitCode, string Stdout, string Stderr);

    private static Result Run(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int code = Program.Run(args, stdout, stderr);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }

    private static Result Succeed(params string[] args)
    {
        Result result = Run(args);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Stderr}");
        Assert.Equal("", result.Stderr);
        return result;
    }

    private string P(string relative) => Path.Combine(root, relative);

    private static bool[,] ReadBack(string path)
    {
        using var reader = new StreamReader(path);
        return MaskFile.Read(reader);
    }

    private static void AssertSameMask(bool[,] expected, bool[,] actual)
    {
        Assert.Equal(expected.GetLength(0), actual.GetLength(0));
        Assert.Equal(expected.GetLength(1), actual.GetLength(1));
        for (int i = 0; i < expected.GetLength(0); i++)
        {
            for (int o = 0; o < expected.GetLength(1); o++)
            {
                Assert.True(expected[i, o] == actual[i, o], $"cell [{i}, {o}]: expected {expected[i, o]}");
            }
        }
    }

    /// <summary>The file is what MaskFile.Write makes of <paramref name="expected"/> under a comment naming the command.</summary>
    private static void AssertMaskFile(string path, bool[,] expected, string subcommand)
    {
        AssertSameMask(expected, ReadBack(path));
        string text = File.ReadAllText(path);
        Assert.StartsWith($"# customized-linear {subcommand} ", text, StringComparison.Ordinal);
        string body = string.Concat(text.Split('\n').Where(l => !l.StartsWith('#')).Select(l => l + "\n")).TrimEnd('\n') + "\n";
        var written = new StringWriter { NewLine = "\n" };
        MaskFile.Write(written, expected);
        Assert.Equal(written.ToString(), body);
    }

    /// <summary>The mask file compiles as a [MaskedLinear] layer with the generator, with the expected sizes.</summary>
    private static void AssertCompilesAsLayer(string path, bool[,] mask)
    {
        GeneratorRun run = GeneratorHarness.Run(
            [(GeneratorHarness.SourceDirectory + "/Layer.cs", $$"""
                using CustomizedLinear;
                namespace Demo;
                [MaskedLinear("{{path}}")] public partial class Layer { }
                """)],
            [(path, File.ReadAllText(path))]);
        AssertNoWarnings(run);
        Type layer = run.EmitAndLoad().GetType("Demo.Layer")!;
        Assert.Equal(mask.GetLength(0), StaticInt(layer, "InputSize"));
        Assert.Equal(mask.GetLength(1), StaticInt(layer, "OutputSize"));
    }

    /// <summary>A generated size, whether the generator emits it as a constant or a static property.</summary>
    private static int StaticInt(Type type, string name) =>
        (int)(type.GetField(name)?.GetValue(null) ?? type.GetProperty(name)?.GetValue(null)
            ?? throw new InvalidOperationException($"{type} has no static {name}"));

    private static void AssertNoWarnings(GeneratorRun run)
    {
        var warnings = run.AllDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(warnings.Count == 0, string.Join("\n", warnings));
    }

    private static string[] Listing(string folder) =>
        [.. Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    // ------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("random", "concatenated", 1)]
    [InlineData("cyclic", "interleaved", 2)]
    [InlineData("random", "concatenated", 3)]
    public void Made_WritesTheBuildersMasks_AndItsDeclarationsCompileAsAnAutoregressiveNetwork(string degrees, string order, int multiplier)
    {
        string folder = P("masks/made");
        string[] seed = degrees == "random" ? ["--seed", "3"] : [];
        Result result = Succeed(["made", "--inputs", "5", "--hidden", "8,7", .. seed, "--multiplier", multiplier.ToString(),
            "--degrees", degrees, "--order", order, "--out", folder]);

        bool[][,] expected = Masks.Made(5, [8, 7], 3, multiplier,
            degrees == "cyclic" ? MadeDegrees.Cyclic : MadeDegrees.Random,
            order == "interleaved" ? MadeOutputOrder.Interleaved : MadeOutputOrder.Concatenated);
        Assert.Equal(["0.txt", "2.txt", "4.txt"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        for (int l = 0; l < expected.Length; l++)
        {
            AssertMaskFile(Path.Combine(folder, $"{2 * l}.txt"), expected[l], "made");
        }

        // The printed declarations, as they are, with the written files as the project's additional files.
        int itemGroup = result.Stdout.IndexOf("<ItemGroup>", StringComparison.Ordinal);
        Assert.True(itemGroup > 0, result.Stdout);
        string declarations = result.Stdout[..itemGroup];
        string xml = result.Stdout[itemGroup..];
        string[] paths = [.. Enumerable.Range(0, 3).Select(l => $"{folder}/{2 * l}.txt")];
        Assert.Equal(paths, Regex.Matches(xml, "<AdditionalFiles Include=\"([^\"]+)\" />").Select(m => m.Groups[1].Value));
        Assert.Contains("[Sequential(typeof(Made0), typeof(ReLU), typeof(Made2), typeof(ReLU), typeof(Made4), Autoregressive = true", declarations, StringComparison.Ordinal);
        Assert.Equal(order == "interleaved", declarations.Contains("AutoregressiveOutputs = MadeOutputOrder.Interleaved", StringComparison.Ordinal));

        GeneratorRun run = GeneratorHarness.Run(
            [(GeneratorHarness.SourceDirectory + "/Made.cs", declarations)],
            paths.Select(p => (p, File.ReadAllText(p))));
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "CL0022");
        AssertNoWarnings(run);
        Assert.Contains(run.GeneratedSources, s => s.HintName == "Made.Sequential.g.cs");
        Type made = run.EmitAndLoad().GetType("Made")!;
        Assert.NotNull(made);
        Assert.Equal(5 * multiplier, StaticInt(made, "OutputSize"));
    }

    [Fact]
    public void Made_ForAMaskThatIsNotAutoregressive_TheGeneratorWouldReportCL0022()
    {
        // The control for the test above: the same declarations over a mask that lets output 0 see input 0.
        string folder = P("made");
        Result result = Succeed("made", "--inputs", "3", "--hidden", "none", "--degrees", "cyclic", "--out", folder);
        string path = $"{folder}/0.txt";
        GeneratorRun run = GeneratorHarness.Run(
            [(GeneratorHarness.SourceDirectory + "/Made.cs", result.Stdout[..result.Stdout.IndexOf("<ItemGroup>", StringComparison.Ordinal)])],
            [(path, "1 1 1\n1 1 1\n1 1 1\n")]);
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "CL0022");
    }

    [Fact]
    public void Random_WritesTheBuildersMask()
    {
        string path = P("random.txt");
        Result result = Succeed("random", "--inputs", "12", "--outputs", "9", "--density", "0.3", "--seed", "7", "--out", path);
        bool[,] expected = Masks.Random(12, 9, 0.3, 7);
        AssertMaskFile(path, expected, "random");
        AssertCompilesAsLayer(path, expected);
        Assert.StartsWith($"wrote {path}: 12 inputs × 9 outputs", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void FanIn_WritesTheBuildersMask()
    {
        string path = P("fanin.txt");
        Succeed("fanin", "--inputs", "10", "--outputs", "6", "--fan-in", "3", "--seed", "2", "--out", path);
        bool[,] expected = Masks.RandomFanIn(10, 6, 3, 2);
        AssertMaskFile(path, expected, "fanin");
        AssertCompilesAsLayer(path, expected);
    }

    [Fact]
    public void Banded_WritesTheBuildersMask()
    {
        string path = P("sub/dir/banded.txt");
        Succeed("banded", "--inputs", "10", "--outputs", "5", "--half-width", "1", "--out", path);
        bool[,] expected = Masks.Banded(10, 5, 1);
        AssertMaskFile(path, expected, "banded");
        AssertCompilesAsLayer(path, expected);
    }

    [Fact]
    public void Patches_WritesTheBuildersMask()
    {
        string path = P("patches.txt");
        Succeed("patches", "--width", "6", "--height", "5", "--patch", "3", "--stride", "2", "--out", path);
        bool[,] expected = Masks.LocalPatches(6, 5, 3, 2);
        AssertMaskFile(path, expected, "patches");
        AssertCompilesAsLayer(path, expected);
    }

    [Fact]
    public void Shuffle_WritesTheBuildersShuffleOfTheInputFile()
    {
        string input = P("in.txt");
        Succeed("fanin", "--inputs", "12", "--outputs", "8", "--fan-in", "4", "--seed", "5", "--out", input);
        bool[,] original = ReadBack(input);
        string path = P("shuffled.txt");
        Succeed("shuffle", "--in", input, "--seed", "9", "--swaps", "200", "--out", path);
        bool[,] expected = Masks.ShufflePreservingDegrees(original, 9, 200);
        AssertMaskFile(path, expected, "shuffle");
        AssertCompilesAsLayer(path, expected);

        // In place: --out may be --in, with --force.
        Succeed("shuffle", "--in", input, "--seed", "9", "--swaps", "200", "--out", input, "--force");
        AssertSameMask(expected, ReadBack(input));
        Assert.Equal(["in.txt", "shuffled.txt"], Directory.GetFileSystemEntries(root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Gmt_WritesTheGeneSetMask_AndTheKeptSetNamesBesideIt()
    {
        string genes = P("genes.txt");
        File.WriteAllText(genes, "TP53\nBRCA1\n\negfr\nMYC\nKRAS\nPTEN\n");
        string sets = P("sets.gmt");
        File.WriteAllText(sets,
            "P53_PATHWAY\thttp://example.org/p53\tTP53\tMDM2\tCDKN1A\tBRCA1\n" +
            "GROWTH\thttp://example.org/growth\tEGFR\tKRAS\tMYC\tkras\t\n" +
            "TINY\tna\tPTEN\n" +
            "HUGE\tna\tTP53\tBRCA1\tEGFR\tMYC\tKRAS\tPTEN\n");
        string path = P("out/pathways.txt");
        Result result = Succeed("gmt", "--genes", genes, "--sets", sets, "--min", "2", "--max", "4", "--out", path);

        string[] inputGenes = ["TP53", "BRCA1", "egfr", "MYC", "KRAS", "PTEN"];
        GeneSetMask expected = GeneSets.ToMask(inputGenes, GeneSets.ReadGmt(sets), 2, 4);
        Assert.Equal(["P53_PATHWAY", "GROWTH"], expected.OutputNames);
        AssertMaskFile(path, expected.Mask, "gmt");
        AssertCompilesAsLayer(path, expected.Mask);
        Assert.Equal("P53_PATHWAY\nGROWTH\n", File.ReadAllText(P("out/pathways.names.txt")));
        Assert.Contains("kept 2 of 4 sets", result.Stdout, StringComparison.Ordinal);

        // Case-sensitive: "egfr" no longer matches EGFR, GROWTH keeps KRAS and MYC only (still 2 genes).
        string exact = P("out/exact.txt");
        Succeed("gmt", "--genes", genes, "--sets", sets, "--min", "3", "--out", exact, "--case-sensitive");
        GeneSetMask expectedExact = GeneSets.ToMask(inputGenes, GeneSets.ReadGmt(sets), 3, int.MaxValue, ignoreCase: false);
        AssertMaskFile(exact, expectedExact.Mask, "gmt");
        Assert.Equal(string.Concat(expectedExact.OutputNames.Select(n => n + "\n")), File.ReadAllText(P("out/exact.names.txt")));
    }

    [Fact]
    public void Inspect_PrintsShapeConnectionsUnconnectedUnitsFanRangesAndAPicture()
    {
        string path = P("m.txt");
        File.WriteAllText(path, "# a comment\n1 0 0 1\n0 0 0 0\n1 1 0 0\n");
        Result result = Succeed("inspect", path);
        Assert.Equal(
            $"{path}\n" +
            "shape: 3 inputs × 4 outputs ([in, out], one row per input)\n" +
            "connections: 4 of 12 (density 0.3333)\n" +
            "fan-in (inputs per output): min 0, max 2, mean 1\n" +
            "fan-out (outputs per input): min 0, max 2, mean 1.33\n" +
            "unconnected inputs: 1 (1)\n" +
            "unconnected outputs: 1 (2)\n" +
            "picture (a row per input, a column per output; # connected, . not):\n" +
            "  #..#\n" +
            "  ....\n" +
            "  ##..\n",
            result.Stdout);
    }

    [Fact]
    public void Inspect_CapsTheUnconnectedListAndDrawsNoPictureOfALargeMask()
    {
        string path = P("big.txt");
        Succeed("banded", "--inputs", "100", "--outputs", "3", "--half-width", "2", "--out", path);
        string stdout = Succeed("inspect", path).Stdout;
        Assert.Contains("unconnected inputs: 85 (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 19, 20, 21, 22, 23, 24, … and 65 more)", stdout, StringComparison.Ordinal);
        Assert.Contains("picture: none (drawn up to 64 × 64)", stdout, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------------------------------------
    // Errors: non-zero, one line on stderr naming the problem, nothing written.

    public static TheoryData<string[], string> BadCommands => new()
    {
        { ["made", "--inputs", "1", "--hidden", "4", "--seed", "1", "--out", "{root}/made"], "--inputs" },
        { ["made", "--inputs", "4", "--hidden", "4,0", "--seed", "1", "--out", "{root}/made"], "--hidden" },
        { ["made", "--inputs", "4", "--hidden", "4,x", "--seed", "1", "--out", "{root}/made"], "--hidden" },
        { ["made", "--inputs", "4", "--hidden", "4", "--out", "{root}/made"], "--seed" },
        { ["made", "--inputs", "4", "--hidden", "4", "--seed", "1", "--multiplier", "0", "--out", "{root}/made"], "--multiplier" },
        { ["made", "--inputs", "4", "--hidden", "4", "--seed", "1", "--degrees", "sorted", "--out", "{root}/made"], "sorted" },
        { ["made", "--inputs", "4", "--hidden", "4", "--seed", "1", "--name", "1Bad", "--out", "{root}/made"], "--name" },
        { ["made", "--inputs", "4", "--hidden", "4", "--seed", "1", "--name", "class", "--out", "{root}/made"], "keyword" },
        { ["made", "--inputs", "4", "--hidden", "4", "--seed", "1", "--name", "__arglist", "--out", "{root}/made"], "keyword" },
        { ["made", "--inputs", "4", "--hidden", "4", "--seed", "1", "--degrees", "cyclic", "--out", "{root}/made"], "--seed has no effect" },
        { ["made", "--inputs", "4", "--hidden", "4", "--seed", "1", "--out", "{root}/old"], "old/0.txt exists; give --force" },
        { ["made", "--inputs", "4", "--hidden", "4", "--seed", "1", "--out", "{root}/folders", "--force"], "folders/2.txt: is a folder" },
        { ["made", "--inputs", "4", "--hidden", "4", "--seed", "1", "--name", "ReLU", "--out", "{root}/made"], "the name of a type" },
        { ["made", "--inputs", "4", "--hidden", "4", "--seed", "1", "--name", "_", "--out", "{root}/made"], "--name _" },
        { ["fanin", "--inputs", "-5", "--outputs", "-5", "--fan-in", "1", "--seed", "1", "--out", "{root}/new/f.txt"], "--inputs" },
        { ["banded", "--inputs", "65536", "--outputs", "8200", "--half-width", "0", "--out", "{root}/new/b.txt"], "536,870,895 cells" },
        { ["made", "--inputs", "4", "--hidden", "none", "--degrees", "cyclic", "--out", "{root}/deeper"], "4.txt from an earlier made" },
        { ["made", "--inputs", "70000", "--hidden", "8", "--seed", "1", "--out", "{root}/made"], "layer 1 would be 70,000 × 8" },
        { ["made", "--inputs", "784", "--hidden", "500", "--seed", "1", "--multiplier", "3000", "--out", "{root}/made"], "layer 2 would be 500 × 2,352,000" },
        { ["made", "--inputs", "4", "--hidden", "4", "--seed", "1", "--out", "{root}/existing.txt"], "is a file" },
        { ["made", "--inputs", "4", "--hidden", "4", "--seed", "1", "--out", "{root}/existing.txt/made"], "is a file" },
        { ["made", "--inputs", "4", "--hidden", "4", "--seed", "1"], "--out" },
        { ["random", "--inputs", "4", "--outputs", "3", "--density", "1.5", "--seed", "1", "--out", "{root}/r.txt"], "--density" },
        { ["random", "--inputs", "4", "--outputs", "3", "--density", "0.5", "--seed", "-1", "--out", "{root}/r.txt"], "-1" },
        { ["random", "--inputs", "4", "--outputs", "3", "--density", "0.5", "--seed", "1", "--out", "{root}/new/r.txt", "--extra"], "--extra" },
        { ["random", "--inputs", "4", "--outputs", "3", "--density", "0.5", "--seed", "1", "--out", "{root}"], "is a folder" },
        { ["random", "--inputs", "2", "--outputs", "2", "--density", "0.5", "--seed", "1", "--out", "{root}/existing.txt"], "existing.txt exists; give --force" },
        { ["random", "--inputs", "100000", "--outputs", "100000", "--density", "0.001", "--seed", "1", "--out", "{root}/new/r.txt"], "at most 65,536 inputs and outputs" },
        { ["random", "--inputs", "16384", "--outputs", "16384", "--density", "0.5", "--seed", "1", "--out", "{root}/new/r.txt"], "about 134,217,728 connections; the generator accepts at most 4,194,304 per layer" },
        { ["fanin", "--inputs", "5000", "--outputs", "5000", "--fan-in", "1000", "--seed", "1", "--out", "{root}/new/f.txt"], "would have 5,000,000 connections" },
        { ["patches", "--width", "60000", "--height", "60000", "--patch", "1", "--out", "{root}/new/p.txt"], "3,600,000,000" },
        { ["gmt", "--genes", "{root}/genes.txt", "--sets", "{root}/good.gmt", "--out", "{root}/existing.txt"], "existing.txt exists" },
        { ["fanin", "--inputs", "4", "--outputs", "3", "--fan-in", "5", "--seed", "1", "--out", "{root}/new/f.txt"], "--fan-in" },
        { ["banded", "--inputs", "0", "--outputs", "3", "--half-width", "1", "--out", "{root}/new/b.txt"], "--inputs" },
        { ["banded", "--inputs", "4", "--outputs", "3", "--half-width", "-1", "--out", "{root}/new/b.txt"], "--half-width" },
        { ["patches", "--width", "2", "--height", "5", "--patch", "3", "--out", "{root}/new/p.txt"], "--width" },
        { ["patches", "--width", "5", "--height", "5", "--patch", "3", "--stride", "0", "--out", "{root}/new/p.txt"], "--stride" },
        { ["shuffle", "--in", "{root}/missing.txt", "--seed", "1", "--out", "{root}/new/s.txt"], "missing.txt" },
        { ["shuffle", "--in", "{root}/bad.txt", "--seed", "1", "--out", "{root}/new/s.txt"], "bad.txt: line 2" },
        { ["shuffle", "--in", "{root}/existing.txt", "--seed", "1", "--swaps", "-3", "--out", "{root}/new/s.txt"], "--swaps" },
        { ["gmt", "--genes", "{root}/genes.txt", "--sets", "{root}/bad.gmt", "--out", "{root}/new/g.txt"], "Line 2" },
        { ["gmt", "--genes", "{root}/genes.txt", "--sets", "{root}/good.gmt", "--min", "3", "--out", "{root}/new/g.txt"], "no gene set" },
        { ["gmt", "--genes", "{root}/genes.txt", "--sets", "{root}/good.gmt", "--min", "3", "--max", "2", "--out", "{root}/new/g.txt"], "--max" },
        { ["gmt", "--genes", "{root}/nogenes.txt", "--sets", "{root}/good.gmt", "--out", "{root}/new/g.txt"], "nogenes.txt" },
        { ["inspect", "{root}/bad.txt"], "bad.txt: line 2" },
        { ["inspect", "{root}/missing.txt"], "missing.txt" },
        { ["inspect"], "file" },
        { ["transpose", "--out", "{root}/new/t.txt"], "transpose" },
        { [], "command" },
    };

    [Theory]
    [MemberData(nameof(BadCommands))]
    public void Errors_ExitNonZero_WithOneLineOnStderr_AndWriteNothing(string[] arguments, string named)
    {
        File.WriteAllText(P("existing.txt"), "1 0\n0 1\n");
        File.WriteAllText(P("bad.txt"), "1 0\n0 1 1\n");
        File.WriteAllText(P("genes.txt"), "A\nB\n");
        File.WriteAllText(P("nogenes.txt"), "\n  \n");
        File.WriteAllText(P("good.gmt"), "S1\td\tA\tB\n");
        File.WriteAllText(P("bad.gmt"), "S1\td\tA\tB\nS2\n");
        Directory.CreateDirectory(P("old"));
        File.WriteAllText(P("old/0.txt"), "1 0\n0 1\n");
        Directory.CreateDirectory(P("folders/2.txt"));
        Directory.CreateDirectory(P("deeper"));
        File.WriteAllText(P("deeper/4.txt"), "# customized-linear made --inputs 4 ...\n1 0\n0 1\n");
        string[] before = Listing(root);
        string[] contents = [.. before.Where(File.Exists).Select(File.ReadAllText)];

        Result result = Run([.. arguments.Select(a => a.Replace("{root}", root, StringComparison.Ordinal))]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.EndsWith("\n", result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("customized-linear: ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(named, result.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, Listing(root));
        Assert.Equal(contents, before.Where(File.Exists).Select(File.ReadAllText));
    }

    [Fact]
    public void Force_ReplacesFiles_AndMadeRemovesOnlyTheLayersAnEarlierMadeWrote()
    {
        string path = P("r.txt");
        File.WriteAllText(path, "1\n");
        Succeed("random", "--inputs", "6", "--outputs", "5", "--density", "0.5", "--seed", "4", "--out", path, "--force");
        AssertMaskFile(path, Masks.Random(6, 5, 0.5, 4), "random");

        // A three-layer MADE, then a two-layer one in the same folder: 4.txt was made's and goes; 6.txt and 8.txt
        // were not written by made and stay.
        string folder = P("made");
        Succeed("made", "--inputs", "4", "--hidden", "6,6", "--seed", "1", "--out", folder);
        File.WriteAllText(P("made/6.txt"), "1 0\n");
        File.WriteAllText(P("made/8.txt"), "# customized-linear random\n1 0\n");
        Result result = Succeed("made", "--inputs", "4", "--hidden", "5", "--seed", "2", "--out", folder, "--force");
        Assert.Equal(["0.txt", "2.txt", "6.txt", "8.txt"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        bool[][,] expected = Masks.Made(4, [5], 2);
        AssertMaskFile(P("made/0.txt"), expected[0], "made");
        AssertMaskFile(P("made/2.txt"), expected[1], "made");
        Assert.Contains($"// removed {folder}/4.txt: a layer of the earlier, deeper network", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"// left {folder}/6.txt alone: made did not write it", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"// left {folder}/8.txt alone", result.Stdout, StringComparison.Ordinal);
    }

    public static TheoryData<string[], string> RefusedBeforeBuilding => new()
    {
        // Each would build hundreds of megabytes of mask before the count after building could refuse it.
        { ["fanin", "--inputs", "30000", "--outputs", "17000", "--fan-in", "20000", "--seed", "1", "--out", "{root}/f.txt"], "340,000,000 connections" },
        { ["patches", "--width", "256", "--height", "256", "--patch", "170", "--out", "{root}/p.txt"], "218,744,100 connections" },
        { ["random", "--inputs", "20000", "--outputs", "20000", "--density", "0.5", "--seed", "1", "--out", "{root}/r.txt"], "about 200,000,000 connections" },
        { ["made", "--inputs", "784", "--hidden", "500", "--seed", "1", "--multiplier", "3000", "--out", "{root}/made"], "layer 2 would be 500 × 2,352,000" },
    };

    [Theory]
    [MemberData(nameof(RefusedBeforeBuilding))]
    public void SizesOverTheLimits_AreRefusedBeforeTheMaskIsBuilt(string[] arguments, string named)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        Result result = Run([.. arguments.Select(a => a.Replace("{root}", root, StringComparison.Ordinal))]);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(named, result.Stderr, StringComparison.Ordinal);
        Assert.True(allocated < 16 << 20, $"{allocated:N0} bytes allocated: the mask was built before it was refused");
        Assert.Empty(Directory.GetFileSystemEntries(root));
    }

    [Fact]
    public void WriteAll_FailingAtAnyStep_PutsBackEveryFileItReplacedOrRemoved()
    {
        Directory.CreateDirectory(P("kept"));
        File.WriteAllText(P("kept/a.txt"), "old a\n");
        File.WriteAllText(P("kept/c.txt"), "old c\n");
        string[] before = Listing(root);
        PlannedFile Planned(string relative, string text) => new(P(relative), writer => writer.Write(text));
        PlannedFile[] files = [Planned("kept/a.txt", "new a\n"), Planned("kept/b.txt", "new b\n"), Planned("fresh/d.txt", "new d\n")];
        string[] remove = [P("kept/c.txt")];

        void AssertUntouched()
        {
            Assert.Equal(before, Listing(root));
            Assert.Equal("old a\n", File.ReadAllText(P("kept/a.txt")));
            Assert.Equal("old c\n", File.ReadAllText(P("kept/c.txt")));
        }

        // Every step of the commit: before and after a.txt is backed up, before the new b.txt and d.txt (d.txt in a
        // folder this call creates), and before c.txt is removed.
        (string, Output.CommitStep)[] failures =
        [
            (P("kept/a.txt"), Output.CommitStep.Replacing), (P("kept/a.txt"), Output.CommitStep.MovedAside),
            (P("kept/b.txt"), Output.CommitStep.Replacing), (P("fresh/d.txt"), Output.CommitStep.Replacing),
            (P("kept/c.txt"), Output.CommitStep.Removing),
        ];
        var reached = new HashSet<(string, Output.CommitStep)>();
        foreach ((string, Output.CommitStep) failAt in failures)
        {
            var e = Assert.Throws<IOException>(() => Output.WriteAll(files, remove, (target, step) =>
            {
                reached.Add((target, step));
                if ((target, step) == failAt)
                {
                    throw new IOException("disk full (simulated)");
                }
            }));
            Assert.Equal("disk full (simulated)", e.Message);
            AssertUntouched();
        }

        Assert.Equal(failures.ToHashSet(), reached);

        // A writer that throws, and a check of a written file that fails: nothing replaced either.
        var throwing = new PlannedFile(P("kept/a.txt"), writer => throw new IOException("no space"));
        Assert.Contains("kept/a.txt", Assert.Throws<IOException>(() => Output.WriteAll([Planned("kept/b.txt", "b\n"), throwing])).Message, StringComparison.Ordinal);
        AssertUntouched();
        var refused = new PlannedFile(P("kept/a.txt"), writer => writer.Write("x\n"), _ => throw new ToolException("refused"));
        Assert.Throws<ToolException>(() => Output.WriteAll([Planned("kept/b.txt", "b\n"), refused]));
        AssertUntouched();

        // A path planned twice is a bug of the caller, refused before anything is written.
        Assert.Throws<InvalidOperationException>(() => Output.WriteAll([Planned("kept/b.txt", "1\n"), Planned("kept/b.txt", "2\n")]));
        Assert.Throws<InvalidOperationException>(() => Output.WriteAll([Planned("kept/c.txt", "1\n")], remove));
        AssertUntouched();

        Output.WriteAll(files, remove);
        Assert.Equal("new a\n", File.ReadAllText(P("kept/a.txt")));
        Assert.Equal("new d\n", File.ReadAllText(P("fresh/d.txt")));
        Assert.False(File.Exists(P("kept/c.txt")));
        Assert.Equal([P("fresh"), P("fresh/d.txt"), P("kept"), P("kept/a.txt"), P("kept/b.txt")], Listing(root));
    }

    [Fact]
    public void Help_GoesToStdout_AndSucceeds()
    {
        Result result = Run("made", "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--hidden", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(["--help"], Program.CommandLine(["--help"]).Split(' ').Skip(1));
    }
}
