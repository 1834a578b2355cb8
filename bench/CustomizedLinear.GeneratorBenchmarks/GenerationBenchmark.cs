using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using CustomizedLinear.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace CustomizedLinear.GeneratorBenchmarks;

/// <summary>
/// How long the generator takes for one layer of 10³ … 10⁶ connections, from a cold driver (parse the
/// mask, build the model, emit the source), and how large the source it writes is. The baseline is the
/// C# parser reading that generated source: work the compiler does anyway, so the ratio says what the
/// generator adds on top.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class GenerationBenchmark
{
    [Params(1_000, 10_000, 100_000, 1_000_000)]
    public int Connections { get; set; }

    private CSharpCompilation _compilation = null!;
    private ImmutableArray<AdditionalText> _mask;

    private string _generated = "";

    [GlobalSetup]
    public void Setup()
    {
        (_compilation, _mask) = Project(Connections);
        _generated = Run(_compilation, _mask).Results[0].GeneratedSources.Single().SourceText.ToString();
    }

    [Benchmark(Baseline = true)]
    public int ParseGeneratedSource() => CSharpSyntaxTree.ParseText(_generated).GetRoot().FullSpan.Length;

    [Benchmark]
    public int Generate() => Run(_compilation, _mask).Results[0].GeneratedSources.Sum(s => s.SourceText.Length);

    public static (CSharpCompilation Compilation, ImmutableArray<AdditionalText> Mask) Project(int connections)
    {
        var tree = CSharpSyntaxTree.ParseText(
            "[CustomizedLinear.MaskedLinear(\"mask.txt\")] public partial class Layer { }",
            new CSharpParseOptions(LanguageVersion.Latest),
            "/scale/Layer.cs");
        var compilation = CSharpCompilation.Create(
            "Scale",
            [tree],
            [.. Basic.Reference.Assemblies.Net100.References.All, MetadataReference.CreateFromFile(typeof(MaskedLinearAttribute).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        return (compilation, [new MaskText("/scale/mask.txt", ScaleMasks.Create(connections))]);
    }

    public static GeneratorDriverRunResult Run(CSharpCompilation compilation, ImmutableArray<AdditionalText> mask) =>
        CSharpGeneratorDriver.Create([new MaskedLinearGenerator().AsSourceGenerator()], mask, (CSharpParseOptions)compilation.SyntaxTrees[0].Options)
            .RunGenerators(compilation)
            .GetRunResult();

    private sealed class MaskText(string path, string text) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text);

        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }

    private sealed class Config : BenchmarkDotNet.Configs.ManualConfig
    {
        public Config() => AddColumn(new SourceSizeColumn());
    }

    /// <summary>The size of the generated source in UTF-8 bytes, per connection count.</summary>
    private sealed class SourceSizeColumn : IColumn
    {
        private static readonly Dictionary<int, long> Sizes = [];

        public string Id => nameof(SourceSizeColumn);

        public string ColumnName => "Source";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Size;

        public string Legend => "Generated source, UTF-8";

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            int connections = (int)benchmarkCase.Parameters["Connections"]!;
            if (!Sizes.TryGetValue(connections, out long bytes))
            {
                (var compilation, var mask) = Project(connections);
                bytes = Run(compilation, mask).Results[0].GeneratedSources.Sum(s => (long)System.Text.Encoding.UTF8.GetByteCount(s.SourceText.ToString()));
                Sizes[connections] = bytes;
            }

            return (bytes / 1024.0 / 1024.0).ToString("0.00 MB", System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
