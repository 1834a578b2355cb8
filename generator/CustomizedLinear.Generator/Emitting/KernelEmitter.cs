using System.Collections.Generic;
using System.Linq;
using System.Text;
using CustomizedLinear.Generator.Model;
using CustomizedLinear.Generator.Limits;

namespace CustomizedLinear.Generator.Emitting;

/// <summary>
/// Writes a layer's per-sample kernels as its <see cref="KernelPlan"/> says: straight-line code over the
/// connections (one term per connection, nothing for a missing one, methods cut into the plan's parts), or
/// calls into the shared table-driven loops.
/// </summary>
internal static class KernelEmitter
{
    private const int NumbersPerLine = 32;

    private const string W = "global::System.ReadOnlySpan<float> w";

    /// <summary>One statement, preceded by a comment when it starts an output's or an input's block.</summary>
    private readonly record struct Statement(string? Comment, string Code);

    public static void Write(SourceWriter writer, LayerModel layer, string className)
    {
        // The kernels sit at namespace level, so a nested layer is named through its containing types.
        string cref = string.Concat(layer.ContainingTypes.Select(t => t.NameWithTypeParameters.Replace('<', '{').Replace('>', '}') + ".")) + layer.ClassName;
        writer.WriteLine(layer.Kernels.Unrolled
            ? $"/// <summary>Index data and straight-line kernels of <see cref=\"{cref}\"/>; one sample per call.</summary>"
            : $"/// <summary>Index data and table-driven kernels of <see cref=\"{cref}\"/>; one sample per call.</summary>");
        writer.OpenBlock($"file static class {className}");

        WriteIndexData(writer, layer);
        writer.WriteLine();
        writer.WriteLine("/// <summary>The connections cut into cache-sized blocks of inputs, for the batch kernels; built on first use.</summary>");
        writer.WriteLine("internal static global::CustomizedLinear.CompilerServices.ConnectionBlocks? Blocks;");

        string forwardParameters = layer.HasBias
            ? $"{W}, global::System.ReadOnlySpan<float> b, global::System.ReadOnlySpan<float> x, global::System.Span<float> y"
            : $"{W}, global::System.ReadOnlySpan<float> x, global::System.Span<float> y";
        string inputGradParameters = $"{W}, global::System.ReadOnlySpan<float> dy, global::System.Span<float> dx";
        string runs = layer.Kernels.ContiguousRuns ? ", contiguousRuns: true" : "";
        string weightGradParameters = "global::System.ReadOnlySpan<float> x, global::System.ReadOnlySpan<float> dy, global::System.Span<float> gw";

        writer.WriteLine();
        writer.WriteLine("/// <summary><c>y = W·x + b</c> for one sample.</summary>");
        if (layer.Kernels.Unrolled)
        {
            WriteMethod(writer, "Forward", forwardParameters, ForwardStatements(layer), layer.Kernels.ForwardParts);
        }
        else
        {
            string bias = layer.HasBias ? "b" : "global::System.ReadOnlySpan<float>.Empty";
            writer.WriteLine($"internal static void Forward({forwardParameters}) => {Names.SparseKernels}.ForwardOne(OutputStarts, ConnectionInputs, w, {bias}, x, y{runs});");
        }

        if (layer.Kernels.Unrolled)
        {
            writer.WriteLine();
            writer.WriteLine("/// <summary><c>dx = Wᵀ·dy</c> for one sample (overwrites <paramref name=\"dx\"/>).</summary>");
            WriteMethod(writer, "InputGrad", inputGradParameters, InputGradStatements(layer), layer.Kernels.InputGradParts);
        }

        writer.WriteLine();
        writer.WriteLine("/// <summary><c>gw += dy·xᵀ</c> at the connected positions, for one sample.</summary>");
        if (layer.Kernels.Unrolled)
        {
            WriteMethod(writer, "AccumulateWeightGrad", weightGradParameters, WeightGradStatements(layer), layer.Kernels.WeightGradParts);
        }
        else
        {
            writer.WriteLine($"internal static void AccumulateWeightGrad({weightGradParameters}) => {Names.SparseKernels}.AccumulateWeightGradOne(OutputStarts, ConnectionInputs, x, dy, gw{runs});");
        }

        string backwardParameters = $"{W}, global::System.ReadOnlySpan<float> x, global::System.ReadOnlySpan<float> dy, global::System.Span<float> gw, global::System.Span<float> dx";
        writer.WriteLine();
        if (layer.Kernels.Unrolled)
        {
            writer.WriteLine("/// <summary><see cref=\"AccumulateWeightGrad\"/> and <see cref=\"InputGrad\"/> for one sample.</summary>");
            writer.OpenBlock($"internal static void Backward({backwardParameters})");
            writer.WriteLine("AccumulateWeightGrad(x, dy, gw);");
            writer.WriteLine("InputGrad(w, dy, dx);");
            writer.CloseBlock();
        }
        else
        {
            writer.WriteLine("/// <summary><see cref=\"AccumulateWeightGrad\"/> and <c>dx = Wᵀ·dy</c> (overwrites <paramref name=\"dx\"/>) in one pass, for one sample.</summary>");
            writer.WriteLine($"internal static void Backward({backwardParameters}) => {Names.SparseKernels}.BackwardOne(OutputStarts, ConnectionInputs, w, x, dy, gw, dx{runs});");
        }

        writer.CloseBlock();
    }

    /// <summary>The connections as compile-time data: stored in the assembly image, never allocated.</summary>
    private static void WriteIndexData(SourceWriter writer, LayerModel layer)
    {
        writer.WriteLine("/// <summary>Connections of output <c>o</c> are <c>OutputStarts[o] .. OutputStarts[o + 1]</c>.</summary>");
        WriteInts(writer, "OutputStarts", layer.OutputStarts);
        writer.WriteLine();
        writer.WriteLine("/// <summary>The input of each connection, in the order of the packed weights.</summary>");
        WriteInts(writer, "ConnectionInputs", layer.ConnectionInputs);
    }

    private static void WriteInts(SourceWriter writer, string name, EquatableArray<int> values)
    {
        writer.OpenBlock($"internal static global::System.ReadOnlySpan<int> {name} => new int[]");
        var line = new StringBuilder();
        for (int i = 0; i < values.Count; i++)
        {
            line.Append(Names.Int(values[i])).Append(',');
            if ((i + 1) % NumbersPerLine == 0 || i == values.Count - 1)
            {
                writer.WriteLine(line.ToString());
                line.Clear();
            }
            else
            {
                line.Append(' ');
            }
        }

        writer.CloseBlock(";");
    }

    /// <summary>One method, or, where the plan cuts it into parts, a method that calls each part in turn.</summary>
    private static void WriteMethod(SourceWriter writer, string name, string parameters, List<Statement> statements, EquatableArray<int> partStarts)
    {
        if (partStarts.Count <= 1)
        {
            writer.OpenBlock($"internal static void {name}({parameters})");
            WriteStatements(writer, statements);
            writer.CloseBlock();
            return;
        }

        string arguments = string.Join(", ", parameters.Split(',').Select(p => p.Trim().Split(' ').Last()));
        writer.OpenBlock($"internal static void {name}({parameters})");
        for (int i = 0; i < partStarts.Count; i++)
        {
            writer.WriteLine($"{name}Part{Names.Int(i)}({arguments});");
        }

        writer.CloseBlock();
        for (int i = 0; i < partStarts.Count; i++)
        {
            int end = i + 1 < partStarts.Count ? partStarts[i + 1] : statements.Count;
            writer.WriteLine();
            writer.OpenBlock($"private static void {name}Part{Names.Int(i)}({parameters})");
            WriteStatements(writer, statements.GetRange(partStarts[i], end - partStarts[i]));
            writer.CloseBlock();
        }
    }

    private static void WriteStatements(SourceWriter writer, List<Statement> statements)
    {
        bool first = true;
        foreach (Statement statement in statements)
        {
            if (statement.Comment is not null)
            {
                if (!first)
                {
                    writer.WriteLine();
                }

                writer.WriteLine(statement.Comment);
            }

            writer.WriteLine(statement.Code);
            first = false;
        }
    }

    private static List<Statement> ForwardStatements(LayerModel layer)
    {
        var statements = new List<Statement>();
        for (int output = 0; output < layer.OutputSize; output++)
        {
            int start = layer.OutputStarts[output];
            int end = layer.OutputStarts[output + 1];
            var inputs = Enumerable.Range(start, end - start).Select(k => layer.ConnectionInputs[k]).ToList();
            string comment = inputs.Count == 0
                ? $"// output {output}: no inputs, {(layer.HasBias ? "only its bias" : "always 0")}"
                : $"// output {output} ← {Plural("input", inputs)}";
            string target = $"y[{output}]";
            string? head = layer.HasBias ? $"b[{output}]" : null;
            var terms = Enumerable.Range(start, end - start).Select(k => $"w[{k}] * x[{layer.ConnectionInputs[k]}]").ToList();
            AddSum(statements, comment, target, head, terms);
        }

        return statements;
    }

    private static List<Statement> InputGradStatements(LayerModel layer)
    {
        // Connections feeding each input, in output order: the transpose of the canonical order.
        var byInput = new List<(int K, int Output)>[layer.InputSize];
        for (int input = 0; input < layer.InputSize; input++)
        {
            byInput[input] = [];
        }

        for (int output = 0; output < layer.OutputSize; output++)
        {
            for (int k = layer.OutputStarts[output]; k < layer.OutputStarts[output + 1]; k++)
            {
                byInput[layer.ConnectionInputs[k]].Add((k, output));
            }
        }

        var statements = new List<Statement>();
        for (int input = 0; input < layer.InputSize; input++)
        {
            var connections = byInput[input];
            string comment = connections.Count == 0
                ? $"// input {input} feeds no output"
                : $"// input {input} → {Plural("output", connections.Select(c => c.Output).ToList())}";
            AddSum(statements, comment, $"dx[{input}]", null, connections.Select(c => $"w[{c.K}] * dy[{c.Output}]").ToList());
        }

        return statements;
    }

    private static List<Statement> WeightGradStatements(LayerModel layer)
    {
        var statements = new List<Statement>();
        for (int output = 0; output < layer.OutputSize; output++)
        {
            int start = layer.OutputStarts[output];
            int end = layer.OutputStarts[output + 1];
            if (start == end)
            {
                continue;
            }

            string? comment = $"// output {output} ← {Plural("input", Enumerable.Range(start, end - start).Select(k => layer.ConnectionInputs[k]).ToList())}";
            for (int k = start; k < end; k++)
            {
                statements.Add(new Statement(comment, $"gw[{k}] += dy[{output}] * x[{layer.ConnectionInputs[k]}];"));
                comment = null;
            }
        }

        return statements;
    }

    /// <summary><c>target = head + t0 + … ;</c> in the statements <see cref="KernelLimits.SumStatementTerms"/> cuts it into.</summary>
    private static void AddSum(List<Statement> statements, string comment, string target, string? head, List<string> terms)
    {
        int i = 0;
        foreach (int count in KernelLimits.SumStatementTerms(terms.Count))
        {
            string code = count == 0
                ? $"{target} = {head ?? "0f"};"
                : i == 0
                    ? $"{target} = {(head is null ? "" : head + " + ")}{string.Join(" + ", terms.GetRange(i, count))};"
                    : $"{target} += {string.Join(" + ", terms.GetRange(i, count))};";
            statements.Add(new Statement(i == 0 ? comment : null, code));
            i += count;
        }
    }

    /// <summary>"input 3" or "inputs 0-2, 5, 7-9".</summary>
    private static string Plural(string noun, List<int> indices)
    {
        var builder = new StringBuilder(noun);
        if (indices.Count != 1)
        {
            builder.Append('s');
        }

        builder.Append(' ');
        for (int i = 0; i < indices.Count;)
        {
            int j = i;
            while (j + 1 < indices.Count && indices[j + 1] == indices[j] + 1)
            {
                j++;
            }

            if (i > 0)
            {
                builder.Append(", ");
            }

            builder.Append(Names.Int(indices[i]));
            if (j > i)
            {
                builder.Append(j == i + 1 ? ", " : "-").Append(Names.Int(indices[j]));
            }

            i = j + 1;
        }

        return builder.ToString();
    }
}
