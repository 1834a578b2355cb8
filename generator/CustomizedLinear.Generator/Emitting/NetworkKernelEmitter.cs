using System.Collections.Generic;
using System.Linq;
using CustomizedLinear.Generator.Model;

namespace CustomizedLinear.Generator.Emitting;

/// <summary>
/// Writes a network's straight-line kernel: one sample through every module in one method. Each layer output is
/// a sum over its connections written out at build time: four consecutive inputs at a time as one 128-bit
/// multiply, four scattered inputs picked into one vector, the rest one multiply-add each; the built-in
/// activations inline; the values between layers in the method's own stack frame.
/// </summary>
/// <remarks>
/// Scalar code with one local per value (as the layers' own kernels are written) spilled most of them to the stack
/// anyway and stayed at ~170 ns for the AotInference network; sums as vectors halve the instructions. 128 bits,
/// not 256: every x64 and ARM64 CPU runs them natively, and the chunks of a sparse mask are short.
/// </remarks>
internal static class NetworkKernelEmitter
{
    private const string Vector = "global::System.Runtime.Intrinsics.Vector128<float>";
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

    /// <summary>
    /// Short names for the reads and writes, so each sum reads as its formula. They are unchecked: the kernel
    /// checks every span's length once, and every index is a constant below it.
    /// </summary>
    private static void WriteHelpers(SourceWriter w, NetworkModel network)
    {
        const string Inline = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]";
        w.WriteLine();
        w.WriteLine("/// <summary>Element <paramref name=\"i\"/>, unchecked: the kernel checked the span's length.</summary>");
        w.WriteLine(Inline);
        w.WriteLine("private static float At(ref float start, int i) => global::System.Runtime.CompilerServices.Unsafe.Add(ref start, i);");
        w.WriteLine();
        w.WriteLine(Inline);
        w.WriteLine("private static void Set(ref float start, int i, float value) => global::System.Runtime.CompilerServices.Unsafe.Add(ref start, i) = value;");
        w.WriteLine();
        w.WriteLine("/// <summary>Elements <paramref name=\"i\"/> .. <paramref name=\"i\"/> + 3, in one load.</summary>");
        w.WriteLine(Inline);
        w.WriteLine($"private static {Vector} Four(ref float start, int i) => global::System.Runtime.Intrinsics.Vector128.LoadUnsafe(ref start, (nuint)i);");
        w.WriteLine();
        w.WriteLine("/// <summary>Four scattered elements in one vector, to multiply with four consecutive weights.</summary>");
        w.WriteLine(Inline);
        w.WriteLine($"private static {Vector} Pick(ref float start, int a, int b, int c, int d) => global::System.Runtime.Intrinsics.Vector128.Create(At(ref start, a), At(ref start, b), At(ref start, c), At(ref start, d));");
        w.WriteLine();
        w.WriteLine(Inline);
        w.WriteLine($"private static void SetFour(ref float start, int i, {Vector} values) => global::System.Runtime.Intrinsics.Vector128.StoreUnsafe(values, ref start, (nuint)i);");
        w.WriteLine();
        w.WriteLine("/// <summary>The sum of one output's products, added pairwise as <see cref=\"Sums\"/> adds.</summary>");
        w.WriteLine(Inline);
        w.WriteLine($"private static float Sum({Vector} products) => {StraightLine}.Sum(products);");
        w.WriteLine();
        w.WriteLine("/// <summary>The sums of four outputs' products, in one vector.</summary>");
        w.WriteLine(Inline);
        w.WriteLine($"private static {Vector} Sums({Vector} a, {Vector} b, {Vector} c, {Vector} d) => {StraightLine}.Sums(a, b, c, d);");
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

        w.WriteLine();
        w.WriteLine("[global::System.Diagnostics.CodeAnalysis.DoesNotReturn]");
        w.WriteLine("private static void Short() => throw new global::System.ArgumentException(\"A span is shorter than the network's layers need.\");");
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
                string expression = hasLayer ? Sum(network.LayerOf(network.Modules[start]), network.Modules[start].Index, unit, source) : $"At(ref x, {Names.Int(unit)})";
                var stores = new List<string>();
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

        /// <summary>Outputs <paramref name="first"/> .. <paramref name="first"/> + 3 of the group's layer, then its activations.</summary>
        private void WriteFour(LayerModel layer, int index, int first, string source, int start, int end)
        {
            string i = Names.Int(index);
            string q = Names.Int(first);
            var terms = Enumerable.Range(first, 4).Select(o => Terms(layer, index, o, source)).ToList();
            var parts = new List<string>();
            if (terms.Any(t => t.Vector is not null))
            {
                parts.Add($"Sums({string.Join(", ", terms.Select(t => t.Vector ?? $"{Vector}.Zero"))})");
            }

            if (layer.HasBias)
            {
                parts.Add($"Four(ref b{i}, {q})");
            }

            if (terms.Any(t => t.Scalars.Count > 0))
            {
                string Tail(List<string> scalars) => scalars.Count == 0 ? "0f" : string.Join(" + ", scalars);
                parts.Add($"global::System.Runtime.Intrinsics.Vector128.Create({string.Join(", ", terms.Select(t => Tail(t.Scalars)))})");
            }

            var lines = new List<string> { parts.Count == 0 ? $"var v = {Vector}.Zero;" : $"var v = {parts[0]};" };
            lines.AddRange(parts.Skip(1).Select(part => $"v += {part};"));

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

        /// <summary>
        /// Output <paramref name="o"/> of a layer: its bias, then its connections in packed order, four at a time
        /// where four remain, the last few one by one.
        /// </summary>
        private static string Sum(LayerModel layer, int index, int o, string source)
        {
            (string? vector, List<string> scalars) = Terms(layer, index, o, source);
            var parts = new List<string>();
            if (layer.HasBias)
            {
                parts.Add($"At(ref b{Names.Int(index)}, {Names.Int(o)})");
            }

            if (vector is not null)
            {
                parts.Add($"Sum({vector})");
            }

            parts.AddRange(scalars);
            return parts.Count == 0 ? "0f" : string.Join(" + ", parts);
        }

        /// <summary>
        /// The products of output <paramref name="o"/>'s connections in packed order: four at a time as one vector
        /// product (weights in one load; the inputs in one load when they are consecutive, picked otherwise), and
        /// the last one to three as scalar products.
        /// </summary>
        private static (string? Vector, List<string> Scalars) Terms(LayerModel layer, int index, int o, string source)
        {
            string i = Names.Int(index);
            var vectors = new List<string>();
            var scalars = new List<string>();
            int end = layer.OutputStarts[o + 1];
            int k = layer.OutputStarts[o];
            for (; k + 4 <= end; k += 4)
            {
                int first = layer.ConnectionInputs[k];
                bool consecutive = layer.ConnectionInputs[k + 3] == first + 3; // inputs ascend within an output
                string inputs = consecutive
                    ? $"Four(ref {source}, {Names.Int(first)})"
                    : $"Pick(ref {source}, {string.Join(", ", Enumerable.Range(k, 4).Select(c => Names.Int(layer.ConnectionInputs[c])))})";
                vectors.Add($"Four(ref w{i}, {Names.Int(k)}) * {inputs}");
            }

            for (; k < end; k++)
            {
                scalars.Add($"At(ref w{i}, {Names.Int(k)}) * At(ref {source}, {Names.Int(layer.ConnectionInputs[k])})");
            }

            return (vectors.Count == 0 ? null : string.Join(" + ", vectors), scalars);
        }
    }
}
