namespace CustomizedLinear.Generator.Model;

/// <summary>Everything the emitter needs for one network, sizes chained and plan decided.</summary>
/// <param name="Modules">The entries, in order.</param>
/// <param name="Widths">
/// <c>Modules.Count + 1</c> sizes: <c>Widths[m]</c> values reach module <c>m</c>, and the last is the network's output.
/// </param>
/// <param name="Layers">The model of each distinct layer type in the network, by <see cref="LayerModel.TypeName"/>.</param>
/// <param name="Plan">How the generated methods run the modules, decided before emit.</param>
/// <param name="Autoregressive">Whether the autoregressive property was proved (for the documentation).</param>
internal sealed record NetworkModel(
    string? Namespace,
    EquatableArray<ContainingTypeInfo> ContainingTypes,
    string ClassName,
    string Keyword,
    string HintName,
    EquatableArray<ModuleEntry> Modules,
    EquatableArray<int> Widths,
    EquatableArray<LayerModel> Layers,
    NetworkPlan Plan,
    string Autoregressive)
{
    public int InputSize => Widths[0];

    public int OutputSize => Widths[Widths.Count - 1];

    public LayerModel LayerOf(ModuleEntry module)
    {
        foreach (LayerModel layer in Layers)
        {
            if (layer.TypeName == module.TypeName)
            {
                return layer;
            }
        }

        return Layers[0]; // unreachable: the builder only makes a model when every layer is found
    }
}

/// <summary>The outcome for one network: a network to emit (unless there were errors) and diagnostics.</summary>
internal sealed record NetworkResult(NetworkModel? Network, EquatableArray<DiagnosticInfo> Diagnostics);
