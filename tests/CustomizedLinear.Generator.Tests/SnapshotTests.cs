using System.Linq;
using CustomizedLinear.Testing;
using Xunit;

namespace CustomizedLinear.Generator.Tests;

/// <summary>The generated code, as a reviewer reads it, pinned in Snapshots/*.verified.cs.</summary>
public sealed class SnapshotTests
{
    public const string SeedMask = "# The seed's mask: 4 inputs (rows) x 3 outputs (columns).\n1 0 1\n0 1 0\n1 0 1\n1 0 1\n";

    [Fact]
    public void SeedMaskWithoutBias() => Snapshot.Verify(GenerateSingle(SeedMask, "\"masks/m.txt\", Bias = false", "SeedLayer"), "SeedWithoutBias");

    [Fact]
    public void SeedMaskWithBias() => Snapshot.Verify(GenerateSingle(SeedMask, "\"masks/m.txt\"", "SeedLayer"), "SeedWithBias");

    [Fact]
    public void OutputsByInputsMask() => Snapshot.Verify(
        GenerateSingle("# [out, in]: output o sees inputs before it (MADE)\n0000\n1000\n1100\n1110\n1111\n", "\"masks/m.txt\", Layout = MaskLayout.OutputsByInputs", "MadeLayer"),
        "OutputsByInputs");

    [Fact]
    public void MaskWithAnEmptyOutputColumn() => Snapshot.Verify(
        GenerateSingle("1 0 1 1\n0 0 1 0\n1 0 0 1\n", "\"masks/m.txt\"", "Pathway"),
        "EmptyOutputColumn");

    [Fact]
    public void LargeMaskUsesTheTableDrivenKernel() => Snapshot.Verify(GenerateSingle(LargeMask(), "\"masks/m.txt\"", "Large"), "LargeMask");

    [Fact]
    public void MadeNetworkRunsStraightLineAndFused() => Snapshot.Verify(GenerateNetwork(
        """
        [MaskedLinear("masks/in.txt")] public partial class Hidden { }
        [MaskedLinear("masks/out.txt")] public partial class Logits { }

        [Sequential(typeof(Hidden), typeof(ReLU), typeof(Logits), typeof(Sigmoid), Autoregressive = true)]
        public partial class Made { }
        """,
        ("masks/in.txt", "# MADE input degrees 1..3, hidden degrees 1, 2, 1, 2\n1 1 1 1\n0 1 0 1\n0 0 0 0\n"),
        ("masks/out.txt", "0 1 1\n0 0 1\n0 1 1\n0 0 1\n")),
        "SequentialMade");

    [Fact]
    public void NetworkWithAUserActivationRunsLayerByLayer() => Snapshot.Verify(GenerateNetwork(
        """
        using System;

        [MaskedLinear("masks/a.txt")] public partial class A { }

        public sealed class Leaky : IActivation
        {
            static void IActivation.Forward(ReadOnlySpan<float> input, Span<float> output) { }
            static void IActivation.Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad) { }
        }

        [Sequential(typeof(Tanh), typeof(A), typeof(Leaky), typeof(A), typeof(SiLU))]
        public partial class Net { }
        """,
        ("masks/a.txt", "1 1\n0 1\n")),
        "SequentialUserActivation");

    /// <summary>The network's generated source, out of a project holding <paramref name="declarations"/> and its masks.</summary>
    public static string GenerateNetwork(string declarations, params (string Path, string Text)[] masks)
    {
        var run = GeneratorHarness.Run(
            [(GeneratorHarness.SourceDirectory + "/Network.cs", "using CustomizedLinear;\n\nnamespace Demo;\n\n" + declarations + "\n")],
            masks.Select(m => (GeneratorHarness.SourceDirectory + "/" + m.Path, m.Text)));
        Assert.DoesNotContain(run.AllDiagnostics, d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning);
        return Assert.Single(run.GeneratedSources, s => s.HintName.EndsWith(".Sequential.g.cs", System.StringComparison.Ordinal)).SourceText.ToString();
    }

    /// <summary>A 100 × 100 mask with 9,000 connections (every tenth diagonal missing): above the unrolling limit, no empty row or column.</summary>
    public static string LargeMask() =>
        string.Concat(Enumerable.Range(0, 100).Select(i => string.Concat(Enumerable.Range(0, 100).Select(o => (i + o) % 10 == 3 ? '0' : '1')) + "\n"));

    public static string GenerateSingle(string mask, string arguments, string className)
    {
        var run = GeneratorHarness.RunSingle(mask, arguments, className);
        Assert.DoesNotContain(run.AllDiagnostics, d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning);
        return Assert.Single(run.GeneratedSources).SourceText.ToString();
    }
}
