using System.Collections.Generic;
using System.Linq;
using System.Text;
using CustomizedLinear.Generator.Model;

namespace CustomizedLinear.Generator.Emitting;

/// <summary>
/// Writes a layer's kernels as straight-line code over its connections: one term per connection,
/// nothing for a missing one. Long kernels are split into parts so that no method grows past the
/// size at which the JIT stops optimizing.
/// </summary>
internal static class KernelEmitter
{
    /// <summary>
    /// Terms per method. A term is about 30 bytes of IL; RyuJIT falls back to minimal optimization
    /// above 60 KB of IL in one method, so 1024 terms keeps every part well below that.
    /// </summary>
    public const int MaxTermsPerMethod = 1024;

    /// <summary>
    /// Above this many connections a layer gets the table-driven kernels: unrolled code costs about
    /// 100 bytes of source per connection (forward, input gradient, weight gradient), the index data
    /// about <see cref="TableBytesPerConnection"/>, so this keeps an unrolled layer under about 1 MB of source.
    /// </summary>
    public const int MaxUnrolledConnections = 8192;

    /// <summary>Source bytes per connection of the index data ("123, " and its share of the line).</summary>
    public const int TableBytesPerConnection = 6;

    private const int NumbersPerLine = 32;

    /// <summary>Terms per statement: keeps lines readable and expression trees shallow.</summary>
    private const int TermsPerStatement = 8;

    private const string W = "global::System.ReadOnlySpan<float> w";

    /// <summary>One statement, preceded by a comment when it starts an output's or an input's block.</summary>
    private readonly record struct Statement(string? Comment, string Code, int Cost);

    public static void Write(SourceWriter writer, LayerModel layer, string className)
    {
        // The kernels sit at namespace level, so a nested layer is named through its containing types.
        string cref = string.Concat(layer.ContainingTypes.Select(t => t.NameWithTypeParameters.Replace('<', '{').Replace('>', '}') + ".")) + layer.ClassName;
        writer.WriteLine(layer.Unrolled
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
        string runs = layer.Unrolled ? "" : Runs(layer);
        string weightGradParameters = "global::System.ReadOnlySpan<float> x, global::System.ReadOnlySpan<float> dy, global::System.Span<float> gw";

        writer.WriteLine();
        writer.WriteLine("/// <summary><c>y = W·x + b</c> for one sample.</summary>");
        if (layer.Unrolled)
        {
            WriteMethod(writer, "Forward", forwardParameters, ForwardStatements(layer));
        }
        else
        {
            string bias = layer.HasBias ? "b" : "global::System.ReadOnlySpan<float>.Empty";
            writer.WriteLine($"internal static void Forward({forwardParameters}) => {SparseKernels}.ForwardOne(OutputStarts, ConnectionInputs, w, {bias}, x, y{runs});");
        }

        if (layer.Unrolled)
        {
            writer.WriteLine();
            writer.WriteLine("/// <summary><c>dx = Wᵀ·dy</c> for one sample (overwrites <paramref name=\"dx\"/>).</summary>");
            WriteMethod(writer, "InputGrad", inputGradParameters, InputGradStatements(layer));
        }

        writer.WriteLine();
        writer.WriteLine("/// <summary><c>gw += dy·xᵀ</c> at the connected positions, for one sample.</summary>");
        if (layer.Unrolled)
        {
            WriteMethod(writer, "AccumulateWeightGrad", weightGradParameters, WeightGradStatements(layer));
        }
        else
        {
            writer.WriteLine($"internal static void AccumulateWeightGrad({weightGradParameters}) => {SparseKernels}.AccumulateWeightGradOne(OutputStarts, ConnectionInputs, x, dy, gw{runs});");
        }

        string backwardParameters = $"{W}, global::System.ReadOnlySpan<float> x, global::System.ReadOnlySpan<float> dy, global::System.Span<float> gw, global::System.Span<float> dx";
        writer.WriteLine();
        if (layer.Unrolled)
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
            writer.WriteLine($"internal static void Backward({backwardParameters}) => {SparseKernels}.BackwardOne(OutputStarts, ConnectionInputs, w, x, dy, gw, dx{runs});");
        }

        writer.CloseBlock();
    }

    private const string SparseKernels = "global::CustomizedLinear.CompilerServices.SparseKernels";

    /// <summary>
    /// <c>, contiguousRuns: true</c> when at least half of the eight-connection chunks the per-sample kernels load
    /// (from the start of each output) are eight consecutive inputs. Measured at batch 1: the vector loads make a
    /// dense 1024 × 1024 table layer 2.3× faster (forward 196 → 86 µs), while checking for runs on every layer
    /// made a random one at density 0.5 about 20% slower; hence the generator decides per layer.
    /// </summary>
    private static string Runs(LayerModel layer)
    {
        int chunks = 0, contiguous = 0;
        for (int output = 0; output < layer.OutputSize; output++)
        {
            for (int k = layer.OutputStarts[output]; k + 8 <= layer.OutputStarts[output + 1]; k += 8)
            {
                chunks++;
                if (layer.ConnectionInputs[k + 7] - layer.ConnectionInputs[k] == 7)
                {
                    contiguous++;
                }
            }
        }

        return chunks > 0 && 2 * contiguous >= chunks ? ", contiguousRuns: true" : "";
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

    private static void WriteMethod(SourceWriter writer, string name, string parameters, List<Statement> statements)
    {
        List<List<Statement>> parts = Split(statements);
        if (parts.Count <= 1)
        {
            writer.OpenBlock($"internal static void {name}({parameters})");
            WriteStatements(writer, statements);
            writer.CloseBlock();
            return;
        }

        string arguments = string.Join(", ", parameters.Split(',').Select(p => p.Trim().Split(' ').Last()));
        writer.OpenBlock($"internal static void {name}({parameters})");
        for (int i = 0; i < parts.Count; i++)
        {
            writer.WriteLine($"{name}Part{Names.Int(i)}({arguments});");
        }

        writer.CloseBlock();
        for (int i = 0; i < parts.Count; i++)
        {
            writer.WriteLine();
            writer.OpenBlock($"private static void {name}Part{Names.Int(i)}({parameters})");
            WriteStatements(writer, parts[i]);
            writer.CloseBlock();
        }
    }

    private static List<List<Statement>> Split(List<Statement> statements)
    {
        var parts = new List<List<Statement>> { new() };
        int cost = 0;
        foreach (Statement statement in statements)
        {
            if (cost + statement.Cost > MaxTermsPerMethod && parts[parts.Count - 1].Count > 0)
            {
                parts.Add(new List<Statement>());
                cost = 0;
            }

            parts[parts.Count - 1].Add(statement);
            cost += statement.Cost;
        }

        return parts;
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
                statements.Add(new Statement(comment, $"gw[{k}] += dy[{output}] * x[{layer.ConnectionInputs[k]}];", 1));
                comment = null;
            }
        }

        return statements;
    }

    /// <summary><c>target = head + t0 + … ;</c> in statements of at most <see cref="TermsPerStatement"/> terms.</summary>
    private static void AddSum(List<Statement> statements, string comment, string target, string? head, List<string> terms)
    {
        if (terms.Count == 0)
        {
            statements.Add(new Statement(comment, $"{target} = {head ?? "0f"};", 1));
            return;
        }

        for (int i = 0; i < terms.Count; i += TermsPerStatement)
        {
            var chunk = terms.Skip(i).Take(TermsPerStatement).ToList();
            string sum = string.Join(" + ", chunk);
            string code = i == 0
                ? $"{target} = {(head is null ? "" : head + " + ")}{sum};"
                : $"{target} += {sum};";
            statements.Add(new Statement(i == 0 ? comment : null, code, chunk.Count));
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
