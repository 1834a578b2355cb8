using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text;
using CustomizedLinear.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace CustomizedLinear.Generator.Tests;

/// <summary>Every diagnostic of the catalogue: its ID, severity, message text and location.</summary>
public sealed class DiagnosticTests
{
    private const string Src = GeneratorHarness.SourceDirectory;

    private const string Mask = Src + "/masks/m.txt";
    private const string Layers = Src + "/Layers.cs";
    private const string Cell = "a cell is 0 or 1, separated by spaces, tabs or commas";

    /// <summary>A project to generate and the one diagnostic it must give.</summary>
    /// <param name="Sources">How many sources are still generated; by default none for an error and the layer otherwise.</param>
    public sealed record Case(string Name, string Source, string MaskText, string Id, DiagnosticSeverity Severity, string File, int Line, int Column, string Message, LanguageVersion Language = LanguageVersion.Latest, int Sources = -1)
    {
        public override string ToString() => Name;
    }

    private static string Layer(string declaration = "public partial class L { }", string attribute = "[MaskedLinear(\"masks/m.txt\")]") =>
        $"using CustomizedLinear;\n\nnamespace Demo;\n\n{attribute}\n{declaration}\n";

    /// <summary>
    /// Two layers from one mask file, <c>A</c> ([in, out]) and <c>B</c> (read [out, in], so its sizes are A's swapped),
    /// then the network: its attribute on line 9, its declaration on line 10.
    /// </summary>
    private static string Network(string attribute, string declaration = "public partial class N { }", string layerA = "public partial class A { }") =>
        Layer(layerA) + "[MaskedLinear(\"masks/m.txt\", Layout = MaskLayout.OutputsByInputs)]\npublic partial class B { }\n" + attribute + "\n" + declaration + "\n";

    /// <summary>The 1-based column of <paramref name="part"/> in <paramref name="line"/>.</summary>
    private static int Column(string line, string part, int occurrence = 1)
    {
        int at = -1;
        for (int i = 0; i < occurrence; i++)
        {
            at = line.IndexOf(part, at + 1, StringComparison.Ordinal);
        }

        return at + 1;
    }

    private const string Chain = "[Sequential(typeof(A), typeof(ReLU), typeof(A))]";
    private const string NotAModule = "[Sequential(typeof(A), typeof(string))]";
    private const string Made = "[Sequential(typeof(A), typeof(ReLU), typeof(B), Autoregressive = true)]";
    private const string MadeOdd = "[Sequential(typeof(A), Autoregressive = true)]";
    private const string OrderAlone = "[Sequential(typeof(A), typeof(B), AutoregressiveOutputs = MadeOutputOrder.Interleaved)]";
    private const string NotAFileActivation = "[Sequential(typeof(A), typeof(Local))]";
    private const string BadOrder = "[Sequential(typeof(A), typeof(B), Autoregressive = true, AutoregressiveOutputs = (MadeOutputOrder)5)]";

    public static readonly Case[] Catalog =
    [
        new("mask file not found", Layer(attribute: "[MaskedLinear(\"masks/missing.txt\")]"), "1\n", "CL0001", DiagnosticSeverity.Error, Layers, 5, 15,
            $"Mask file 'masks/missing.txt' was not found: no AdditionalFiles item has the path '{Src}/masks/missing.txt'. Add <AdditionalFiles Include=\"{Src}/masks/missing.txt\" /> to the project file."),
        new("invalid cell", Layer(), "1 0 1\n0 x 0\n", "CL0002", DiagnosticSeverity.Error, Mask, 2, 3, $"'x' is not a mask cell (in 'x'): {Cell}"),
        new("invalid cell in a token", Layer(), "1 0 1\n0 0.5 0\n", "CL0002", DiagnosticSeverity.Error, Mask, 2, 4, $"'.' is not a mask cell (in '0.5'): {Cell}"),
        new("invalid digit after a tab", Layer(), "1 0 1\n1\t2 1\n", "CL0002", DiagnosticSeverity.Error, Mask, 2, 3, $"'2' is not a mask cell (in '2'): {Cell}"),
        new("NUL character", Layer(), "101\n1\u00001\n", "CL0002", DiagnosticSeverity.Error, Mask, 2, 2, $"'\\u0000' is not a mask cell (in '1\\u00001'): {Cell}"),
        new("ragged row", Layer(), "1 0 1\n0 1 0\n1 1\n", "CL0003", DiagnosticSeverity.Error, Mask, 3, 1,
            "Mask row has the wrong number of cells: expected 3 cells, found 2 (the first row, on line 1, has 3)"),
        new("empty mask", Layer(), "# only a comment\n\n  [ ]\n", "CL0004", DiagnosticSeverity.Error, Mask, 1, 1, "Mask file 'm.txt' has no rows: write one row of 0/1 cells per line"),
        new("two rows on one line", Layer(), "[[1, 0], [0, 1]]\n", "CL0005", DiagnosticSeverity.Error, Mask, 1, 10,
            "']' closes a row and '[' opens another on the same line: write one row per line"),
        new("class not partial", Layer("public class Whole { }"), "1\n", "CL0006", DiagnosticSeverity.Error, Layers, 6, 14,
            "Class 'Whole' has [MaskedLinear] but is not partial: declare it 'partial class Whole' so the generator can add the layer's members"),
        new("empty mask path", Layer(attribute: "[MaskedLinear(\"\")]"), "1\n", "CL0007", DiagnosticSeverity.Error, Layers, 5, 15,
            "[MaskedLinear] needs the path of a mask file, relative to this source file"),
        new("nested in a non-partial type", Layer("public class Outer\n{\n    [MaskedLinear(\"masks/m.txt\")]\n    public partial class Inner { }\n}", attribute: ""), "1\n", "CL0008", DiagnosticSeverity.Error, Layers, 9, 26,
            "Class 'Inner' is nested in 'Outer', which is not partial: declare 'Outer' partial so the generator can add to 'Inner'"),
        new("generic class", Layer("public partial class Generic<T> { }"), "1\n", "CL0009", DiagnosticSeverity.Error, Layers, 6, 22,
            "Class 'Generic' has [MaskedLinear] but is generic: a layer's shape comes from its mask file, so it takes no type parameters"),
        new("static class", Layer("public static partial class Fixed { }"), "1\n", "CL0010", DiagnosticSeverity.Error, Layers, 6, 29,
            "Class 'Fixed' has [MaskedLinear] but is static: a layer holds its weights in instances"),
        new("mask larger than the limit", Layer(), TooLargeMask(), "CL0011", DiagnosticSeverity.Error, Mask, 2049, 1,
            "Mask is larger than the supported limit: it has 4,196,352 connections (2,049 × 2,048); the limit is 4,194,304 connections"),
        new("mask wider than the limit", Layer(), "1" + new string('0', 65536) + "\n", "CL0011", DiagnosticSeverity.Error, Mask, 1, 1,
            "Mask is larger than the supported limit: it has 1 × 65,537 rows and columns; the limit is 65,536 rows or columns"),
        new("member name collision", Layer("public partial class L\n{\n    public void Forward(float[] x) { }\n}"), "1\n", "CL0012", DiagnosticSeverity.Error, Layers, 8, 17,
            "'L' already has a member named 'Forward', which the generator adds to every layer: rename or remove it"),
        new("field name collision", Layer("public partial class L\n{\n    private int _weights;\n}"), "1\n", "CL0012", DiagnosticSeverity.Error, Layers, 8, 17,
            "'L' already has a member named '_weights', which the generator adds to every layer: rename or remove it"),
        new("parallel gradients field collision", Layer("public partial class L\n{\n    private object? _tileGradients;\n}"), "1\n", "CL0012", DiagnosticSeverity.Error, Layers, 8, 21,
            "'L' already has a member named '_tileGradients', which the generator adds to every layer: rename or remove it"),
        new("inherited member collision", Layer("public partial class L : Base { }") + "public class Base { public int Weights => 0; }\n", "1\n", "CL0012", DiagnosticSeverity.Error, Layers, 6, 22,
            "'L' already has a member named 'Weights' inherited from 'Base', which the generator adds to every layer: rename or remove it"),
        new("explicit interface member collision", Layer("public partial class L : CustomizedLinear.IMaskedLinear\n{\n    int CustomizedLinear.IMaskedLinear.InputSize => 0;\n}"), "1\n", "CL0012", DiagnosticSeverity.Error, Layers, 8, 40,
            "'L' already has an explicit implementation of 'IMaskedLinear.InputSize', which the generator adds to every layer: rename or remove it"),
        new("constructor collision", Layer("public partial class L\n{\n    public L(int size) { }\n}"), "1\n", "CL0012", DiagnosticSeverity.Error, Layers, 8, 12,
            "'L' already has the constructor 'L(int)', which the generator adds to every layer: rename or remove it"),
        new("output without connections", Layer(), "1 0 1\n0 0 1\n", "CL0013", DiagnosticSeverity.Info, Mask, 1, 3,
            "Output 1 (mask column 1) has no connections: it is always its bias"),
        new("output without connections, [out, in] layout", Layer(attribute: "[MaskedLinear(\"masks/m.txt\", Bias = false, Layout = MaskLayout.OutputsByInputs)]"), "1 1\n0 0\n", "CL0013", DiagnosticSeverity.Info, Mask, 2, 1,
            "Output 1 (mask row 1) has no connections: it is always 0"),
        new("input without connections", Layer(), "1 0 1\n0 0 0\n1 1 0\n", "CL0014", DiagnosticSeverity.Info, Mask, 2, 1,
            "Input 1 (mask row 1) has no connections: the layer ignores it"),
        new("no connections at all", Layer(), "0 0\n0 0\n", "CL0015", DiagnosticSeverity.Warning, Mask, 1, 1, "Mask 'm.txt' has no connections: every output is always its bias"),
        new("layer too large to unroll", Layer(), SnapshotTests.LargeMask(), "CL0016", DiagnosticSeverity.Info, Layers, 5, 15,
            "Layer 'L' is too large to unroll into straight-line code (9000 connections; at most 8192 connections are unrolled): it uses a table-driven kernel over compile-time index data, about 6 bytes of source per connection"),
        new("layer too wide to unroll", Layer(), new string('1', 4096) + new string('0', 4095) + "\n" + new string('0', 4096) + new string('1', 4095) + "\n", "CL0016", DiagnosticSeverity.Info, Layers, 5, 15,
            "Layer 'L' is too large to unroll into straight-line code (8193 inputs and outputs; at most 8192 inputs and outputs are unrolled): it uses a table-driven kernel over compile-time index data, about 6 bytes of source per connection"),
        new("file-local class", Layer("file partial class Local { }"), "1\n", "CL0017", DiagnosticSeverity.Error, Layers, 6, 20,
            "Class 'Local' cannot take the generated members: it is a 'file' type, which can only be extended in its own file, and the members are generated in another"),
        new("primary constructor", Layer("public partial class L(string name) { }"), "1\n", "CL0017", DiagnosticSeverity.Error, Layers, 6, 22,
            "Class 'L' cannot take the generated members: it has a primary constructor, which the generated constructors L() and L(int seed) cannot call; remove the parameter list"),
        new("base class without a parameterless constructor", Layer("public partial class L : Named { }") + "public class Named { public Named(string name) { } }\n", "1\n", "CL0017", DiagnosticSeverity.Error, Layers, 6, 22,
            "Class 'L' cannot take the generated members: its base class 'Named' has no accessible parameterless constructor for the generated constructors to call"),
        new("C# 10", Layer(), "1\n", "CL0017", DiagnosticSeverity.Error, Layers, 6, 22,
            "Class 'L' cannot take the generated members: the project uses C# 10.0, and the generated code needs C# 11 or later (it uses file-local types)", LanguageVersion.CSharp10),
        new("layout out of range", Layer(attribute: "[MaskedLinear(\"masks/m.txt\", Layout = (MaskLayout)7)]"), "1\n", "CL0018", DiagnosticSeverity.Error, Layers, 5, 15,
            "Layout = 7 is not a MaskLayout value: use MaskLayout.InputsByOutputs or MaskLayout.OutputsByInputs"),
        new("network not partial", Network("[Sequential(typeof(A))]", "public class Whole { }"), "1 1\n1 1\n", "CL0006", DiagnosticSeverity.Error, Layers, 10, 14,
            "Class 'Whole' has [Sequential] but is not partial: declare it 'partial class Whole' so the generator can add the network's members", Sources: 2),
        new("generic network", Network("[Sequential(typeof(A))]", "public partial class Generic<T> { }"), "1 1\n1 1\n", "CL0009", DiagnosticSeverity.Error, Layers, 10, 22,
            "Class 'Generic' has [Sequential] but is generic: a network's shape comes from its layers, so it takes no type parameters", Sources: 2),
        new("static network", Network("[Sequential(typeof(A))]", "public static partial class Fixed { }"), "1 1\n1 1\n", "CL0010", DiagnosticSeverity.Error, Layers, 10, 29,
            "Class 'Fixed' has [Sequential] but is static: a network holds its layers in instances", Sources: 2),
        new("network member collision", Network("[Sequential(typeof(A), typeof(ReLU), typeof(B))]", "public partial class N\n{\n    public int Layer2 => 0;\n}"), "1 1\n1 1\n", "CL0012", DiagnosticSeverity.Error, Layers, 12, 16,
            "'N' already has a member named 'Layer2', which the generator adds to every network: rename or remove it", Sources: 2),
        new("network core method collision", Network("[Sequential(typeof(A), typeof(ReLU), typeof(B))]", "public partial class N\n{\n    private void BackwardCore() { }\n}"), "1 1\n1 1\n", "CL0012", DiagnosticSeverity.Error, Layers, 12, 18,
            "'N' already has a member named 'BackwardCore', which the generator adds to every network: rename or remove it", Sources: 2),
        new("both layer and network", Network("// no network here", "", layerA: "[Sequential(typeof(B))]\npublic partial class A { }"), "1 1\n1 1\n", "CL0017", DiagnosticSeverity.Error, Layers, 7, 22,
            "Class 'A' cannot take the generated members: it has both [MaskedLinear] and [Sequential]; a network holds its layers, declare them as classes of their own", Sources: 2),
        new("entry that is not a module", Network(NotAModule), "1 1\n1 1\n", "CL0019", DiagnosticSeverity.Error, Layers, 9, Column(NotAModule, "typeof(string)"),
            "typeof(string) cannot be a module of 'N': it is a class that neither has [MaskedLinear] nor implements IActivation; an entry of [Sequential] is a [MaskedLinear] class of this project or a type implementing IActivation", Sources: 2),
        new("no masked layer", Network("[Sequential(typeof(ReLU), typeof(Tanh))]"), "1 1\n1 1\n", "CL0020", DiagnosticSeverity.Error, Layers, 9, 2,
            "[Sequential] on 'N' has no masked layer: a network needs at least one [MaskedLinear] class among its modules", Sources: 2),
        new("sizes that do not chain", Network(Chain), "1 1 1\n1 1 1\n", "CL0021", DiagnosticSeverity.Error, Layers, 9, Column(Chain, "typeof(A)", 2),
            "'A' (module 2) takes 2 inputs, but 3 reach it from 'A' (module 0): each layer's InputSize must equal the size before it", Sources: 2),
        new("not autoregressive", Network(Made), "1 1\n1 1\n", "CL0022", DiagnosticSeverity.Error, Layers, 9, Column(Made, "Autoregressive"),
            "'N' is not autoregressive: output 0 (variable 0) depends on input 0 through input 0 → Layer0 output 0 → output 0, but may depend only on inputs before 0", Sources: 2),
        new("autoregressive output size", Network(MadeOdd), "1 1 1\n1 1 1\n", "CL0023", DiagnosticSeverity.Error, Layers, 9, Column(MadeOdd, "Autoregressive"),
            "'N' cannot be autoregressive: its 3 outputs are not a multiple of its 2 inputs (a MADE network has OutputSize = k · InputSize)", Sources: 2),
        new("layer less accessible than the network", Network("[Sequential(typeof(A))]", layerA: "internal partial class A { }"), "1 1\n1 1\n", "CL0024", DiagnosticSeverity.Info, Layers, 9, 13,
            "'N.Layer0' is internal, not public like 'N': its type 'A' is internal", Sources: 3),
        new("activation in a file-local type", Network(NotAFileActivation) + "file sealed class Local : IActivation\n{\n    public static void Forward(System.ReadOnlySpan<float> input, System.Span<float> output) { }\n    public static void Backward(System.ReadOnlySpan<float> input, System.ReadOnlySpan<float> outputGrad, System.Span<float> inputGrad) { }\n}\n", "1 1\n1 1\n", "CL0019", DiagnosticSeverity.Error, Layers, 9, Column(NotAFileActivation, "typeof(Local)"),
            "typeof(Demo.Local) cannot be a module of 'N': it is a 'file' type (or nested in one), which the generated network, in another file, cannot name; an entry of [Sequential] is a [MaskedLinear] class of this project or a type implementing IActivation", Sources: 2),
        new("output order out of range", Network(BadOrder), "1 1\n1 1\n", "CL0025", DiagnosticSeverity.Error, Layers, 9, Column(BadOrder, "AutoregressiveOutputs"),
            "AutoregressiveOutputs = 5 is not a MadeOutputOrder value: use MadeOutputOrder.Concatenated or MadeOutputOrder.Interleaved", Sources: 2),
        new("output order without autoregressive", Network(OrderAlone), "1 1\n1 1\n", "CL0026", DiagnosticSeverity.Warning, Layers, 9, Column(OrderAlone, "AutoregressiveOutputs"),
            "AutoregressiveOutputs on 'N' has no effect without Autoregressive = true: nothing is checked; add Autoregressive = true or remove it", Sources: 3),
    ];

    public static IEnumerable<object[]> Cases => Catalog.Select(c => new object[] { c.Name });

    [Fact]
    public void EveryDescriptorHasACase()
    {
        var ids = typeof(Diagnostics.DiagnosticDescriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => ((DiagnosticDescriptor)f.GetValue(null)!).Id);
        Assert.Empty(ids.Except(Catalog.Select(c => c.Id)));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void DiagnosticHasItsIdSeverityMessageAndLocation(string name)
    {
        Case c = Catalog.Single(x => x.Name == name);
        var run = GeneratorHarness.Run([(Layers, c.Source)], [(Mask, c.MaskText)], parseOptions: GeneratorHarness.ParseOptions.WithLanguageVersion(c.Language));
        Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal(c.Id, diagnostic.Id);
        Assert.Equal(c.Severity, diagnostic.Severity);
        Assert.Equal(c.Message, diagnostic.GetMessage(CultureInfo.InvariantCulture));
        FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
        Assert.Equal(c.File, span.Path);
        Assert.Equal((c.Line, c.Column), (span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1));
        // An error generates nothing; an Info or a warning still gives a layer.
        Assert.Equal(c.Sources >= 0 ? c.Sources : c.Severity == DiagnosticSeverity.Error ? 0 : 1, run.GeneratedSources.Length);
    }

    [Theory]
    [InlineData("private")]
    [InlineData("protected")]
    [InlineData("internal")]
    public void ANestedNetworksLayersAreSeenWhereverTheNetworkIs(string access)
    {
        // The property is public unless its layer type is seen less far than the network: the containing type
        // can use the layers of its own private network, and a derived type those of a protected one.
        string derived = access == "private" ? "" : $"\n\npublic class Derived : Outer\n{{\n    {access} static int Probe2(Outer.N n) => n.Layer0.Weights.Length;\n}}";
        string source = Network("", $"public partial class Outer\n{{\n    [Sequential(typeof(A))]\n    {access} partial class N {{ }}\n\n    {access} static int Probe(N n) => n.Layer0.Weights.Length;\n}}" + derived);
        var run = GeneratorHarness.Run([(Layers, source)], [(Mask, "1 1\n1 1\n")]);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.Compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.Contains("public global::Demo.A Layer0 { get; }", run.GeneratedSources.Single(s => s.HintName.EndsWith(".Sequential.g.cs", StringComparison.Ordinal)).SourceText.ToString());
    }

    [Fact]
    public void TheCatalogRendersAsTheBuildPrintsIt()
    {
        var text = new StringBuilder();
        foreach (Case c in Catalog)
        {
            var run = GeneratorHarness.Run([(Layers, c.Source)], [(Mask, c.MaskText)], parseOptions: GeneratorHarness.ParseOptions.WithLanguageVersion(c.Language));
            text.Append("// ").Append(c.Name).Append('\n');
            foreach (Diagnostic diagnostic in run.GeneratorDiagnostics)
            {
                text.Append(Render(diagnostic)).Append('\n');
            }
        }

        Snapshot.Verify(text.ToString(), "Diagnostics", "txt");
    }

    [Fact]
    public void TwoAttributesOnOneClassAreTheCompilersCS0579()
    {
        Assert.False(typeof(MaskedLinearAttribute).GetCustomAttribute<AttributeUsageAttribute>()!.AllowMultiple);
        var run = GeneratorHarness.Run(
            [(Layers, Layer(attribute: "[MaskedLinear(\"masks/m.txt\")]\n[MaskedLinear(\"masks/m.txt\", Bias = false)]"))],
            [(Mask, "1 0\n0 1\n")]);
        Assert.Contains(run.AllDiagnostics, d => d.Id == "CS0579" && d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void NamesThatDifferOnlyInCaseOrByGenericArityEachGetALayer()
    {
        var run = GeneratorHarness.Run(
            [
                (Layers, Layer("public partial class Layer { }")),
                (Src + "/Lower.cs", Layer("public partial class layer { }")),
                (Src + "/Generic.cs", Layer("public partial class O<T> { [MaskedLinear(\"masks/m.txt\")] public partial class L { } }", attribute: "")),
                (Src + "/Underscore.cs", Layer("public partial class O_T_ { [MaskedLinear(\"masks/m.txt\")] public partial class L { } }", attribute: "")),
            ],
            [(Mask, "1 0\n1 1\n")]);
        Assert.DoesNotContain(run.AllDiagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
        Assert.Equal(4, run.GeneratedSources.Length);
        Assert.Equal(4, run.GeneratedSources.Select(s => s.HintName.ToUpperInvariant()).Distinct().Count());
    }

    [Fact]
    public void TheAttributeOnTwoPartsOfOneClassIsCS0579AndTheGeneratorDoesNotThrow()
    {
        var run = GeneratorHarness.Run(
            [(Layers, Layer("public partial class L { }") + "[MaskedLinear(\"masks/m.txt\")]\npublic partial class L { }\n")],
            [(Mask, "1 0\n1 1\n")]);
        Assert.DoesNotContain(run.AllDiagnostics, d => d.Id is "CS8785" or "CS8784");
        Assert.Contains(run.AllDiagnostics, d => d.Id == "CS0579");
        Assert.Single(run.GeneratedSources);
    }

    [Fact]
    public void SeveralBadLinesAreAllReported()
    {
        var run = GeneratorHarness.RunSingle("1 0 1\n1 a 1\n1 1\n1 0 b\n");
        Assert.Equal(["CL0002", "CL0003", "CL0002"], run.GeneratorDiagnostics.Select(d => d.Id));
        Assert.Equal([2, 3, 4], run.GeneratorDiagnostics.Select(d => d.Location.GetLineSpan().StartLinePosition.Line + 1));
    }

    [Fact]
    public void TheAdditionalFilesLineIsRelativeToTheProjectWhenTheProjectDirectoryIsKnown()
    {
        Assert.Equal("src/masks/m.txt", Parsing.MaskPaths.RelativeTo("/project/", "/project/src/masks/m.txt"));
        Assert.Equal("/elsewhere/m.txt", Parsing.MaskPaths.RelativeTo("/project", "/elsewhere/m.txt"));
    }

    [Fact]
    public void AValidLayerCompilesWithoutAnyDiagnostic()
    {
        var run = GeneratorHarness.RunSingle("1 0 1\n0 1 0\n1 0 1\n1 0 1\n");
        Assert.Empty(run.AllDiagnostics);
        Assert.Equal("Demo.L.MaskedLinear.g.cs", Assert.Single(run.GeneratedSources).HintName);
    }

    public static string Render(Diagnostic diagnostic)
    {
        FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
        string severity = diagnostic.Severity.ToString().ToLowerInvariant();
        return string.Create(CultureInfo.InvariantCulture, $"{span.Path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}): {severity} {diagnostic.Id}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}");
    }

    /// <summary>2049 rows of 2048 ones: one row more than the connection limit allows.</summary>
    private static string TooLargeMask()
    {
        string row = new string('1', 2048) + "\n";
        return new StringBuilder(row.Length * 2049).Insert(0, row, 2049).ToString();
    }
}
