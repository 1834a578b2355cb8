namespace CustomizedLinear.Generator.Model;

/// <summary>Everything the emitter needs for one layer; connections in canonical order.</summary>
/// <param name="TypeName">The class's fully qualified name (<c>global::…</c>): how networks find the layer.</param>
/// <param name="MaskFileName">The mask file's name, for the generated documentation.</param>
/// <param name="OutputStarts">
/// <c>OutputSize + 1</c> offsets: the connections of output <c>o</c> are
/// <c>OutputStarts[o] .. OutputStarts[o + 1]</c> (CSR over outputs).
/// </param>
/// <param name="ConnectionInputs">The input of each connection, ascending within an output.</param>
/// <param name="Kernels">How the kernels are built, decided before emit.</param>
internal sealed record LayerModel(
    string? Namespace,
    EquatableArray<ContainingTypeInfo> ContainingTypes,
    string ClassName,
    string TypeName,
    string Keyword,
    string HintName,
    string MaskFileName,
    bool HasBias,
    int InputSize,
    int OutputSize,
    EquatableArray<int> OutputStarts,
    EquatableArray<int> ConnectionInputs,
    KernelPlan Kernels)
{
    public int ConnectionCount => ConnectionInputs.Count;
}

/// <summary>The outcome for one declaration: a layer to emit (unless there were errors) and diagnostics.</summary>
internal sealed record LayerResult(LayerModel? Layer, EquatableArray<DiagnosticInfo> Diagnostics);
