using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using CustomizedLinear.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace CustomizedLinear.Testing;

/// <summary>An additional file held in memory.</summary>
internal sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
}

/// <summary>The outcome of running the real generator over a small in-memory project.</summary>
/// <param name="InputCompilation">The compilation before generation, to re-run the driver on an edit of it.</param>
/// <param name="Compilation">The compilation with the generated sources added.</param>
internal sealed record GeneratorRun(
    CSharpCompilation InputCompilation,
    CSharpCompilation Compilation,
    GeneratorDriver Driver,
    ImmutableArray<AdditionalText> AdditionalTexts,
    ImmutableArray<Diagnostic> GeneratorDiagnostics,
    ImmutableArray<GeneratedSourceResult> GeneratedSources)
{
    /// <summary>Diagnostics of the compilation including the generated code, generator diagnostics first.</summary>
    public IEnumerable<Diagnostic> AllDiagnostics => GeneratorDiagnostics.Concat(Compilation.GetDiagnostics());

    /// <summary>Emits the compilation and loads it; fails with the compiler's errors when it does not compile.</summary>
    public Assembly EmitAndLoad() => Assembly.Load(Emit());

    /// <summary>The compiled assembly's bytes; fails with the compiler's errors when it does not compile.</summary>
    public byte[] Emit()
    {
        using var stream = new MemoryStream();
        var result = Compilation.Emit(stream);
        if (!result.Success)
        {
            throw new InvalidOperationException("Generated code does not compile:\n" + string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(20)));
        }

        return stream.ToArray();
    }
}

/// <summary>Runs <see cref="MaskedLinearGenerator"/> through <see cref="CSharpGeneratorDriver"/>.</summary>
internal static class GeneratorHarness
{
    public const string SourceDirectory = "/project/src";

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly MetadataReference[] References =
    [
        .. Basic.Reference.Assemblies.Net100.References.All,
        MetadataReference.CreateFromFile(typeof(IMaskedLinear).Assembly.Location),
    ];

    /// <summary>Runs the generator over <paramref name="sources"/> (path, text) and <paramref name="additionalFiles"/> (path, text).</summary>
    /// <param name="trackSteps">
    /// Record every pipeline step, for the caching tests. Off otherwise: the recording grows faster than
    /// linearly with the number of layers (compilers never record), which made large runs take minutes.
    /// </param>
    public static GeneratorRun Run(
        IEnumerable<(string Path, string Text)> sources,
        IEnumerable<(string Path, string Text)> additionalFiles,
        OptimizationLevel optimization = OptimizationLevel.Release,
        CSharpParseOptions? parseOptions = null,
        bool trackSteps = false)
    {
        parseOptions ??= ParseOptions;
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, parseOptions, s.Path)).ToArray();
        CSharpCompilation compilation = CSharpCompilation.Create(
            "Generated" + Guid.NewGuid().ToString("N"),
            trees,
            References,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                optimizationLevel: optimization,
                nullableContextOptions: NullableContextOptions.Enable));

        ImmutableArray<AdditionalText> texts = [.. additionalFiles.Select(f => (AdditionalText)new InMemoryAdditionalText(f.Path, f.Text))];
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new MaskedLinearGenerator().AsSourceGenerator()],
            texts,
            parseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        var runResult = driver.GetRunResult();
        return new GeneratorRun(compilation, (CSharpCompilation)output, driver, texts, diagnostics, runResult.Results.Single().GeneratedSources);
    }

    /// <summary>One layer class in <c>/project/src/Layers.cs</c> with its mask in <c>/project/src/masks/</c>.</summary>
    public static GeneratorRun RunSingle(string maskText, string attributeArguments = "\"masks/m.txt\"", string className = "L", string maskPath = "masks/m.txt")
    {
        string source = $$"""
            using CustomizedLinear;

            namespace Demo;

            [MaskedLinear({{attributeArguments}})]
            public partial class {{className}} { }
            """;
        return Run([(SourceDirectory + "/Layers.cs", source)], [(SourceDirectory + "/" + maskPath, maskText)]);
    }
}
