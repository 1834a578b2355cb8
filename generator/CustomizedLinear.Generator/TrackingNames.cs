namespace CustomizedLinear.Generator;

/// <summary>Names of the pipeline steps, for <c>WithTrackingName</c> and the caching tests.</summary>
internal static class TrackingNames
{
    public const string Declarations = nameof(Declarations);
    public const string HintNames = nameof(HintNames);
    public const string UniqueDeclarations = nameof(UniqueDeclarations);
    public const string MaskPaths = nameof(MaskPaths);
    public const string AdditionalFiles = nameof(AdditionalFiles);
    public const string AllAdditionalFiles = nameof(AllAdditionalFiles);
    public const string ProjectDirectory = nameof(ProjectDirectory);
    public const string MatchedMasks = nameof(MatchedMasks);
    public const string Layers = nameof(Layers);
    public const string Diagnostics = nameof(Diagnostics);
    public const string Sources = nameof(Sources);
    public const string NetworkDeclarations = nameof(NetworkDeclarations);
    public const string NetworkHintNames = nameof(NetworkHintNames);
    public const string GeneratedLayers = nameof(GeneratedLayers);
    public const string NetworkLayers = nameof(NetworkLayers);
    public const string Networks = nameof(Networks);
    public const string NetworkDiagnostics = nameof(NetworkDiagnostics);
    public const string NetworkSources = nameof(NetworkSources);
}
