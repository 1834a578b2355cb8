using System.Collections.Generic;
using System.Linq;
using System.Threading;
using CustomizedLinear.Generator.Diagnostics;
using CustomizedLinear.Generator.Model;
using CustomizedLinear.Generator.Networks;
using CustomizedLinear.Generator.Planning;
using Microsoft.CodeAnalysis;

namespace CustomizedLinear.Generator;

/// <summary>Checks a network against its layers (sizes, the autoregressive property) and builds the network to emit.</summary>
internal static class NetworkBuilder
{
    /// <summary>
    /// The layers this network holds, out of every generated layer: the only input of <see cref="Build"/> besides the
    /// declaration, so that editing another network's mask leaves this network's build cached.
    /// </summary>
    public static NetworkInput Match(NetworkDeclaration declaration, IReadOnlyList<LayerModel> layers)
    {
        var names = new HashSet<string>(declaration.Modules.Where(m => m.IsLayer).Select(m => m.TypeName));
        return new NetworkInput(declaration, layers.Where(l => names.Contains(l.TypeName)).OrderBy(l => l.TypeName, System.StringComparer.Ordinal).ToEquatableArray());
    }

    public static NetworkResult Build(NetworkInput input, CancellationToken cancellationToken)
    {
        NetworkDeclaration declaration = input.Declaration;
        var diagnostics = new List<DiagnosticInfo>(declaration.Diagnostics);
        if (declaration.Modules.Count == 0 || declaration.HintName.Length == 0 || HasErrors(diagnostics))
        {
            return new NetworkResult(null, diagnostics.ToEquatableArray());
        }

        var byName = input.Layers.ToDictionary(l => l.TypeName);
        if (declaration.Modules.Any(m => m.IsLayer && !byName.ContainsKey(m.TypeName)))
        {
            // A layer that was not generated has reported why, at the layer; saying it again here would only repeat it.
            return new NetworkResult(null, diagnostics.ToEquatableArray());
        }

        foreach (ModuleEntry module in declaration.Modules.Where(m => m.IsLayer && m.Accessibility != "public"))
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.LayerPropertyLessAccessible, module.Location, declaration.ClassName, "Layer" + module.Index, module.Accessibility, declaration.Accessibility, module.DisplayName));
        }

        var layerOfModule = declaration.Modules.Select(m => m.IsLayer ? byName[m.TypeName] : null).ToList();
        List<int>? widths = ChainSizes(declaration, layerOfModule, diagnostics);
        if (widths is null)
        {
            return new NetworkResult(null, diagnostics.ToEquatableArray());
        }

        string autoregressive = "";
        if (declaration.Autoregressive)
        {
            autoregressive = CheckAutoregressive(declaration, layerOfModule, widths, diagnostics, cancellationToken);
            if (HasErrors(diagnostics))
            {
                return new NetworkResult(null, diagnostics.ToEquatableArray());
            }
        }

        var network = new NetworkModel(
            declaration.Namespace,
            declaration.ContainingTypes,
            declaration.ClassName,
            declaration.Keyword,
            declaration.HintName,
            // Without locations: an edit above the declaration moves them, and must not re-emit the source.
            declaration.Modules.Select(m => m with { Location = null }).ToEquatableArray(),
            widths.ToEquatableArray(),
            input.Layers,
            NetworkPlanner.Plan(declaration.Modules, widths, layerOfModule!),
            autoregressive);
        return new NetworkResult(network, diagnostics.ToEquatableArray());
    }

    private static bool HasErrors(List<DiagnosticInfo> diagnostics) =>
        diagnostics.Any(d => d.Descriptor.DefaultSeverity == DiagnosticSeverity.Error);

    /// <summary>The size reaching each module and leaving the last; <see langword="null"/> (and errors) when a layer does not fit.</summary>
    private static List<int>? ChainSizes(NetworkDeclaration declaration, List<LayerModel?> layerOfModule, List<DiagnosticInfo> diagnostics)
    {
        int first = layerOfModule.FindIndex(l => l is not null);
        int width = layerOfModule[first]!.InputSize; // activations before the first layer see the network's input
        var widths = new List<int> { width };
        int previous = -1;
        bool chained = true;
        for (int m = 0; m < declaration.Modules.Count; m++)
        {
            if (layerOfModule[m] is { } layer)
            {
                if (previous >= 0 && layer.InputSize != width)
                {
                    ModuleEntry module = declaration.Modules[m];
                    ModuleEntry before = declaration.Modules[previous];
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.SizesDoNotChain, module.Location, module.DisplayName, module.Index, layer.InputSize, width, before.DisplayName, before.Index));
                    chained = false;
                }

                width = layer.OutputSize;
                previous = m;
            }

            widths.Add(width);
        }

        return chained ? widths : null;
    }

    /// <summary>Proves the MADE property from the masks; returns the documentation's wording, or adds the error.</summary>
    private static string CheckAutoregressive(
        NetworkDeclaration declaration, List<LayerModel?> layerOfModule, List<int> widths, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        int inputs = widths[0];
        int outputs = widths[widths.Count - 1];
        if (outputs % inputs != 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.AutoregressiveOutputSize, declaration.AutoregressiveLocation, declaration.ClassName, outputs, inputs));
            return "";
        }

        var layerModules = Enumerable.Range(0, declaration.Modules.Count).Where(m => layerOfModule[m] is not null).ToList();
        var connections = layerModules
            .Select(m => layerOfModule[m]!)
            .Select(l => new LayerConnections(l.InputSize, l.OutputSize, l.OutputStarts, l.ConnectionInputs))
            .ToList();
        AutoregressiveViolation? violation = AutoregressiveProof.FindViolation(connections, declaration.Interleaved, cancellationToken);
        int copies = outputs / inputs;
        string order = declaration.Interleaved ? "interleaved" : "concatenated";
        if (violation is null)
        {
            return copies == 1
                ? "autoregressive: output o depends only on inputs before o (proved from the masks at build time)"
                : $"autoregressive with {copies} {order} outputs per input: output o depends only on inputs before its variable {(declaration.Interleaved ? "o / " + copies : "o mod " + inputs)} (proved from the masks at build time)";
        }

        var path = new List<string> { $"input {violation.Input}" };
        for (int i = 0; i < violation.Path.Count; i++)
        {
            path.Add($"Layer{declaration.Modules[layerModules[i]].Index} output {violation.Path[i]}");
        }

        path.Add($"output {violation.Output}");
        int variable = declaration.Interleaved ? violation.Output / copies : violation.Output % inputs;
        diagnostics.Add(DiagnosticInfo.Create(
            DiagnosticDescriptors.NotAutoregressive, declaration.AutoregressiveLocation, declaration.ClassName, violation.Output, variable, violation.Input, string.Join(" → ", path)));
        return "";
    }
}

/// <summary>A network declaration with the models of the layers it holds.</summary>
internal sealed record NetworkInput(NetworkDeclaration Declaration, EquatableArray<LayerModel> Layers);
