using System.Globalization;

namespace CustomizedLinear.Generator.Emitting;

/// <summary>Fully qualified names used in generated code, so user types never shadow them.</summary>
internal static class Names
{
    public const string Span = "global::System.Span<float>";
    public const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
    public const string Interface = "global::CustomizedLinear.IMaskedLinear";
    public const string SpanShapes = "global::CustomizedLinear.CompilerServices.SpanShapes";
    public const string ParameterInitializer = "global::CustomizedLinear.CompilerServices.ParameterInitializer";
    public const string ConnectionMask = "global::CustomizedLinear.CompilerServices.ConnectionMask";
    public const string GeneratedCode = "global::System.CodeDom.Compiler.GeneratedCode";
    public const string SparseKernels = "global::CustomizedLinear.CompilerServices.SparseKernels";
    public const string FusedLayer = "global::CustomizedLinear.CompilerServices.IFusedLayer";
    public const string FusedActivation = "global::CustomizedLinear.CompilerServices.FusedActivation";
    public const string NetworkActivations = "global::CustomizedLinear.CompilerServices.NetworkActivations";
    public const string NetworkScratch = "global::CustomizedLinear.CompilerServices.NetworkScratch";
    public const string NetworkInterface = "global::CustomizedLinear.IMaskedNetwork";
    public const string MaskedLinearList = "global::System.Collections.Generic.IReadOnlyList<global::CustomizedLinear.IMaskedLinear>";
    public const string NamedLayerList = "global::System.Collections.Generic.IReadOnlyList<(string Prefix, global::CustomizedLinear.IMaskedLinear Layer)>";

    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
