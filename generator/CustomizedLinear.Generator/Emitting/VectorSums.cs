using System.Collections.Generic;
using System.Linq;
using CustomizedLinear.Generator.Limits;
using CustomizedLinear.Generator.Model;
using CustomizedLinear.Generator.Planning;

namespace CustomizedLinear.Generator.Emitting;

/// <summary>
/// How the straight-line forward kernels (a layer's per-sample pass, a network's batch-1 pass) write a layer
/// output's sum: its connections four at a time as one 128-bit product (four consecutive weights in one load; the
/// inputs in one load when consecutive; otherwise gathered by a permute with constant indices, out of two registers
/// holding a layer of 17 to 32 inputs or out of a window of 8 or 16, and picked one by one where neither fits), the
/// last one to three as scalar products, and four outputs finished as one vector. Both kernels render sums only
/// through here (<see cref="Terms"/>, <see cref="Accumulate"/>, <see cref="FourOutputs"/>), so they add in the same order.
/// </summary>
/// <remarks>
/// 128 bits: every x64 and ARM64 CPU has them natively and a sparse mask's runs are short. The permutes' indices
/// are the generator's constants; <c>StraightLine.Window8</c>/<c>Window16</c>/<c>Gather32</c> choose the machine's instruction.
/// </remarks>
internal static class VectorSums
{
    public const string Vector = "global::System.Runtime.Intrinsics.Vector128<float>";

    private const string StraightLine = "global::CustomizedLinear.CompilerServices.StraightLine";

    /// <summary>The widths of the constant-index gathers, narrowest first.</summary>
    private static readonly int[] Windows = [8, 16];

    /// <summary>
    /// The products of output <paramref name="o"/>'s connections in packed order: one vector product per four
    /// connections and one scalar product for each of the last one to three.
    /// </summary>
    public static (List<string> Vectors, List<string> Scalars) Terms(LayerModel layer, string weights, string source, int o)
    {
        var vectors = new List<string>();
        var scalars = new List<string>();
        int end = layer.OutputStarts[o + 1];
        int k = layer.OutputStarts[o];
        for (; k + 4 <= end; k += 4)
        {
            vectors.Add($"Four(ref {weights}, {Names.Int(k)}) * {FourInputs(layer, source, k, inRegisters: true)}");
        }

        for (; k < end; k++)
        {
            scalars.Add($"At(ref {weights}, {Names.Int(k)}) * At(ref {source}, {Names.Int(layer.ConnectionInputs[k])})");
        }

        return (vectors, scalars);
    }

    /// <summary>The inputs of connections <paramref name="k"/> .. <paramref name="k"/> + 3 (ascending, as within every output) as one vector.</summary>
    public static string FourInputs(LayerModel layer, string source, int k, bool inRegisters = false)
    {
        int first = layer.ConnectionInputs[k];
        int last = layer.ConnectionInputs[k + 3];
        if (KernelPlanner.ConsecutiveInputs(layer.ConnectionInputs, k, 4))
        {
            return $"Four(ref {source}, {Names.Int(first)})";
        }

        if (inRegisters && GathersFromRegisters(layer))
        {
            // Input i ≥ 16 sits in lane i + 32 − InputSize of the two registers (the first 16 inputs, the last 16).
            var picked = Enumerable.Range(k, 4).Select(c => layer.ConnectionInputs[c]).ToList();
            string lanes = string.Join(", ", picked.Select(i => Names.Int(i < 16 ? i : i + 32 - layer.InputSize)));
            return $"Gather32(t{source}, global::System.Runtime.Intrinsics.Vector128.Create({lanes}), ref {source}, {string.Join(", ", picked.Select(Names.Int))})";
        }

        foreach (int window in Windows)
        {
            if (last - first < window && layer.InputSize >= window)
            {
                // The window ends at the last input at the latest, so it never reads past the layer's inputs.
                int start = System.Math.Min(first, layer.InputSize - window);
                string lanes = string.Join(", ", Enumerable.Range(k, 4).Select(c => Names.Int(layer.ConnectionInputs[c] - start)));
                return $"Window{Names.Int(window)}(ref {source}, {Names.Int(start)}, {lanes})";
            }
        }

        return $"Pick(ref {source}, {string.Join(", ", Enumerable.Range(k, 4).Select(c => Names.Int(layer.ConnectionInputs[c])))})";
    }

    /// <summary>
    /// Whether the forward sums gather a layer's scattered inputs out of two 512-bit registers loaded once
    /// (<see cref="LoadRegisters"/>, then <c>Gather32</c>): a layer of 17 to 32 inputs, which two registers hold and
    /// one 512-bit register or a window of 16 does not.
    /// </summary>
    public static bool GathersFromRegisters(LayerModel layer) => layer.InputSize is > 16 and <= 32;

    /// <summary>The statement that loads <paramref name="source"/>'s inputs into the registers <c>Gather32</c> reads, as <c>t</c><paramref name="source"/>.</summary>
    public static string LoadRegisters(LayerModel layer, string source) =>
        $"var t{source} = {StraightLine}.Load32(ref {source}, {Names.Int(layer.InputSize)});";

    /// <summary>
    /// Statements leaving outputs <paramref name="first"/> .. <paramref name="first"/> + 3 in <c>v</c>: each output's
    /// vector products in an accumulator (<see cref="KernelLimits.TermsPerStatement"/> per statement), the four
    /// accumulators summed pairwise into one vector, then the bias and the scalar products.
    /// </summary>
    public static List<string> FourOutputs(LayerModel layer, string weights, string? bias, string source, int first)
    {
        var lines = new List<string>();
        var terms = Enumerable.Range(first, 4).Select(o => Terms(layer, weights, source, o)).ToList();
        var parts = new List<string>();
        if (terms.Any(t => t.Vectors.Count > 0))
        {
            for (int j = 0; j < 4; j++)
            {
                lines.AddRange(Accumulate($"sum{Names.Int(j)}", terms[j].Vectors));
            }

            parts.Add($"Sums({string.Join(", ", Enumerable.Range(0, 4).Select(j => terms[j].Vectors.Count > 0 ? $"sum{Names.Int(j)}" : $"{Vector}.Zero"))})");
        }

        if (bias is not null)
        {
            parts.Add($"Four(ref {bias}, {Names.Int(first)})");
        }

        if (terms.Any(t => t.Scalars.Count > 0))
        {
            parts.Add($"global::System.Runtime.Intrinsics.Vector128.Create({string.Join(", ", terms.Select(t => t.Scalars.Count == 0 ? "0f" : string.Join(" + ", t.Scalars)))})");
        }

        lines.Add(parts.Count == 0 ? $"var v = {Vector}.Zero;" : $"var v = {parts[0]};");
        lines.AddRange(parts.Skip(1).Select(part => $"v += {part};"));
        return lines;
    }

    /// <summary>
    /// Output <paramref name="o"/> as one expression: <paramref name="first"/> (its bias, or null), then its vector
    /// products' sum (accumulated into <c>sum</c> by the statements added to <paramref name="lines"/>, which need a
    /// scope of their own), then its scalar products; <c>0f</c> for none of them.
    /// </summary>
    public static string OneOutput(LayerModel layer, string weights, string? first, string source, int o, List<string> lines)
    {
        (List<string> vectors, List<string> scalars) = Terms(layer, weights, source, o);
        var parts = new List<string>();
        if (first is not null)
        {
            parts.Add(first);
        }

        if (vectors.Count > 0)
        {
            lines.AddRange(Accumulate("sum", vectors));
            parts.Add("Sum(sum)");
        }

        parts.AddRange(scalars);
        return parts.Count == 0 ? "0f" : string.Join(" + ", parts);
    }

    /// <summary><c>var name = p0 + … ;</c> then <c>name += … ;</c>, at most <see cref="KernelLimits.TermsPerStatement"/> products each; nothing for none.</summary>
    public static IEnumerable<string> Accumulate(string name, List<string> products)
    {
        for (int i = 0; i < products.Count; i += KernelLimits.TermsPerStatement)
        {
            string sum = string.Join(" + ", products.Skip(i).Take(KernelLimits.TermsPerStatement));
            yield return i == 0 ? $"var {name} = {sum};" : $"{name} += {sum};";
        }
    }

    /// <summary>
    /// The private helpers the sums are written with, so each reads as its formula. They are unchecked: the kernel
    /// checks every span's length once, and every index is a constant below it.
    /// </summary>
    public static void WriteHelpers(SourceWriter w)
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
        w.WriteLine("/// <summary>Elements <paramref name=\"a\"/> .. <paramref name=\"d\"/> of a layer of 17 to 32 inputs, permuted out of the registers <c>StraightLine.Load32</c> filled (at <paramref name=\"lanes\"/>); picked from memory without AVX-512.</summary>");
        w.WriteLine(Inline);
        w.WriteLine($"private static {Vector} Gather32(global::CustomizedLinear.CompilerServices.Inputs32 t, global::System.Runtime.Intrinsics.Vector128<int> lanes, ref float start, int a, int b, int c, int d) => {StraightLine}.Gather32(t, lanes, ref start, a, b, c, d);");
        w.WriteLine();
        w.WriteLine("/// <summary>Four scattered elements in one vector, to multiply with four consecutive weights.</summary>");
        w.WriteLine(Inline);
        w.WriteLine($"private static {Vector} Pick(ref float start, int a, int b, int c, int d) => {StraightLine}.Pick(ref start, a, b, c, d);");
        foreach (int window in Windows)
        {
            string width = Names.Int(window);
            w.WriteLine();
            w.WriteLine($"/// <summary>Elements <paramref name=\"i\"/> + <paramref name=\"a\"/>, + <paramref name=\"b\"/>, + <paramref name=\"c\"/>, + <paramref name=\"d\"/> (each below {width}): one load of {width} and a permute with these constant indices.</summary>");
            w.WriteLine(Inline);
            w.WriteLine($"private static {Vector} Window{width}(ref float start, int i, int a, int b, int c, int d) => {StraightLine}.Window{width}(ref global::System.Runtime.CompilerServices.Unsafe.Add(ref start, i), a, b, c, d);");
        }

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
    }

    /// <summary>The throw helper of the kernels' one length check, saying what <paramref name="message"/> says.</summary>
    public static void WriteShort(SourceWriter w, string message)
    {
        w.WriteLine();
        w.WriteLine("[global::System.Diagnostics.CodeAnalysis.DoesNotReturn]");
        w.WriteLine($"private static void Short() => throw new global::System.ArgumentException(\"{message}\");");
    }
}
