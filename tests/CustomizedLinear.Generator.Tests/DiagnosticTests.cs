using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace CustomizedLinear.Generator.Tests;

/// <summary>Each diagnostic: its ID, severity, message and location.</summary>
public sealed class DiagnosticTests
{
    private const string MaskFile = GeneratorHarness.SourceDirectory + "/masks/m.txt";

    [Fact]
    public void MissingMaskFileIsReportedAtTheAttributeArgumentWithTheLineToAdd()
    {
        var run = GeneratorHarness.RunSingle("1 0\n", attributeArguments: "\"masks/missing.txt\"");
        Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("CL0001", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        string message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(
            "Mask file 'masks/missing.txt' was not found: no AdditionalFiles item has the path '/project/src/masks/missing.txt'. Add <AdditionalFiles Include=\"/project/src/masks/missing.txt\" /> to the project file.",
            message);
        FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
        Assert.Equal(GeneratorHarness.SourceDirectory + "/Layers.cs", span.Path);
        // [MaskedLinear("masks/missing.txt")] is on line 5; the argument starts after "[MaskedLinear(".
        Assert.Equal(new LinePosition(4, 14), span.StartLinePosition);
        Assert.Equal(new LinePosition(4, 14 + "\"masks/missing.txt\"".Length), span.EndLinePosition);
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void TheAdditionalFilesLineIsRelativeToTheProjectWhenTheProjectDirectoryIsKnown()
    {
        Assert.Equal("src/masks/m.txt", Parsing.MaskPaths.RelativeTo("/project/", "/project/src/masks/m.txt"));
        Assert.Equal("/elsewhere/m.txt", Parsing.MaskPaths.RelativeTo("/project", "/elsewhere/m.txt"));
    }

    [Theory]
    [InlineData("1 0 1\n0 x 0\n", 2, 3, "'x' is not a mask cell (in 'x'): a cell is 0 or 1, separated by spaces, tabs or commas")]
    [InlineData("1 0 1\n0 0.5 0\n", 2, 4, "'.' is not a mask cell (in '0.5'): a cell is 0 or 1, separated by spaces, tabs or commas")]
    [InlineData("1 0 1\n1\t2 1\n", 2, 3, "'2' is not a mask cell (in '2'): a cell is 0 or 1, separated by spaces, tabs or commas")]
    [InlineData("101\n1\u00001\n", 2, 2, "'\\u0000' is not a mask cell (in '1\\u00001'): a cell is 0 or 1, separated by spaces, tabs or commas")]
    public void AnInvalidCellIsReportedAtItsLineAndColumnInTheMaskFile(string mask, int line, int column, string message)
    {
        AssertSingleMaskError(mask, "CL0002", line, column, message);
    }

    [Fact]
    public void ARaggedRowSaysHowManyCellsWereExpected()
    {
        AssertSingleMaskError("1 0 1\n0 1 0\n1 1\n", "CL0003", 3, 1, "Mask row has the wrong number of cells: expected 3 cells, found 2 (the first row, on line 1, has 3)");
    }

    [Fact]
    public void AMaskWithNoRowsIsAnError()
    {
        AssertSingleMaskError("# only a comment\n\n  [ ]\n", "CL0004", 1, 1, "Mask file 'm.txt' has no rows: write one row of 0/1 cells per line");
    }

    [Fact]
    public void TwoRowsOnOneLineIsAnError()
    {
        AssertSingleMaskError("[[1, 0], [0, 1]]\n", "CL0005", 1, 10, "']' closes a row and '[' opens another on the same line: write one row per line");
    }

    [Fact]
    public void AClassThatIsNotPartialIsReportedAtItsName()
    {
        var run = GeneratorHarness.Run(
            [(GeneratorHarness.SourceDirectory + "/Layers.cs", "using CustomizedLinear;\n[MaskedLinear(\"m.txt\")]\npublic class Whole { }\n")],
            [(GeneratorHarness.SourceDirectory + "/m.txt", "1\n")]);
        Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("CL0006", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(
            "Class 'Whole' has [MaskedLinear] but is not partial: declare it 'partial class Whole' so the generator can add the layer's members",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(new LinePosition(2, 13), diagnostic.Location.GetLineSpan().StartLinePosition);
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void SeveralBadLinesAreAllReported()
    {
        var run = GeneratorHarness.RunSingle("1 0 1\n1 a 1\n1 1\n1 0 b\n");
        Assert.Equal(["CL0002", "CL0003", "CL0002"], run.GeneratorDiagnostics.Select(d => d.Id));
        Assert.Equal([2, 3, 4], run.GeneratorDiagnostics.Select(d => d.Location.GetLineSpan().StartLinePosition.Line + 1));
    }

    [Fact]
    public void AValidLayerCompilesWithoutAnyDiagnostic()
    {
        var run = GeneratorHarness.RunSingle("1 0 1\n0 1 0\n1 0 1\n1 0 1\n");
        Assert.Empty(run.AllDiagnostics);
        Assert.Single(run.GeneratedSources);
        Assert.Equal("Demo.L.MaskedLinear.g.cs", run.GeneratedSources[0].HintName);
    }

    private static void AssertSingleMaskError(string mask, string id, int line, int column, string message)
    {
        var run = GeneratorHarness.RunSingle(mask);
        Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
        Assert.Equal(MaskFile, span.Path);
        Assert.Equal(new LinePosition(line - 1, column - 1), span.StartLinePosition);
        Assert.Empty(run.GeneratedSources);
    }
}
