using System.Collections.Immutable;
using System.Linq;
using CustomizedLinear.Generator.Emitting;
using CustomizedLinear.Generator.Model;
using CustomizedLinear.Generator.Parsing;
using Microsoft.CodeAnalysis;

namespace CustomizedLinear.Generator;

/// <summary>
/// Generates a masked linear layer for every <c>[MaskedLinear("mask.txt")]</c> partial class
/// (declaration → matched mask file → parsed layer → source) and a network for every <c>[Sequential(...)]</c>
/// partial class (declaration → the layers it holds → checked network → source). Every step's output is a
/// value-equatable model, so an edit re-runs only what it touches: a mask edit regenerates its layer and the
/// networks that hold it.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class MaskedLinearGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<LayerDeclaration> declared = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                LayerDeclarationReader.AttributeMetadataName,
                static (node, _) => LayerDeclarationReader.IsCandidate(node),
                static (ctx, ct) => LayerDeclarationReader.Read(ctx, ct))
            .WithTrackingName(TrackingNames.Declarations);

        IncrementalValueProvider<ImmutableArray<(string HintName, string Site)>> hintNames = declared
            .Select(static (d, _) => (d.HintName, d.Site))
            .Collect()
            .WithTrackingName(TrackingNames.HintNames);

        IncrementalValuesProvider<LayerDeclaration> declarations = declared
            .Combine(hintNames)
            .Select(static (pair, _) => pair.Left with { HintName = HintNames.Unique(pair.Left.HintName, pair.Left.Site, pair.Right, LayerDeclarationReader.HintNameSuffix) ?? "" })
            .WithTrackingName(TrackingNames.UniqueDeclarations);

        // Only the mask files are read; other additional files are never turned into text.
        IncrementalValueProvider<EquatableArray<string>> maskPaths = declarations
            .Select(static (d, _) => d.ResolvedMaskPath)
            .Collect()
            .Select(static (paths, _) => paths.Distinct().OrderBy(p => p, System.StringComparer.Ordinal).ToEquatableArray())
            .WithTrackingName(TrackingNames.MaskPaths);

        IncrementalValueProvider<ImmutableArray<MaskFileText>> files = context.AdditionalTextsProvider
            .Combine(maskPaths)
            .Select(static (pair, ct) =>
            {
                string normalized = MaskPaths.Normalize(pair.Left.Path);
                return pair.Right.Contains(normalized) ? new MaskFileText(pair.Left.Path, normalized, pair.Left.GetText(ct)?.ToString()) : null;
            })
            .Where(static file => file is not null)
            .Select(static (file, _) => file!)
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

        IncrementalValuesProvider<NetworkResult> networks = NetworkPipeline(context, layers);
        context.RegisterSourceOutput(
            networks.Select(static (result, _) => result.Diagnostics).WithTrackingName(TrackingNames.NetworkDiagnostics),
            static (spc, diagnostics) =>
            {
                foreach (DiagnosticInfo diagnostic in diagnostics)
                {
                    spc.ReportDiagnostic(diagnostic.ToDiagnostic());
                }
            });

        context.RegisterSourceOutput(
            networks.Select(static (result, _) => result.Network).WithTrackingName(TrackingNames.NetworkSources),
            static (spc, network) =>
            {
                if (network is not null)
                {
                    spc.AddSource(network.HintName, NetworkEmitter.Emit(network));
                }
            });

        // Diagnostics and sources leave separately: a diagnostic's location moves with every edit above
        // it, and that must not re-emit a layer's source.
        context.RegisterSourceOutput(
            layers.Select(static (result, _) => result.Diagnostics).WithTrackingName(TrackingNames.Diagnostics),
            static (spc, diagnostics) =>
            {
                foreach (DiagnosticInfo diagnostic in diagnostics)
                {
                    spc.ReportDiagnostic(diagnostic.ToDiagnostic());
                }
            });

        context.RegisterSourceOutput(
            layers.Select(static (result, _) => result.Layer).WithTrackingName(TrackingNames.Sources),
            static (spc, layer) =>
            {
                if (layer is not null)
                {
                    spc.AddSource(layer.HintName, LayerEmitter.Emit(layer));
                }
            });
    }

    private static IncrementalValuesProvider<NetworkResult> NetworkPipeline(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<LayerResult> layers)
    {
        IncrementalValuesProvider<NetworkDeclaration> declared = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                NetworkDeclarationReader.AttributeMetadataName,
                static (node, _) => LayerDeclarationReader.IsCandidate(node),
                static (ctx, ct) => NetworkDeclarationReader.Read(ctx, ct))
            .WithTrackingName(TrackingNames.NetworkDeclarations);

        IncrementalValueProvider<ImmutableArray<(string HintName, string Site)>> hintNames = declared
            .Select(static (d, _) => (d.HintName, d.Site))
            .Collect()
            .WithTrackingName(TrackingNames.NetworkHintNames);

        IncrementalValueProvider<ImmutableArray<LayerModel>> generatedLayers = layers
            .Select(static (result, _) => result.Layer)
            .Where(static layer => layer is not null)
            .Select(static (layer, _) => layer!)
            .Collect()
            .WithTrackingName(TrackingNames.GeneratedLayers);

        // Each network takes only its own layers out of the collection, so a mask edit re-checks only the networks holding it.
        return declared
            .Combine(hintNames)
            .Select(static (pair, _) => pair.Left with { HintName = HintNames.Unique(pair.Left.HintName, pair.Left.Site, pair.Right, NetworkDeclarationReader.HintNameSuffix) ?? "" })
            .Combine(generatedLayers)
            .Select(static (pair, _) => NetworkBuilder.Match(pair.Left, pair.Right))
            .WithTrackingName(TrackingNames.NetworkLayers)
            .Select(static (input, ct) => NetworkBuilder.Build(input, ct))
            .WithTrackingName(TrackingNames.Networks);
    }
}
