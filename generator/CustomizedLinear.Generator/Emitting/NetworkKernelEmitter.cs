using System.Collections.Generic;
using System.Linq;
using CustomizedLinear.Generator.Limits;
using CustomizedLinear.Generator.Model;

namespace CustomizedLinear.Generator.Emitting;

/// <summary>
/// Writes a network's straight-line kernel: one sample through every module in one method, one multiply-add per
/// connection as in the layers' own unrolled kernels, built-in activations inline, every value in a local.
/// </summary>
internal static class NetworkKernelEmitter
{
    public static void Write(SourceWriter w, NetworkModel network, string className)
    {
        string cref = string.Concat(network.ContainingTypes.Select(t => t.NameWithTypeParameters.Replace('<', '{').Replace('>', '}') + ".")) + network.ClassName;
        w.WriteLine($"/// <summary>The straight-line kernel of <see cref=\"{cref}\"/>: one sample per call, values in locals.</summary>");
        w.OpenBlock($"file static class {className}");

        var parameters = new List<string>();
        foreach (ModuleEntry module in network.Modules.Where(m => m.IsLayer))
        {
            parameters.Add($"{Names.ReadOnlySpan} w{Names.Int(module.Index)}");
            if (network.LayerOf(module).HasBias)
            {
                parameters.Add($"{Names.ReadOnlySpan} b{Names.Int(module.Index)}");
            }
        }

        parameters.Add($"{Names.ReadOnlySpan} x");
        parameters.Add($"{Names.Span} y");
        w.WriteLine("/// <summary><c>y = net(x)</c> for one sample.</summary>");
        w.OpenBlock($"internal static void Forward({string.Join(", ", parameters)})");
        WriteBody(w, network, training: false);
        w.CloseBlock();

        var kept = Enumerable.Range(1, network.Modules.Count).Where(v => network.Plan.SavedOffsets[v] >= 0).ToList();
        parameters.AddRange(kept.Select(v => $"{Names.Span} s{Names.Int(v)}"));
        w.WriteLine();
        w.WriteLine("/// <summary><see cref=\"Forward\"/>, the same arithmetic, also storing the values <c>Backward</c> reads (<c>s{value}</c>).</summary>");
        w.OpenBlock($"internal static void ForwardTraining({string.Join(", ", parameters)})");
        WriteBody(w, network, training: true);
        w.CloseBlock();
        w.CloseBlock();
    }

    private static void WriteBody(SourceWriter w, NetworkModel network, bool training)
    {
        int count = network.Modules.Count;

        // Outputs with neither connections nor bias are the constant 0f, written where they are read: a local
        // that holds a constant nobody reads would be warning CS0219 in the user's build.
        var zeros = new HashSet<(int Value, int Unit)>();
        string Value(int value, int unit) => zeros.Contains((value, unit)) ? "0f" : NetworkKernelEmitter.Value(value, unit);
        bool first = true;
        for (int m = 0; m < count; m++)
        {
            ModuleEntry module = network.Modules[m];
            int value = m + 1;
            if (!first)
            {
                w.WriteLine();
            }

            first = false;
            if (module.IsLayer)
            {
                LayerModel layer = network.LayerOf(module);
                string i = Names.Int(module.Index);
                w.WriteLine($"// ({i}) {module.DisplayName}: {Names.Int(layer.InputSize)} → {Names.Int(layer.OutputSize)}, {Names.Int(layer.ConnectionCount)} connections");
                for (int o = 0; o < layer.OutputSize; o++)
                {
                    var terms = new List<string>();
                    for (int k = layer.OutputStarts[o]; k < layer.OutputStarts[o + 1]; k++)
                    {
                        terms.Add($"w{i}[{Names.Int(k)}] * {Value(m, layer.ConnectionInputs[k])}");
                    }

                    if (terms.Count == 0 && !layer.HasBias)
                    {
                        zeros.Add((value, o));
                        continue;
                    }

                    WriteSum(w, Value(value, o), layer.HasBias ? $"b{i}[{Names.Int(o)}]" : null, terms);
                }
            }
            else
            {
                w.WriteLine($"// ({Names.Int(module.Index)}) {module.DisplayName}");
                string function = $"{Names.NetworkActivations}.{ScalarFunction(module.BuiltIn)}";
                for (int j = 0; j < network.Widths[value]; j++)
                {
                    w.WriteLine($"float {Value(value, j)} = {function}({Value(m, j)});");
                }
            }

            if (training && network.Plan.SavedOffsets[value] >= 0)
            {
                for (int j = 0; j < network.Widths[value]; j++)
                {
                    w.WriteLine($"s{Names.Int(value)}[{Names.Int(j)}] = {Value(value, j)};");
                }
            }
        }

        w.WriteLine();
        for (int j = 0; j < network.OutputSize; j++)
        {
            w.WriteLine($"y[{Names.Int(j)}] = {Value(count, j)};");
        }
    }

    /// <summary>Unit <paramref name="unit"/> of value <paramref name="value"/>: the input span for value 0, a local after.</summary>
    private static string Value(int value, int unit) =>
        value == 0 ? $"x[{Names.Int(unit)}]" : $"v{Names.Int(value)}_{Names.Int(unit)}";

    /// <summary>As the layers' kernels cut sums (<see cref="KernelLimits.SumStatementTerms"/>), so each sum rounds the same way.</summary>
    private static void WriteSum(SourceWriter w, string local, string? head, List<string> terms)
    {
        int i = 0;
        foreach (int count in KernelLimits.SumStatementTerms(terms.Count))
        {
            w.WriteLine(count == 0
                ? $"float {local} = {head ?? "0f"};"
                : i == 0
                    ? $"float {local} = {(head is null ? "" : head + " + ")}{string.Join(" + ", terms.GetRange(i, count))};"
                    : $"{local} += {string.Join(" + ", terms.GetRange(i, count))};");
            i += count;
        }
    }

    private static string ScalarFunction(string builtIn) => builtIn switch
    {
        "ReLU" => "Relu",
        _ => builtIn,
    };
}
