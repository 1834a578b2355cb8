using System.Collections.Generic;
using System.Linq;
using System.Text;
using CustomizedLinear.Generator.Model;
using CustomizedLinear.Generator.Limits;
using CustomizedLinear.Generator.Planning;

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

    /// <summary>
    /// One statement, preceded by a comment when it starts an output's or an input's block (a comment may be
    /// several lines); with <paramref name="Scope"/>, the lines of a block in braces instead.
    /// </summary>
    private readonly record struct Statement(string? Comment, string Code, IReadOnlyList<string>? Scope = null);

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
        string runs = layer.Kernels.ContiguousRuns ? ", contiguousRuns: true" : "";
        string weightGradParameters = "global::System.ReadOnlySpan<float> x, global::System.ReadOnlySpan<float> dy, global::System.Span<float> gw";

        writer.WriteLine();
        writer.WriteLine("/// <summary><c>y = W·x + b</c> for one sample.</summary>");
        if (layer.Kernels.Unrolled)
        {
            string parameters = layer.HasBias
                ? $"{Names.ReadOnlySpan} weight, {Names.ReadOnlySpan} bias, {Names.ReadOnlySpan} input, {Names.Span} output"
                : $"{Names.ReadOnlySpan} weight, {Names.ReadOnlySpan} input, {Names.Span} output";
            WriteMethod(writer, "Forward", parameters, ForwardStatements(layer), layer.Kernels.ForwardParts, ForwardPrologue(layer));
        }
        else
        {
            string bias = layer.HasBias ? "b" : "global::System.ReadOnlySpan<float>.Empty";
            writer.WriteLine($"internal static void Forward({forwardParameters}) => {Names.SparseKernels}.ForwardOne(OutputStarts, ConnectionInputs, w, {bias}, x, y{runs});");
        }

        WriteForwardBatch(writer, layer);
        if (layer.Kernels.Unrolled)
        {
            writer.WriteLine();
            writer.WriteLine("/// <summary><c>dx = Wᵀ·dy</c> for one sample (overwrites <paramref name=\"inputGrad\"/>).</summary>");
            WriteMethod(
                writer,
                "InputGrad",
                $"{Names.ReadOnlySpan} weight, {Names.ReadOnlySpan} outputGrad, {Names.Span} inputGrad",
                layer.Kernels.InputGradByOutput ? InputGradByOutputStatements(layer) : InputGradStatements(layer),
                layer.Kernels.InputGradParts,
                Prologue(("weight", layer.ConnectionCount, "w"), ("outputGrad", layer.OutputSize, "dy"), ("inputGrad", layer.InputSize, "dx")));
        }

        writer.WriteLine();
        writer.WriteLine("/// <summary><c>gw += dy·xᵀ</c> at the connected positions, for one sample.</summary>");
        if (layer.Kernels.Unrolled)
        {
            WriteMethod(
                writer,
                "AccumulateWeightGrad",
                $"{Names.ReadOnlySpan} input, {Names.ReadOnlySpan} outputGrad, {Names.Span} weightGrad",
                WeightGradStatements(layer),
                layer.Kernels.WeightGradParts,
                Prologue(("input", layer.InputSize, "x"), ("outputGrad", layer.OutputSize, "dy"), ("weightGrad", layer.ConnectionCount, "gw")));
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

        if (layer.Kernels.Unrolled)
        {
            VectorSums.WriteHelpers(writer);
            VectorSums.WriteShort(writer, "A span is shorter than the layer needs.");
        }

        writer.CloseBlock();
    }

    /// <summary>
    /// The layer's <c>Forward</c> for every batch but one sample: checked, then the batch kernels or the per-sample
    /// kernel sample by sample. Not inlined, so the one-sample path in <c>Forward</c> keeps a frame of its own size.
    /// </summary>
    private static void WriteForwardBatch(SourceWriter writer, LayerModel layer)
    {
        string inputs = Names.Int(layer.InputSize), outputs = Names.Int(layer.OutputSize);
        writer.WriteLine();
        writer.WriteLine("/// <summary><c>output = input · Wᵀ + b</c> for a batch of samples, the spans checked first.</summary>");
        writer.WriteLine("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]");
        writer.OpenBlock($"internal static void ForwardBatch(global::CustomizedLinear.CompilerServices.AlignedFloats weights, {Names.ReadOnlySpan} bias, {Names.ReadOnlySpan} input, {Names.Span} output)");
        writer.WriteLine($"{Names.ReadOnlySpan} weight = weights.Span;");
        writer.WriteLine($"int batch = {Names.SpanShapes}.ForwardBatch({inputs}, {outputs}, input, output);");
        writer.OpenBlock($"if (batch >= {LayerEmitter.Threshold(layer.Kernels.BatchThreshold)})");
        writer.WriteLine("// Vectorised across samples, over the index data.");
        writer.WriteLine($"{Names.SparseKernels}.Forward(OutputStarts, ConnectionInputs, ref Blocks, weight, bias, input, output, {inputs}, {outputs});");
        writer.WriteLine("return;");
        writer.CloseBlock();
        writer.WriteLine();
        writer.OpenBlock("for (int n = 0; n < batch; n++)");
        writer.WriteLine($"Forward(weight, {(layer.HasBias ? "bias, " : "")}input.Slice(n * {inputs}, {inputs}), output.Slice(n * {outputs}, {outputs}));");
        writer.CloseBlock();
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
    private static void WriteMethod(SourceWriter writer, string name, string parameters, List<Statement> statements, EquatableArray<int> partStarts, List<string>? prologue = null)
    {
        if (partStarts.Count <= 1)
        {
            writer.OpenBlock($"internal static void {name}({parameters})");
            WritePrologue(writer, prologue);
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
            WritePrologue(writer, prologue);
            WriteStatements(writer, statements.GetRange(partStarts[i], end - partStarts[i]));
            writer.CloseBlock();
        }
    }

    private static void WritePrologue(SourceWriter writer, List<string>? prologue)
    {
        if (prologue is null)
        {
            return;
        }

        foreach (string line in prologue)
        {
            if (line.Length == 0)
            {
                writer.WriteLine();
            }
            else if (line == "{")
            {
                writer.OpenScope();
            }
            else if (line == "}")
            {
                writer.CloseBlock();
            }
            else
            {
                writer.WriteLine(line);
            }
        }

        writer.WriteLine();
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

                foreach (string line in statement.Comment.Split('\n'))
                {
                    writer.WriteLine(line);
                }
            }

            if (statement.Scope is null)
            {
                writer.WriteLine(statement.Code);
            }
            else
            {
                writer.OpenScope();
                foreach (string line in statement.Scope)
                {
                    writer.WriteLine(line);
                }

                writer.CloseBlock();
            }

            first = false;
        }
    }

    /// <summary>A straight-line kernel's (and each part's) one length check, and the references the unchecked reads go through.</summary>
    private static List<string> Prologue(params (string Span, int Length, string Ref)[] spans)
    {
        var lines = new List<string>
        {
            "// Every index below is a constant under these lengths, so the reads and writes need no further checks.",
            $"if ({string.Join(" || ", spans.Select(s => $"{s.Span}.Length < {Names.Int(s.Length)}"))})",
            "{",
            "Short();",
            "}",
            "",
        };
        lines.AddRange(spans.Select(s => $"ref float {s.Ref} = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference({s.Span});"));
        return lines;
    }

    private static List<string> ForwardPrologue(LayerModel layer)
    {
        List<string> lines = layer.HasBias
            ? Prologue(("weight", layer.ConnectionCount, "w"), ("bias", layer.OutputSize, "b"), ("input", layer.InputSize, "x"), ("output", layer.OutputSize, "y"))
            : Prologue(("weight", layer.ConnectionCount, "w"), ("input", layer.InputSize, "x"), ("output", layer.OutputSize, "y"));
        if (VectorSums.GathersFromRegisters(layer))
        {
            lines.Add(VectorSums.LoadRegisters(layer, "x"));
        }

        return lines;
    }

    /// <summary>The forward pass as <see cref="KernelPlanner.ForwardUnits"/> cuts it, each unit's sums as <see cref="VectorSums"/> writes them.</summary>
    private static List<Statement> ForwardStatements(LayerModel layer)
    {
        var statements = new List<Statement>();
        string? bias = layer.HasBias ? "b" : null;
        foreach (ForwardUnit unit in KernelPlanner.ForwardUnits(layer.OutputSize, layer.OutputStarts, layer.ConnectionInputs))
        {
            if (unit.Outputs == 4)
            {
                string comments = string.Join("\n", Enumerable.Range(unit.Output, 4).Select(o => OutputComment(layer, o)));
                List<string> lines = VectorSums.FourOutputs(layer, "w", bias, "x", unit.Output);
                lines.Add($"SetFour(ref y, {Names.Int(unit.Output)}, v);");
                statements.Add(new Statement(comments, "", lines));
                continue;
            }

            int o = unit.Output;
            (List<string> vectors, List<string> scalars) = VectorSums.Terms(layer, "w", "x", o);
            bool last = unit.EndVector == vectors.Count;
            string? comment = unit.FirstVector == 0 ? OutputComment(layer, o) : null;
            if (unit.FirstVector == 0 && last)
            {
                // The whole output in one statement, as a network's straight-line kernel writes it.
                var lines = new List<string>();
                string whole = $"Set(ref y, {Names.Int(o)}, {VectorSums.OneOutput(layer, "w", bias is null ? null : $"At(ref b, {Names.Int(o)})", "x", o, lines)});";
                statements.Add(lines.Count == 0 ? new Statement(comment, whole) : new Statement(comment, "", [.. lines, whole]));
                continue;
            }

            // A chunk of an output too large for one part: onto what the previous chunk stored.
            var parts = new List<string>();
            if (unit.FirstVector > 0)
            {
                parts.Add($"At(ref y, {Names.Int(o)})");
            }
            else if (bias is not null)
            {
                parts.Add($"At(ref b, {Names.Int(o)})");
            }

            var chunk = vectors.GetRange(unit.FirstVector, unit.EndVector - unit.FirstVector);
            if (chunk.Count > 0)
            {
                parts.Add("Sum(sum)");
            }

            if (last)
            {
                parts.AddRange(scalars);
            }

            string store = $"Set(ref y, {Names.Int(o)}, {(parts.Count == 0 ? "0f" : string.Join(" + ", parts))});";
            statements.Add(chunk.Count == 0
                ? new Statement(comment, store)
                : new Statement(comment, "", [.. VectorSums.Accumulate("sum", chunk), store]));
        }

        return statements;
    }

    private static string OutputComment(LayerModel layer, int output)
    {
        int start = layer.OutputStarts[output];
        int end = layer.OutputStarts[output + 1];
        return start == end
            ? $"// output {output}: no inputs, {(layer.HasBias ? "only its bias" : "always 0")}"
            : $"// output {output} ← {Plural("input", Enumerable.Range(start, end - start).Select(k => layer.ConnectionInputs[k]).ToList())}";
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
            AddSum(statements, comment, input, connections.Select(c => $"At(ref w, {Names.Int(c.K)}) * At(ref dy, {Names.Int(c.Output)})").ToList());
        }

        return statements;
    }

    /// <summary>
    /// <c>dx = Wᵀ·dy</c> output by output: <c>dx</c> cleared, then the statements <see cref="KernelPlanner.GradUnits"/>
    /// lists: <c>w[k..k+3]·dy[o]</c> as one vector onto four consecutive inputs, other connections one at a time.
    /// </summary>
    private static List<Statement> InputGradByOutputStatements(LayerModel layer)
    {
        var statements = new List<Statement> { new("// dx starts at zero; each output adds its share", $"inputGrad.Slice(0, {Names.Int(layer.InputSize)}).Clear();") };
        statements.AddRange(GradStatements(layer, byOutputInputGrad: true, (unit, o) =>
        {
            string i = Names.Int(layer.ConnectionInputs[unit.K]), k = Names.Int(unit.K);
            return unit.Four
                ? $"SetFour(ref dx, {i}, Four(ref dx, {i}) + Four(ref w, {k}) * At(ref dy, {o}));"
                : $"Set(ref dx, {i}, At(ref dx, {i}) + At(ref w, {k}) * At(ref dy, {o}));";
        }));
        return statements;
    }

    /// <summary><c>gw += dy·xᵀ</c>: each output's connections four at a time as one vector (inputs as <see cref="VectorSums.FourInputs"/> reads them), the last one to three alone.</summary>
    private static List<Statement> WeightGradStatements(LayerModel layer) =>
        GradStatements(layer, byOutputInputGrad: false, (unit, o) =>
        {
            string k = Names.Int(unit.K);
            return unit.Four
                ? $"SetFour(ref gw, {k}, Four(ref gw, {k}) + {VectorSums.FourInputs(layer, "x", unit.K)} * At(ref dy, {o}));"
                : $"Set(ref gw, {k}, At(ref gw, {k}) + At(ref x, {Names.Int(layer.ConnectionInputs[unit.K])}) * At(ref dy, {o}));";
        });

    /// <summary>One statement per <see cref="GradUnit"/>, the first of each output under its comment.</summary>
    private static List<Statement> GradStatements(LayerModel layer, bool byOutputInputGrad, System.Func<GradUnit, string, string> render)
    {
        var statements = new List<Statement>();
        int previous = -1;
        foreach (GradUnit unit in KernelPlanner.GradUnits(layer.OutputSize, layer.OutputStarts, layer.ConnectionInputs, byOutputInputGrad))
        {
            string? comment = unit.Output == previous ? null : OutputComment(layer, unit.Output);
            previous = unit.Output;
            statements.Add(new Statement(comment, render(unit, Names.Int(unit.Output))));
        }

        return statements;
    }

    /// <summary><c>dx[input] = t0 + … ;</c> then <c>+= … ;</c>, in the statements <see cref="KernelLimits.SumStatementTerms"/> cuts it into.</summary>
    private static void AddSum(List<Statement> statements, string comment, int input, List<string> terms)
    {
        int i = 0;
        string target = Names.Int(input);
        foreach (int count in KernelLimits.SumStatementTerms(terms.Count))
        {
            string code = count == 0
                ? $"Set(ref dx, {target}, 0f);"
                : i == 0
                    ? $"Set(ref dx, {target}, {string.Join(" + ", terms.GetRange(i, count))});"
                    : $"Set(ref dx, {target}, At(ref dx, {target}) + {string.Join(" + ", terms.GetRange(i, count))});";
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
