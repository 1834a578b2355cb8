using System;
using System.Globalization;
using System.Linq;
using System.Threading;
using CustomizedLinear.Testing;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace CustomizedLinear.Generator.Tests;

/// <summary>Same input, same bytes: across runs, line endings, cultures and project locations.</summary>
public sealed class DeterminismTests
{
    private const string Arguments = "\"masks/m.txt\"";

    [Fact]
    public void TwoRunsGiveTheSameBytes()
    {
        SourceText first = Generate(SnapshotTests.SeedMask, GeneratorHarness.SourceDirectory);
        SourceText second = Generate(SnapshotTests.SeedMask, GeneratorHarness.SourceDirectory);
        AssertSameBytes(first, second);
        Snapshot.Verify(first.ToString(), "SeedWithBias");
    }

    [Fact]
    public void CrlfAndLfMasksGiveTheSameBytes()
    {
        SourceText lf = Generate(SnapshotTests.SeedMask, GeneratorHarness.SourceDirectory);
        SourceText crlf = Generate(SnapshotTests.SeedMask.Replace("\n", "\r\n", StringComparison.Ordinal), GeneratorHarness.SourceDirectory);
        AssertSameBytes(lf, crlf);
        Snapshot.Verify(crlf.ToString(), "SeedWithBias");
    }

    [Theory]
    [InlineData("de-DE")]
    [InlineData("tr-TR")]
    [InlineData("ar-SA")]
    public void TheCurrentCultureChangesNothing(string culture)
    {
        SourceText invariant = Generate(SnapshotTests.LargeMask(), GeneratorHarness.SourceDirectory);
        CultureInfo saved = CultureInfo.CurrentCulture, savedUi = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo(culture);
            AssertSameBytes(invariant, Generate(SnapshotTests.LargeMask(), GeneratorHarness.SourceDirectory));
            Snapshot.Verify(Generate(SnapshotTests.SeedMask, GeneratorHarness.SourceDirectory).ToString(), "SeedWithBias");
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
            CultureInfo.CurrentUICulture = savedUi;
        }
    }

    [Fact]
    public void TheProjectsAbsolutePathChangesNothing()
    {
        SourceText here = Generate(SnapshotTests.SeedMask, "/project/src");
        SourceText there = Generate(SnapshotTests.SeedMask, "/somewhere/else/entirely/src");
        SourceText windows = Generate(SnapshotTests.SeedMask, "C:\\Users\\dev\\Project\\src");
        AssertSameBytes(here, there);
        AssertSameBytes(here, windows);
        Snapshot.Verify(there.ToString(), "SeedWithBias");
    }

    private static SourceText Generate(string mask, string directory)
    {
        string separator = directory.Contains('\\', StringComparison.Ordinal) ? "\\" : "/";
        var run = GeneratorHarness.Run(
            [(directory + separator + "Layers.cs", $"using CustomizedLinear;\n\nnamespace Demo;\n\n[MaskedLinear({Arguments})]\npublic partial class SeedLayer {{ }}\n")],
            [(directory + separator + "masks" + separator + "m.txt", mask)]);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
        return Assert.Single(run.GeneratedSources).SourceText;
    }

    private static void AssertSameBytes(SourceText expected, SourceText actual)
    {
        Assert.Equal(expected.ToString(), actual.ToString());
        Assert.Equal(expected.Encoding?.WebName, actual.Encoding?.WebName);
        Assert.True(expected.GetChecksum().SequenceEqual(actual.GetChecksum()), "checksums differ");
    }
}
