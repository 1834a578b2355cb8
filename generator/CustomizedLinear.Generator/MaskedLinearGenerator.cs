using CustomizedLinear.Generator.Emitting;
using CustomizedLinear.Generator.Model;
using CustomizedLinear.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CustomizedLinear.Generator;

/// <summary>
/// Generates a masked linear layer for every <c>[MaskedLinear("mask.txt")]</c> partial class:
/// declaration → matched mask file → parsed layer → source. Every step's output is a value-equatable
/// model, so an edit re-runs only what it touches.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class MaskedLinearGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<LayerDeclaration> declarations = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                LayerDeclarationReader.AttributeMetadataName,
                static (node, _) => node is ClassDeclarationSyntax,
                static (ctx, ct) => LayerDeclarationReader.Read(ctx, ct))
            .WithTrackingName(TrackingNames.Declarations);

        IncrementalValueProvider<System.Collections.Immutable.ImmutableArray<MaskFileText>> files = context.AdditionalTextsProvider
            .Select(static (file, ct) => new MaskFileText(file.Path, MaskPaths.Normalize(file.Path), file.GetText(ct)?.ToString()))
            .WithTrackingName(TrackingNames.AdditionalFiles)
            .Collect()
            .WithTrackingName(TrackingNames.AllAdditionalFiles);

        IncrementalValueProvider<string?> projectDirectory = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => options.GlobalOptions.TryGetValue("build_property.projectdir", out string? directory) ? directory : null)
            .WithTrackingName(TrackingNames.ProjectDirectory);

        IncrementalValuesProvider<LayerResult> layers = declarations
            .Combine(files)
            .Combine(projectDirectory)
            .Select(static (pair, _) => LayerBuilder.Match(pair.Left.Left, pair.Left.Right, pair.Right))
            .WithTrackingName(TrackingNames.MatchedMasks)
            .Select(static (input, ct) => LayerBuilder.Build(input, ct))
            .WithTrackingName(TrackingNames.Layers);

        context.RegisterSourceOutput(layers, static (spc, result) =>
        {
            foreach (DiagnosticInfo diagnostic in result.Diagnostics)
            {
                spc.ReportDiagnostic(diagnostic.ToDiagnostic());
            }

            if (result.Layer is { } layer)
            {
                spc.AddSource(layer.HintName, LayerEmitter.Emit(layer));
            }
        });
    }
}
