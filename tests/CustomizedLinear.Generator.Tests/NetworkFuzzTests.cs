using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using CustomizedLinear.Testing;
using Microsoft.CodeAnalysis;
using Xunit;
using Xunit.Abstractions;

namespace CustomizedLinear.Generator.Tests;

/// <summary>
/// Random <c>[Sequential]</c> declarations: sequences of this project's masked layers (some broken), built-in and
/// user activations, and types that are neither, on well-formed and ill-formed network classes. The generator must
/// never throw, report only IDs of its catalogue, report a broken layer once (at the layer), generate exactly the
/// networks without errors, and what it generates must compile with no warnings. Then the autoregressive verdict
/// of the generator against brute-force reachability over the mask text.
/// </summary>
/// <remarks>
/// Three generator bugs it found have tests of their own below: <c>[Sequential(null)]</c> threw, a constant hidden
/// value nobody read was warning CS0219 in the generated network, and a broken internal layer drew CL0024.
/// </remarks>
public sealed class NetworkFuzzTests(ITestOutputHelper output)
{
    private const int Batches = 10;
    private const int NetworksPerBatch = 40;

    private static readonly string[] Catalog = typeof(Diagnostics.DiagnosticDescriptors).GetFields()
        .Select(f => ((DiagnosticDescriptor)f.GetValue(null)!).Id)
        .ToArray();

    private static readonly string[] BuiltIns = ["ReLU", "Tanh", "Sigmoid", "Softplus", "SiLU"];

    private static readonly string[] UserActivations = ["Act", "ActExplicit", "ActStruct", "ActG<float>"];

    /// <summary>Entries that are never modules (CL0019).</summary>
    private static readonly string[] NotModules =
    [
        "typeof(string)", "typeof(int)", "typeof(int[])", "typeof(IActivation)", "typeof(IFoo)", "typeof(IAct2)",
        "typeof(List<>)", "typeof(List<int>)", "typeof(Plain)", "typeof(Colour)", "typeof(ActG<>)", "typeof(Action)",
        "typeof(GenericLayer<int>)", "(Type)null",
    ];

    /// <summary>A name that does not compile (CS0246): the compiler reports it, the generator must only survive it.</summary>
    private const string UnknownEntry = "typeof(NoSuchType)";

    [Fact]
    public void RandomNetworksNeverBreakTheGeneratorAndWhatItGeneratesCompiles()
    {
        var random = new Random(31);
        int generated = 0, brokenLayers = 0, networkErrors = 0, unknown = 0, holdingBroken = 0, repeating = 0, emittedRepeating = 0;
        var seenIds = new HashSet<string>();
        for (int b = 0; b < Batches; b++)
        {
            var batch = FuzzBatch.Create(random, b);
            GeneratorRun run = GeneratorHarness.Run(batch.Sources, batch.Files);
            string all = $"batch {b}";

            // The generator never throws, reports only its own IDs, and places every diagnostic in a declaration or a mask.
            GeneratorRunResult result = run.Driver.GetRunResult().Results.Single();
            Assert.True(result.Exception is null, $"{all}: the generator threw {result.Exception}");
            Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id is "CS8784" or "CS8785");
            foreach (Diagnostic diagnostic in run.GeneratorDiagnostics)
            {
                Assert.True(Catalog.Contains(diagnostic.Id), $"{all}: {diagnostic.Id} is not in the catalogue: {diagnostic}");
                Assert.True(batch.Owns(diagnostic.Location), $"{all}: a diagnostic outside the project's files: {diagnostic}");
                seenIds.Add(diagnostic.Id);
            }

            // Nothing is said twice, even about a layer that several networks hold.
            var repeated = run.GeneratorDiagnostics.GroupBy(d => (d.Id, d.Location.GetLineSpan(), d.GetMessage())).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(repeated.Count == 0, $"{all}: reported more than once: {string.Join("; ", repeated)}");

            var hintNames = run.GeneratedSources.Select(s => s.HintName).ToHashSet();
            var errors = run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            foreach (FuzzLayer layer in batch.Layers)
            {
                // A broken layer gives one error, at the layer (its mask, or its attribute when the mask is missing); a valid one none.
                int count = errors.Count(d => layer.Owns(batch, d.Location));
                Assert.True(count == (layer.Broken is null ? 0 : 1), $"{all}: layer {layer.Name} ({layer.Broken ?? "valid"}) has {count} errors:\n{layer.MaskText}\n{string.Join("\n", errors.Where(d => layer.Owns(batch, d.Location)))}");
                Assert.Equal(layer.Broken is null, hintNames.Contains($"{batch.Namespace}.{layer.Name}.MaskedLinear.g.cs"));
                brokenLayers += layer.Broken is null ? 0 : 1;
            }

            foreach (FuzzNetwork network in batch.Networks)
            {
                var atNetwork = run.GeneratorDiagnostics.Where(d => d.Location.GetLineSpan().Path == network.Path).ToList();
                string what = $"{all}, {network.Describe(batch, atNetwork)}";
                foreach (FuzzLayer broken in network.Layers.Where(l => l.Broken is not null))
                {
                    // The network adds nothing about a broken layer (see ABrokenLayerDrawsNothingFromItsNetwork).
                    var aboutIt = atNetwork.Where(d => network.TextAt(d.Location) == $"typeof({broken.Name})").ToList();
                    Assert.True(aboutIt.Count == 0, $"{what}\nreports about the broken layer {broken.Name}: {string.Join("; ", aboutIt)}");
                    Assert.False(atNetwork.Any(d => d.Id is "CL0021" or "CL0022" or "CL0023"), $"{what}\nchecks sizes or masks although {broken.Name} is broken");
                }

                // A network is generated exactly when neither it nor any of its layers has an error.
                network.Clean = !network.Unknown
                    && !atNetwork.Any(d => d.Severity == DiagnosticSeverity.Error)
                    && network.Layers.All(l => l.Broken is null);
                bool emitted = hintNames.Contains(network.HintName);
                Assert.True(network.Clean == emitted, $"{what}\nexpected {(network.Clean ? "" : "no ")}source, it was {(emitted ? "" : "not ")}generated");
                generated += emitted ? 1 : 0;
                networkErrors += atNetwork.Count(d => d.Severity == DiagnosticSeverity.Error);
                unknown += network.Unknown ? 1 : 0;
                holdingBroken += network.Layers.Any(l => l.Broken is not null) ? 1 : 0;
                bool repeats = network.Entries.Where(e => network.Layers.Any(l => e == $"typeof({l.Name})")).GroupBy(e => e).Any(g => g.Count() > 1);
                repeating += repeats ? 1 : 0;
                emittedRepeating += repeats && emitted ? 1 : 0;
            }

            // The project compiles with no warning, except in the networks the generator rejected (or that name an unknown type).
            var compile = run.Compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
            var unexpected = compile.Where(d => !batch.Networks.Any(n => !n.Clean && d.Location.GetLineSpan().Path == n.Path)).ToList();
            Assert.True(unexpected.Count == 0, $"{all}: the generator reported no error, but the compilation says:\n{string.Join("\n", unexpected.Take(10))}\n\n{string.Join("\n\n", batch.Networks.Where(n => unexpected.Any(d => n.Owns(d.Location))).Select(n => n.Describe(batch, [])))}");
            Assert.All(batch.Networks.Where(n => n.Unknown), n => Assert.Contains(compile, d => d.Id == "CS0246" && n.Owns(d.Location)));
        }

        int total = Batches * NetworksPerBatch;
        output.WriteLine($"{total} networks: {generated} generated and compiled, {networkErrors} errors at networks, {unknown} with an unknown type, {brokenLayers} broken layers, {holdingBroken} holding a broken layer, {repeating} repeating a layer ({emittedRepeating} generated); IDs: {string.Join(" ", seenIds.Order())}");

        // The fuzzing must reach both sides of every check.
        Assert.InRange(generated, total / 3, 3 * total / 4);
        Assert.InRange(brokenLayers, 10, 10 * Batches);
        Assert.InRange(unknown, 5, total / 10);
        Assert.InRange(holdingBroken, 20, total / 4);
        Assert.InRange(emittedRepeating, 10, total);
        string[] expectedIds = ["CL0001", "CL0002", "CL0003", "CL0004", "CL0006", "CL0008", "CL0009", "CL0010", "CL0012", "CL0015", "CL0019", "CL0020", "CL0021", "CL0022", "CL0023", "CL0024", "CL0025"];
        Assert.Empty(expectedIds.Except(seenIds));
    }

    [Fact]
    public void AConstantHiddenValueThatTheNextLayerIgnoresDrawsNoWarning()
    {
        GeneratorRun run = GeneratorHarness.Run(
            [(GeneratorHarness.SourceDirectory + "/N.cs", """
                using CustomizedLinear;

                namespace Demo;

                [MaskedLinear("a.txt", Bias = false)] public partial class A { }
                [MaskedLinear("b.txt")] public partial class B { }

                [Sequential(typeof(A), typeof(B))]
                public partial class N { }
                """)],
            [(GeneratorHarness.SourceDirectory + "/a.txt", "1 0\n"), (GeneratorHarness.SourceDirectory + "/b.txt", "1\n0\n")]);

        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.Compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void ABrokenLayerDrawsNothingFromItsNetwork()
    {
        GeneratorRun run = GeneratorHarness.Run(
            [(GeneratorHarness.SourceDirectory + "/N.cs", """
                using CustomizedLinear;

                namespace Demo;

                [MaskedLinear("a.txt")] internal partial class A { }

                [Sequential(typeof(A))]
                public partial class N { }
                """)],
            [(GeneratorHarness.SourceDirectory + "/a.txt", "")]);

        Assert.Equal("CL0004", Assert.Single(run.GeneratorDiagnostics).Id);
    }

    [Fact]
    public void ANullModuleArrayIsReportedNotThrown()
    {
        GeneratorRun run = GeneratorHarness.Run(
            [(GeneratorHarness.SourceDirectory + "/N.cs", "using CustomizedLinear;\n\nnamespace Demo;\n\n[Sequential(null)]\npublic partial class N { }\n")],
            []);

        Assert.Null(run.Driver.GetRunResult().Results.Single().Exception);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id is "CS8784" or "CS8785");
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id is "CL0019" or "CL0020");
    }

    [Fact]
    public void TheAutoregressiveVerdictOfTheGeneratorIsBruteForceReachability()
    {
        var random = new Random(32);
        const int Networks = 60;
        var sources = new List<(string Path, string Text)>();
        var files = new List<(string Path, string Text)>();
        var expected = new bool[Networks];
        var interleaved = new bool[Networks];
        for (int n = 0; n < Networks; n++)
        {
            int inputs = random.Next(1, 6), hidden = random.Next(1, 8), copies = random.Next(1, 4);
            interleaved[n] = random.Next(2) == 0;
            bool[,] first, second;
            if (random.Next(3) == 0)
            {
                first = RandomConnections(random, hidden, inputs, random.NextDouble());
                second = RandomConnections(random, inputs * copies, hidden, random.NextDouble());
            }
            else
            {
                (first, second) = Made(random, inputs, hidden, copies, random.Next(4) == 0 ? !interleaved[n] : interleaved[n]);
            }

            bool firstByOutputs = random.Next(2) == 0, secondByOutputs = random.Next(2) == 0;
            string dir = $"{GeneratorHarness.SourceDirectory}/V{n}";
            string a = MaskText(first, firstByOutputs), b = MaskText(second, secondByOutputs);
            files.Add(($"{dir}/a.txt", a));
            files.Add(($"{dir}/b.txt", b));
            string order = interleaved[n] ? "MadeOutputOrder.Interleaved" : random.Next(2) == 0 ? "MadeOutputOrder.Concatenated" : "";
            sources.Add(($"{dir}/Net.cs", $$"""
                using CustomizedLinear;
                namespace Verdict.V{{n}};
                [MaskedLinear("a.txt"{{(firstByOutputs ? ", Layout = MaskLayout.OutputsByInputs" : "")}})] public partial class A { }
                [MaskedLinear("b.txt"{{(secondByOutputs ? ", Layout = MaskLayout.OutputsByInputs" : "")}}, Bias = {{(random.Next(2) == 0 ? "true" : "false")}})] public partial class B { }
                [Sequential(typeof(A), typeof({{BuiltIns[random.Next(BuiltIns.Length)]}}), typeof(B), Autoregressive = true{{(order.Length > 0 ? ", AutoregressiveOutputs = " + order : "")}})]
                public partial class N { }
                """));

            expected[n] = IsAutoregressive(ParseMask(a, firstByOutputs), ParseMask(b, secondByOutputs), interleaved[n]);
        }

        GeneratorRun run = GeneratorHarness.Run(sources, files);

        Assert.Null(run.Driver.GetRunResult().Results.Single().Exception);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Severity == DiagnosticSeverity.Error && d.Id != "CL0022");
        for (int n = 0; n < Networks; n++)
        {
            string path = $"{GeneratorHarness.SourceDirectory}/V{n}/Net.cs";
            bool reported = run.GeneratorDiagnostics.Any(d => d.Id == "CL0022" && d.Location.GetLineSpan().Path == path);
            bool generated = run.GeneratedSources.Any(s => s.HintName == $"Verdict.V{n}.N.Sequential.g.cs");
            Assert.True(expected[n] != reported, $"network {n} (interleaved: {interleaved[n]}): brute force says {(expected[n] ? "" : "not ")}autoregressive, the generator {(reported ? "reported" : "did not report")} CL0022\n{sources[n].Text}\na.txt:\n{files[2 * n].Text}b.txt:\n{files[(2 * n) + 1].Text}");
            Assert.Equal(expected[n], generated);
        }

        // Both verdicts must be common for the comparison to mean something.
        Assert.InRange(expected.Count(e => e), Networks / 4, 3 * Networks / 4);
    }

    /// <summary>
    /// Whether output o of B(A(x)) depends only on inputs before its variable, from the dense masks
    /// (<c>[output, input]</c>): o reaches i when some hidden unit h has B[o, h] and A[h, i].
    /// </summary>
    private static bool IsAutoregressive(bool[,] first, bool[,] second, bool interleaved)
    {
        int inputs = first.GetLength(1), hidden = first.GetLength(0), outputs = second.GetLength(0);
        for (int o = 0; o < outputs; o++)
        {
            int variable = interleaved ? o / (outputs / inputs) : o % inputs;
            for (int i = variable; i < inputs; i++)
            {
                for (int h = 0; h < hidden; h++)
                {
                    if (second[o, h] && first[h, i])
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    /// <summary>A mask text read back as <c>[output, input]</c>, with plain loops over its lines and cells.</summary>
    private static bool[,] ParseMask(string text, bool outputsByInputs)
    {
        var rows = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Where(c => c is '0' or '1').ToArray()).ToArray();
        int r = rows.Length, c = rows[0].Length;
        var connected = outputsByInputs ? new bool[r, c] : new bool[c, r];
        for (int row = 0; row < r; row++)
        {
            for (int column = 0; column < c; column++)
            {
                if (outputsByInputs)
                {
                    connected[row, column] = rows[row][column] == '1';
                }
                else
                {
                    connected[column, row] = rows[row][column] == '1';
                }
            }
        }

        return connected;
    }

    /// <summary>The mask text of connections <c>[output, input]</c>: rows are inputs, unless <paramref name="outputsByInputs"/>.</summary>
    internal static string MaskText(bool[,] connected, bool outputsByInputs)
    {
        int outputs = connected.GetLength(0), inputs = connected.GetLength(1);
        var text = new StringBuilder();
        for (int row = 0; row < (outputsByInputs ? outputs : inputs); row++)
        {
            for (int column = 0; column < (outputsByInputs ? inputs : outputs); column++)
            {
                bool on = outputsByInputs ? connected[row, column] : connected[column, row];
                text.Append(column == 0 ? "" : " ").Append(on ? '1' : '0');
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    internal static bool[,] RandomConnections(Random random, int outputs, int inputs, double density)
    {
        var connected = new bool[outputs, inputs];
        for (int o = 0; o < outputs; o++)
        {
            for (int i = 0; i < inputs; i++)
            {
                connected[o, i] = random.NextDouble() < density;
            }
        }

        return connected;
    }

    /// <summary>
    /// A MADE of two layers (inputs → hidden → copies · inputs) with hidden degrees in [0, inputs), thinned; a third
    /// of them with one random connection more, which may or may not break the property.
    /// </summary>
    internal static (bool[,] First, bool[,] Second) Made(Random random, int inputs, int hidden, int copies, bool interleaved)
    {
        int outputs = inputs * copies;
        int[] degrees = Enumerable.Range(0, hidden).Select(_ => random.Next(0, inputs)).ToArray();
        double keep = 0.4 + (0.6 * random.NextDouble());
        var first = new bool[hidden, inputs];
        var second = new bool[outputs, hidden];
        for (int h = 0; h < hidden; h++)
        {
            for (int i = 0; i < inputs; i++)
            {
                first[h, i] = i < degrees[h] && random.NextDouble() < keep;
            }
        }

        for (int o = 0; o < outputs; o++)
        {
            int variable = interleaved ? o / copies : o % inputs;
            for (int h = 0; h < hidden; h++)
            {
                second[o, h] = degrees[h] <= variable && random.NextDouble() < keep;
            }
        }

        if (random.Next(3) == 0)
        {
            if (random.Next(2) == 0)
            {
                first[random.Next(hidden), random.Next(inputs)] = true;
            }
            else
            {
                second[random.Next(outputs), random.Next(hidden)] = true;
            }
        }

        return (first, second);
    }

    /// <summary>One masked layer of the pool: its own source file and mask file.</summary>
    private sealed class FuzzLayer
    {
        public required string Name { get; init; }

        public required int Inputs { get; init; }

        public required int Outputs { get; init; }

        /// <summary>How the mask is broken (ragged, bad cell, empty, missing), or null for a valid mask.</summary>
        public string? Broken { get; set; }

        public bool OutputsByInputs { get; init; }

        public bool Bias { get; init; } = true;

        public string Access { get; init; } = "public";

        public string MaskText { get; set; } = "";

        public string SourcePath(FuzzBatch batch) => $"{batch.Directory}/{Name}.cs";

        public string MaskPath(FuzzBatch batch) => $"{batch.Directory}/{Name}.txt";

        public bool Owns(FuzzBatch batch, Location location) =>
            location.GetLineSpan().Path is { } path && (path == SourcePath(batch) || path == MaskPath(batch));

        public override string ToString() => $"{Name}: {Access} {Inputs} -> {Outputs}, bias {Bias}, {(OutputsByInputs ? "OutputsByInputs" : "InputsByOutputs")}{(Broken is null ? "" : ", broken: " + Broken)}";
    }

    /// <summary>One network: its own file and namespace (a child of the pool's, so the pool's names resolve).</summary>
    private sealed class FuzzNetwork
    {
        public required string Name { get; init; }

        public required string Path { get; init; }

        public required string HintName { get; init; }

        public required List<string> Entries { get; init; }

        public required List<FuzzLayer> Layers { get; init; }

        public required string Source { get; init; }

        public bool Unknown => Entries.Contains(UnknownEntry);

        /// <summary>Neither the network nor a layer of it has a generator error, and it names no unknown type.</summary>
        public bool Clean { get; set; }

        /// <summary>The text of the network's file at a location there (a generator diagnostic's location has no syntax tree).</summary>
        public string? TextAt(Location location) =>
            location.SourceSpan is { } span && span.End <= Source.Length ? Source.Substring(span.Start, span.Length) : null;

        /// <summary>The network's file or its generated source.</summary>
        public bool Owns(Location location) =>
            location.GetLineSpan().Path is { } path && (path == Path || path.EndsWith("/" + HintName, StringComparison.Ordinal));

        public string Describe(FuzzBatch batch, IEnumerable<Diagnostic> diagnostics)
        {
            var text = new StringBuilder($"network {Name}:\n{Source}");
            foreach (FuzzLayer layer in Layers)
            {
                text.Append($"-- {layer}; mask {layer.Name}.txt:\n{layer.MaskText}");
            }

            return text.Append("-- generator: ").AppendJoin("\n   ", diagnostics).ToString();
        }
    }

    /// <summary>
    /// One compilation: a pool of masked layers (random sizes, some broken, two MADE chains, one in no network), the
    /// types entries may name, and networks drawn from them, each in its own file and namespace.
    /// </summary>
    private sealed class FuzzBatch
    {
        public int Id { get; private init; }

        public string Directory => $"{GeneratorHarness.SourceDirectory}/B{Id}";

        public string Namespace => $"Fuzz.B{Id}";

        public List<FuzzLayer> Layers { get; } = [];

        public List<FuzzNetwork> Networks { get; } = [];

        public List<(string Path, string Text)> Sources { get; } = [];

        public List<(string Path, string Text)> Files { get; } = [];

        /// <summary>The MADE chains: their layers in order, and whether their copies are interleaved.</summary>
        private List<(List<FuzzLayer> Layers, bool Interleaved)> Chains { get; } = [];

        public bool Owns(Location location) =>
            location.GetLineSpan().Path is { } path && (path.StartsWith(Directory + "/", StringComparison.Ordinal) || path.Contains($"/{Namespace}.", StringComparison.Ordinal));

        public static FuzzBatch Create(Random random, int id)
        {
            var batch = new FuzzBatch { Id = id };
            for (int j = 0; j < 10; j++)
            {
                int inputs = random.Next(1, 5), outputs = random.Next(1, 5);
                batch.AddLayer(random, "L" + j, RandomConnections(random, outputs, inputs, random.Next(12) == 0 ? 0 : 0.3 + (0.7 * random.NextDouble())));
            }

            for (int c = 0; c < 2; c++)
            {
                int layers = random.Next(1, 4);
                int[] widths = [.. Enumerable.Range(0, layers).Select(_ => random.Next(1, 6)), 0];
                widths[layers] = widths[0] * random.Next(1, 3);
                bool interleaved = random.Next(2) == 0;
                bool[][,] masks = MadeChain(random, widths, interleaved);
                batch.Chains.Add((masks.Select((mask, j) => batch.AddLayer(random, $"M{c}x{j}", mask)).ToList(), interleaved));
            }

            // In no network.
            batch.AddLayer(random, "Spare", RandomConnections(random, random.Next(1, 5), random.Next(1, 5), 0.6));
            batch.Sources.Add(($"{batch.Directory}/Types.cs", Types(batch.Namespace)));
            batch.Sources.Add(($"{batch.Directory}/GenericLayer.cs", $"using CustomizedLinear;\n\nnamespace {batch.Namespace};\n\n[MaskedLinear(\"generic.txt\")]\npublic partial class GenericLayer<T> {{ }}\n"));
            batch.Files.Add(($"{batch.Directory}/generic.txt", "1 1\n1 1\n"));
            for (int k = 0; k < NetworksPerBatch; k++)
            {
                batch.AddNetwork(random, k);
            }

            return batch;
        }

        private FuzzLayer AddLayer(Random random, string name, bool[,] connections)
        {
            var layer = new FuzzLayer
            {
                Name = name,
                Inputs = connections.GetLength(1),
                Outputs = connections.GetLength(0),
                OutputsByInputs = random.Next(3) == 0,
                Bias = random.Next(3) != 0,
                Access = random.Next(8) == 0 ? "internal" : "public",
            };
            layer.MaskText = MaskText(connections, layer.OutputsByInputs);
            if (random.Next(10) == 0)
            {
                Break(random, layer);
            }

            string arguments = $"\"{name}.txt\""
                + (layer.Bias ? random.Next(2) == 0 ? ", Bias = true" : "" : ", Bias = false")
                + (layer.OutputsByInputs ? ", Layout = MaskLayout.OutputsByInputs" : random.Next(3) == 0 ? ", Layout = MaskLayout.InputsByOutputs" : "");
            Sources.Add((layer.SourcePath(this), $"using CustomizedLinear;\n\nnamespace {Namespace};\n\n[MaskedLinear({arguments})]\n{layer.Access} partial class {name} {{ }}\n"));
            if (layer.Broken != "missing")
            {
                Files.Add((layer.MaskPath(this), layer.MaskText));
            }

            Layers.Add(layer);
            return layer;
        }

        /// <summary>Breaks a mask in exactly one place.</summary>
        private static void Break(Random random, FuzzLayer layer)
        {
            string[] rows = layer.MaskText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            switch (random.Next(4))
            {
                case 0 when rows.Length > 1:
                {
                    // A row with a cell more or, when it has two or more, a cell less.
                    int row = random.Next(1, rows.Length);
                    rows[row] = rows[row].Length > 1 && random.Next(2) == 0 ? rows[row][2..] : rows[row] + " 1";
                    layer.MaskText = string.Join("\n", rows) + "\n";
                    layer.Broken = "ragged";
                    break;
                }

                case 1:
                {
                    char[] text = layer.MaskText.ToCharArray();
                    int[] cells = Enumerable.Range(0, text.Length).Where(i => text[i] is '0' or '1').ToArray();
                    text[cells[random.Next(cells.Length)]] = random.Next(2) == 0 ? 'x' : '2';
                    layer.MaskText = new string(text);
                    layer.Broken = "bad cell";
                    break;
                }

                case 2:
                    layer.MaskText = random.Next(2) == 0 ? "" : "# nothing here\n\n";
                    layer.Broken = "empty";
                    break;
                default:
                    layer.Broken = "missing";
                    break;
            }
        }

        private string Activation(Random random) => random.Next(3) == 0
            ? $"typeof({UserActivations[random.Next(UserActivations.Length)]})"
            : $"typeof({BuiltIns[random.Next(BuiltIns.Length)]})";

        private void AddNetwork(Random random, int k)
        {
            var pool = Layers.Where(l => l.Name != "Spare").ToList();
            var entries = new List<string>();
            bool made = random.Next(4) == 0;
            bool madeInterleaved = false;
            if (made)
            {
                (List<FuzzLayer> chain, madeInterleaved) = Chains[random.Next(Chains.Count)];
                foreach (FuzzLayer layer in chain)
                {
                    entries.Add($"typeof({layer.Name})");
                    if (random.Next(2) == 0)
                    {
                        entries.Add(Activation(random));
                    }
                }
            }
            else
            {
                // A walk over the pool along matching sizes, now and then a layer that does not fit; activations around.
                FuzzLayer layer = pool[random.Next(pool.Count)];
                for (int count = random.Next(1, 5); ; count--)
                {
                    if (random.Next(5) == 0)
                    {
                        entries.Add(Activation(random));
                    }

                    entries.Add($"typeof({layer.Name})");
                    if (random.Next(2) == 0)
                    {
                        entries.Add(Activation(random));
                    }

                    var next = pool.Where(l => l.Inputs == layer.Outputs).ToList();
                    if (count <= 1 || next.Count == 0)
                    {
                        break;
                    }

                    layer = random.Next(10) == 0 ? pool[random.Next(pool.Count)] : next[random.Next(next.Count)];
                }
            }

            for (int mutations = random.Next(4) == 0 ? random.Next(1, 4) : 0; mutations > 0; mutations--)
            {
                string entry = random.Next(5) switch
                {
                    0 => Activation(random),
                    1 => $"typeof({pool[random.Next(pool.Count)].Name})",
                    2 => random.Next(5) == 0 ? UnknownEntry : NotModules[random.Next(NotModules.Length)],
                    _ => "",
                };
                int at = random.Next(entries.Count + 1);
                if (entry.Length == 0)
                {
                    if (entries.Count > 0)
                    {
                        entries.RemoveAt(Math.Min(at, entries.Count - 1));
                    }
                }
                else if (random.Next(2) == 0 && at < entries.Count)
                {
                    entries[at] = entry;
                }
                else
                {
                    entries.Insert(at, entry);
                }
            }

            if (random.Next(40) == 0)
            {
                entries.Clear();
            }

            entries = entries.Take(6).ToList();
            string list = string.Join(", ", entries);
            var arguments = new List<string>
            {
                random.Next(6) switch
                {
                    _ when entries.Count == 0 => random.Next(4) switch
                    {
                        0 => "new Type[] { }",
                        1 => "new Type[0]",
                        2 => "null",
                        _ => "",
                    },
                    0 => $"new Type[] {{ {list} }}",
                    1 => $"new[] {{ {list} }}",
                    _ => list,
                },
            };
            if (made ? random.Next(10) != 0 : random.Next(8) == 0)
            {
                arguments.Add("Autoregressive = true");
            }
            else if (random.Next(6) == 0)
            {
                arguments.Add("Autoregressive = false");
            }

            int order = made && random.Next(6) != 0 ? (madeInterleaved ? 1 : random.Next(2) * 2) : random.Next(12);
            arguments.Add(order switch
            {
                0 => "AutoregressiveOutputs = MadeOutputOrder.Concatenated",
                1 => "AutoregressiveOutputs = MadeOutputOrder.Interleaved",
                3 => "AutoregressiveOutputs = (MadeOutputOrder)2",
                4 => "AutoregressiveOutputs = (MadeOutputOrder)(-1)",
                5 => "AutoregressiveOutputs = (MadeOutputOrder)1",
                _ => "",
            });

            string name = "N" + k;
            string ns = $"{Namespace}.K{k}";
            string attribute = $"[Sequential({string.Join(", ", arguments.Where(a => a.Length > 0))})]";
            string body = random.Next(25) == 0 ? "\n{\n    public int Forward => 0;\n}" : " { }";
            string hint = $"{ns}.{name}.Sequential.g.cs";
            string declaration;
            switch (random.Next(24))
            {
                case 0:
                    declaration = $"{attribute}\npublic class {name}{body}";
                    break;
                case 1:
                    declaration = $"{attribute}\npublic static partial class {name}{body}";
                    break;
                case 2:
                    declaration = $"{attribute}\npublic partial class {name}<T>{body}";
                    hint = $"{ns}.{name}`1.Sequential.g.cs";
                    break;
                case 3:
                case 4:
                    declaration = $"public partial class Outer\n{{\n    {attribute}\n    public partial class {name}{body}\n}}";
                    hint = $"{ns}.Outer.{name}.Sequential.g.cs";
                    break;
                case 5:
                    declaration = $"public class Closed\n{{\n    {attribute}\n    public partial class {name}{body}\n}}";
                    break;
                case 6:
                    declaration = $"{attribute}\npublic partial record {name}{body}";
                    break;
                case 7:
                case 8:
                    declaration = $"{attribute}\ninternal sealed partial class {name}{body}";
                    break;
                default:
                    declaration = $"{attribute}\npublic partial class {name}{body}";
                    break;
            }

            // Sometimes a user type named ReLU, which typeof(ReLU) then means instead of the built-in one.
            string shadow = random.Next(15) == 0 ? $"\npublic sealed class ReLU : IActivation\n{{\n{ActivationMembers}\n}}\n" : "";
            string source = $"using System;\nusing System.Collections.Generic;\nusing CustomizedLinear;\n\nnamespace {ns};\n\n{declaration}\n{shadow}";
            var network = new FuzzNetwork
            {
                Name = name,
                Path = $"{Directory}/{name}.cs",
                HintName = hint,
                Entries = entries,
                Layers = Layers.Where(l => entries.Contains($"typeof({l.Name})")).ToList(),
                Source = source,
            };
            Sources.Add((network.Path, source));
            Networks.Add(network);
        }

        private const string ActivationMembers = """
                public static void Forward(ReadOnlySpan<float> input, Span<float> output) => input.CopyTo(output);

                public static void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad) => outputGrad.CopyTo(inputGrad);
            """;

        /// <summary>The types the entries name; unused ones draw no warning.</summary>
        private static string Types(string ns) => $$"""
            using System;
            using CustomizedLinear;

            namespace {{ns}};

            public sealed class Act : IActivation
            {
            {{ActivationMembers}}
            }

            public sealed class ActExplicit : IActivation
            {
                static void IActivation.Forward(ReadOnlySpan<float> input, Span<float> output) => input.CopyTo(output);

                static void IActivation.Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad) => outputGrad.CopyTo(inputGrad);
            }

            public readonly struct ActStruct : IActivation
            {
            {{ActivationMembers}}
            }

            public sealed class ActG<T> : IActivation
            {
            {{ActivationMembers}}
            }

            public struct Plain { }

            public enum Colour { Red, Green }

            public interface IFoo { }

            public interface IAct2 : IActivation { }

            """;

        /// <summary>A chain of MADE masks over <paramref name="widths"/>: hidden degrees in [0, inputs), thinned, sometimes one connection more.</summary>
        private static bool[][,] MadeChain(Random random, int[] widths, bool interleaved)
        {
            int inputs = widths[0], outputs = widths[^1], copies = outputs / inputs;
            int[] below = Enumerable.Range(1, inputs).ToArray();
            var masks = new bool[widths.Length - 1][,];
            for (int k = 0; k + 1 < widths.Length; k++)
            {
                bool last = k + 2 == widths.Length;
                int[] degrees = last
                    ? Enumerable.Range(0, outputs).Select(o => (interleaved ? o / copies : o % inputs) + 1).ToArray()
                    : Enumerable.Range(0, widths[k + 1]).Select(_ => random.Next(0, inputs)).ToArray();
                double keep = 0.5 + (0.5 * random.NextDouble());
                var mask = new bool[widths[k + 1], widths[k]];
                for (int o = 0; o < widths[k + 1]; o++)
                {
                    for (int i = 0; i < widths[k]; i++)
                    {
                        mask[o, i] = (last ? below[i] < degrees[o] : below[i] <= degrees[o]) && random.NextDouble() < keep;
                    }
                }

                masks[k] = mask;
                below = degrees;
            }

            if (random.Next(3) == 0)
            {
                bool[,] mask = masks[random.Next(masks.Length)];
                mask[random.Next(mask.GetLength(0)), random.Next(mask.GetLength(1))] = true;
            }

            return masks;
        }
    }
}
