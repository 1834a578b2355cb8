using System.Collections.Generic;
using System.Linq;
using CustomizedLinear.Generator.Model;

namespace CustomizedLinear.Generator.Emitting;

/// <summary>
/// Writes a network's straight-line kernel: one sample through every module in one method. Each layer output is
/// a sum over its connections written out at build time as <see cref="VectorSums"/> writes them; the built-in
/// activations inline; the values between layers in the method's own stack frame.
/// </summary>
/// <remarks>
/// Scalar code with one local per value (as the layers' own kernels are written) spilled most of them to the stack
/// anyway and stayed at ~170 ns for the AotInference network; sums as vectors halve the instructions.
/// </remarks>
internal static class NetworkKernelEmitter
{
    private const string Vector = VectorSums.Vector;
    private const string StraightLine = "global::CustomizedLinear.CompilerServices.StraightLine";

    public static void Write(SourceWriter w, NetworkModel network, string className)
    {
        string cref = string.Concat(network.ContainingTypes.Select(t => t.NameWithTypeParameters.Replace('<', '{').Replace('>', '}') + ".")) + network.ClassName;
        w.WriteLine($"/// <summary>The straight-line kernel of <see cref=\"{cref}\"/>: one sample per call, every index a constant.</summary>");
        w.OpenBlock($"file static class {className}");

        var parameters = new List<string>();
        foreach (ModuleEntry module in network.Modules.Where(m => m.IsLayer))
        {
            parameters.Add($"{Names.ReadOnlySpan} weight{Names.Int(module.Index)}");
            if (network.LayerOf(module).HasBias)
            {
                parameters.Add($"{Names.ReadOnlySpan} bias{Names.Int(module.Index)}");
            }
        }

        parameters.Add($"{Names.ReadOnlySpan} input");
        parameters.Add($"{Names.Span} output");
        w.WriteLine("/// <summary><c>output = net(input)</c> for one sample.</summary>");
        w.OpenBlock($"internal static void Forward({string.Join(", ", parameters)})");
        new BodyWriter(w, network, training: false).Write();
        w.CloseBlock();

        var kept = Enumerable.Range(1, network.Modules.Count).Where(v => network.Plan.SavedOffsets[v] >= 0).ToList();
        parameters.AddRange(kept.Select(v => $"{Names.Span} saved{Names.Int(v)}"));
        w.WriteLine();
        w.WriteLine("/// <summary><see cref=\"Forward\"/>, the same arithmetic, also storing the values <c>Backward</c> reads (<c>saved{value}</c>).</summary>");
        w.OpenBlock($"internal static void ForwardTraining({string.Join(", ", parameters)})");
        new BodyWriter(w, network, training: true).Write();
        w.CloseBlock();
        WriteHelpers(w, network);
        w.CloseBlock();
    }

    /// <summary>The sums' helpers (<see cref="VectorSums.WriteHelpers"/>), the built-in activations' and the length check's.</summary>
    private static void WriteHelpers(SourceWriter w, NetworkModel network)
    {
        const string Inline = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]";
        VectorSums.WriteHelpers(w);
        foreach (string builtIn in network.Modules.Where(m => !m.IsLayer).Select(m => m.BuiltIn).Distinct().OrderBy(b => b, System.StringComparer.Ordinal))
        {
            string f = ScalarFunction(builtIn);
            w.WriteLine();
            w.WriteLine(Inline);
            w.WriteLine($"private static float {f}(float value) => {Names.NetworkActivations}.{f}(value);");
            w.WriteLine();
            w.WriteLine(Inline);
            w.WriteLine(builtIn == "ReLU"
                ? $"private static {Vector} {f}({Vector} values) => {StraightLine}.Relu(values);"
                : $"private static {Vector} {f}({Vector} values) => global::System.Runtime.Intrinsics.Vector128.Create({f}(global::System.Runtime.Intrinsics.Vector128.ToScalar(values)), {f}(global::System.Runtime.Intrinsics.Vector128.GetElement(values, 1)), {f}(global::System.Runtime.Intrinsics.Vector128.GetElement(values, 2)), {f}(global::System.Runtime.Intrinsics.Vector128.GetElement(values, 3)));");
        }

        VectorSums.WriteShort(w, "A span is shorter than the network's layers need.");
    }

    private static string ScalarFunction(string builtIn) => builtIn switch
    {
        "ReLU" => "Relu",
        _ => builtIn,
    };

    /// <summary>One body: a layer and the activations after it are one group, written unit by unit.</summary>
    private sealed class BodyWriter(SourceWriter w, NetworkModel network, bool training)
    {
        private readonly int _count = network.Modules.Count;

        public void Write()
        {
            WriteChecks();
            int start = 0;
            while (start < _count)
            {
                int end = start + 1;
                while (end < _count && !network.Modules[end].IsLayer)
                {
                    end++;
                }

                if (!network.Modules[start].IsLayer && start == 0)
                {
                    // Activations before the first layer: a group of their own, on the input.
                    end = Enumerable.Range(0, _count).First(m => network.Modules[m].IsLayer);
                }

                w.WriteLine();
                WriteGroup(start, end);
                start = end;
            }
        }

        private bool Kept(int value) => training && network.Plan.SavedOffsets[value] >= 0;

        /// <summary>Where a group's output goes: the output, a kept value's span, or a buffer on the stack.</summary>
        private string Destination(int value) => value == _count ? "y" : $"h{Names.Int(value)}";

        private void WriteChecks()
        {
            var checks = new List<string>();
            foreach (ModuleEntry module in network.Modules.Where(m => m.IsLayer))
            {
                LayerModel layer = network.LayerOf(module);
                string i = Names.Int(module.Index);
                checks.Add($"weight{i}.Length < {Names.Int(layer.ConnectionCount)}");
                if (layer.HasBias)
                {
                    checks.Add($"bias{i}.Length < {Names.Int(layer.OutputSize)}");
                }
            }

            checks.Add($"input.Length < {Names.Int(network.InputSize)}");
            checks.Add($"output.Length < {Names.Int(network.OutputSize)}");
            for (int v = 1; v <= _count; v++)
            {
                if (Kept(v))
                {
                    checks.Add($"saved{Names.Int(v)}.Length < {Names.Int(network.Widths[v])}");
                }
            }

            w.WriteLine("// Every index below is a constant under these lengths, so the reads and writes need no further checks.");
            w.OpenBlock($"if ({string.Join(" || ", checks)})");
            w.WriteLine("Short();");
            w.CloseBlock();
            w.WriteLine();
            foreach (ModuleEntry module in network.Modules.Where(m => m.IsLayer))
            {
                string i = Names.Int(module.Index);
                w.WriteLine($"ref float w{i} = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(weight{i});");
                if (network.LayerOf(module).HasBias)
                {
                    w.WriteLine($"ref float b{i} = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(bias{i});");
                }
            }

            w.WriteLine("ref float x = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(input);");
            w.WriteLine("ref float y = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(output);");
            for (int v = 1; v <= _count; v++)
            {
                if (Kept(v))
                {
                    w.WriteLine($"ref float s{Names.Int(v)} = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(saved{Names.Int(v)});");
                }
            }
        }

        /// <summary>Modules <paramref name="start"/> .. <paramref name="end"/> − 1: a layer (or none) and the activations after it.</summary>
        private void WriteGroup(int start, int end)
        {
            bool hasLayer = network.Modules[start].IsLayer;
            string source = start == 0 ? "x" : $"h{Names.Int(start)}";
            string destination = Destination(end);
            int width = network.Widths[end];
            var names = network.Modules.Skip(start).Take(end - start).Select(m => $"({Names.Int(m.Index)}) {m.DisplayName}");
            if (hasLayer)
            {
                LayerModel layer = network.LayerOf(network.Modules[start]);
                w.WriteLine($"// {string.Join(", then ", names)}: {Names.Int(layer.InputSize)} → {Names.Int(layer.OutputSize)}, {Names.Int(layer.ConnectionCount)} connections");
            }
            else
            {
                w.WriteLine($"// {string.Join(", then ", names)}, on the input");
            }

            if (end < _count)
            {
                if (Kept(end))
                {
                    w.WriteLine($"ref float h{Names.Int(end)} = ref s{Names.Int(end)};");
                }
                else
                {
                    w.WriteLine($"global::System.Span<float> value{Names.Int(end)} = stackalloc float[{Names.Int(width)}];");
                    w.WriteLine($"ref float h{Names.Int(end)} = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(value{Names.Int(end)});");
                }
            }

            int unit = 0;
            if (hasLayer && VectorSums.GathersFromRegisters(network.LayerOf(network.Modules[start])))
            {
                w.WriteLine(VectorSums.LoadRegisters(network.LayerOf(network.Modules[start]), source));
            }

            if (hasLayer)
            {
                // Four outputs at a time: their sums, bias and activation as one vector.
                for (; unit + 4 <= width; unit += 4)
                {
                    WriteFour(network.LayerOf(network.Modules[start]), network.Modules[start].Index, unit, source, start, end);
                }
            }

            for (; unit < width; unit++)
            {
                var stores = new List<string>();
                string expression = hasLayer ? LoneOutput(network.LayerOf(network.Modules[start]), network.Modules[start].Index, unit, source, stores) : $"At(ref x, {Names.Int(unit)})";
                for (int m = hasLayer ? start + 1 : start; m < end; m++)
                {
                    // An activation's input that Backward reads (ReLU, Tanh and Sigmoid read their output instead);
                    // the group's own input is kept by the caller.
                    if (m > start && Kept(m))
                    {
                        stores.Add($"float t{Names.Int(m)} = {expression};");
                        stores.Add($"Set(ref s{Names.Int(m)}, {Names.Int(unit)}, t{Names.Int(m)});");
                        expression = $"t{Names.Int(m)}";
                    }

                    expression = $"{ScalarFunction(network.Modules[m].BuiltIn)}({expression})";
                }

                if (end == _count && Kept(end))
                {
                    stores.Add($"float t{Names.Int(end)} = {expression};");
                    stores.Add($"Set(ref y, {Names.Int(unit)}, t{Names.Int(end)});");
                    stores.Add($"Set(ref s{Names.Int(end)}, {Names.Int(unit)}, t{Names.Int(end)});");
                }
                else
                {
                    stores.Add($"Set(ref {destination}, {Names.Int(unit)}, {expression});");
                }

                if (stores.Count == 1)
                {
                    w.WriteLine(stores[0]);
                }
                else
                {
                    w.OpenScope();
                    foreach (string store in stores)
                    {
                        w.WriteLine(store);
                    }

                    w.CloseBlock();
                }
            }
        }

        /// <summary>Output <paramref name="o"/> of the group's layer as <see cref="VectorSums.OneOutput"/> writes it, its statements into <paramref name="lines"/>.</summary>
        private static string LoneOutput(LayerModel layer, int index, int o, string source, List<string> lines) =>
            VectorSums.OneOutput(layer, $"w{Names.Int(index)}", layer.HasBias ? $"At(ref b{Names.Int(index)}, {Names.Int(o)})" : null, source, o, lines);

        /// <summary>Outputs <paramref name="first"/> .. <paramref name="first"/> + 3 of the group's layer, then its activations.</summary>
        private void WriteFour(LayerModel layer, int index, int first, string source, int start, int end)
        {
            string i = Names.Int(index);
            string q = Names.Int(first);
            List<string> lines = VectorSums.FourOutputs(layer, $"w{i}", layer.HasBias ? $"b{i}" : null, source, first);

            for (int m = start + 1; m < end; m++)
            {
                if (Kept(m))
                {
                    lines.Add($"SetFour(ref s{Names.Int(m)}, {q}, v);");
                }

                lines.Add($"v = {ScalarFunction(network.Modules[m].BuiltIn)}(v);");
            }

            lines.Add($"SetFour(ref {Destination(end)}, {q}, v);");
            if (end == _count && Kept(end))
            {
                lines.Add($"SetFour(ref s{Names.Int(end)}, {q}, v);");
            }

            w.OpenScope();
            foreach (string line in lines)
            {
                w.WriteLine(line);
            }

            w.CloseBlock();
        }
    }
}
