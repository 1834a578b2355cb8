using System;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using BenchmarkDotNet.Attributes;
using CustomizedLinear.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace CustomizedLinear.GeneratorBenchmarks;

/// <summary>
/// What the autoregressive proof adds to a build: the generator run from a cold driver on a project with a
/// 784 → 500 → 500 → 784 MADE (three masked layers and a <c>[Sequential]</c> with ReLUs) declared with
/// <c>Autoregressive = true</c>, against the same project with <c>Autoregressive = false</c> (the baseline:
/// the same three layers and network are generated, only the proof is not run).
/// </summary>
/// <remarks>
/// The masks are karpathy's MADE, made in memory: input <c>i</c> has degree <c>i + 1</c>; each hidden unit a degree
/// drawn from 1..783 with a fixed seed per layer; a hidden unit of degree <c>m</c> sees an input iff
/// <c>m ≥ i + 1</c>, a unit of the previous hidden layer of degree <c>m'</c> iff <c>m ≥ m'</c>; output <c>o</c> sees a
/// hidden unit iff <c>o + 1 &gt; m</c>.
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
public class AutoregressiveProofBenchmark
{
    public const int Inputs = 784;
    public const int Hidden = 500;

    private CSharpCompilation _withProof = null!, _withoutProof = null!;
    private ImmutableArray<AdditionalText> _masks;

    [GlobalSetup]
    public void Setup()
    {
        _masks = Masks();
        _withProof = Project(autoregressive: true);
        _withoutProof = Project(autoregressive: false);

        // Both projects must generate the three layers and the network without an error, and only one of them prove it.
        foreach ((CSharpCompilation compilation, bool proved) in new[] { (_withProof, true), (_withoutProof, false) })
        {
            GeneratorRunResult result = GenerationBenchmark.Run(compilation, _masks).Results[0];
            Diagnostic[] errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
            if (errors.Length > 0 || result.GeneratedSources.Length != 4)
            {
                throw new InvalidOperationException($"Expected 4 sources and no error, got {result.GeneratedSources.Length} sources: {string.Join("; ", errors.Select(e => e.ToString()))}");
            }

            string network = result.GeneratedSources.Single(s => s.HintName.Contains("Made", StringComparison.Ordinal)).SourceText.ToString();
            if (network.Contains("proved from the masks", StringComparison.Ordinal) != proved)
            {
                throw new InvalidOperationException($"Autoregressive = {proved}: the network's documentation does not say so.");
            }
        }
    }

    [Benchmark(Baseline = true)]
    public int GenerateWithoutProof() => Generate(_withoutProof);

    [Benchmark]
    public int GenerateWithProof() => Generate(_withProof);

    private int Generate(CSharpCompilation compilation) =>
        GenerationBenchmark.Run(compilation, _masks).Results[0].GeneratedSources.Sum(s => s.SourceText.Length);

    private static CSharpCompilation Project(bool autoregressive)
    {
        var tree = CSharpSyntaxTree.ParseText(
            $$"""
            using CustomizedLinear;

            [MaskedLinear("h0.txt")] public partial class Hidden0 { }
            [MaskedLinear("h1.txt")] public partial class Hidden1 { }
            [MaskedLinear("out.txt")] public partial class Logits { }

            [Sequential(typeof(Hidden0), typeof(ReLU), typeof(Hidden1), typeof(ReLU), typeof(Logits), Autoregressive = {{(autoregressive ? "true" : "false")}})]
            public partial class Made { }
            """,
            new CSharpParseOptions(LanguageVersion.Latest),
            "/made/Made.cs");
        return CSharpCompilation.Create(
            "Made",
            [tree],
            [.. Basic.Reference.Assemblies.Net100.References.All, MetadataReference.CreateFromFile(typeof(MaskedLinearAttribute).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
    }

    /// <summary>The three masks, [in, out] with one row per input.</summary>
    public static ImmutableArray<AdditionalText> Masks()
    {
        int[] inputDegrees = Enumerable.Range(1, Inputs).ToArray();
        int[] first = Degrees(seed: 1), second = Degrees(seed: 2);
        return
        [
            new MaskText("/made/h0.txt", Mask(inputDegrees, first, (m, previous) => m >= previous)),
            new MaskText("/made/h1.txt", Mask(first, second, (m, previous) => m >= previous)),
            new MaskText("/made/out.txt", Mask(second, inputDegrees, (outputDegree, m) => outputDegree > m)),
        ];

        static int[] Degrees(int seed)
        {
            var random = new Random(seed);
            return Enumerable.Range(0, Hidden).Select(_ => random.Next(1, Inputs)).ToArray();
        }
    }

    /// <summary>Cell [i, o] is 1 iff <paramref name="connected"/>(degree of o, degree of i).</summary>
    private static string Mask(int[] inputDegrees, int[] outputDegrees, Func<int, int, bool> connected)
    {
        var text = new StringBuilder((outputDegrees.Length + 1) * inputDegrees.Length + 64);
        text.Append("# MADE\n");
        foreach (int input in inputDegrees)
        {
            foreach (int output in outputDegrees)
            {
                text.Append(connected(output, input) ? '1' : '0');
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private sealed class MaskText(string path, string text) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text);

        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }
}
