using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using CustomizedLinear.Generator.Limits;

namespace CustomizedLinear.Tool;

/// <summary>The subcommands: their options (System.CommandLine) and what each one does with the runtime's builders.</summary>
internal static class Commands
{
    public static RootCommand Build(string[] args, TextWriter stdout)
    {
        string commandLine = Program.CommandLine(args);
        var root = new RootCommand("Writes mask files for CustomizedLinear's compiled masked layers with the runtime's builders, and inspects them.");
        root.Add(Made(commandLine, stdout));
        root.Add(RandomCommand(commandLine, stdout));
        root.Add(FanIn(commandLine, stdout));
        root.Add(Banded(commandLine, stdout));
        root.Add(Patches(commandLine, stdout));
        root.Add(Shuffle(commandLine, stdout));
        root.Add(Gmt(commandLine, stdout));
        root.Add(Inspect(stdout));
        return root;
    }

    // ------------------------------------------------------------------------------------------------
    // made

    private static Command Made(string commandLine, TextWriter stdout)
    {
        Option<int> inputs = Required<int>("--inputs", "The number of input variables (at least 2).");
        var hidden = new Option<int[]>("--hidden")
        {
            Description = "The hidden layers' sizes, comma-separated (e.g. 500,500); \"none\" for inputs straight to outputs.",
            Required = true,
            CustomParser = ParseSizes,
        };
        var seed = new Option<ulong?>("--seed") { Description = "The seed of the random hidden degrees (required with --degrees random)." };
        var multiplier = new Option<int>("--multiplier") { Description = "Outputs per variable, k (e.g. 2 for a mean and a log-scale).", DefaultValueFactory = _ => 1 };
        var degrees = new Option<string>("--degrees") { Description = "Hidden degrees: random (karpathy's pytorch-made) or cyclic (nflows' deterministic rule).", DefaultValueFactory = _ => "random" };
        degrees.AcceptOnlyFromAmong("random", "cyclic");
        var order = new Option<string>("--order") { Description = "Output layout with --multiplier above 1: concatenated (karpathy) or interleaved (nflows).", DefaultValueFactory = _ => "concatenated" };
        order.AcceptOnlyFromAmong("concatenated", "interleaved");
        var name = new Option<string>("--name") { Description = "The network class's name in the printed declarations; its layers are NAME0, NAME2, ...", DefaultValueFactory = _ => "Made" };
        Option<string> output = Required<string>("--out", "The folder to write the mask files to: 0.txt, 2.txt, ... (the layers' nn.Sequential indices).");
        Option<bool> force = Force("Replace existing mask files, and remove the extra layers (N.txt written by made) of an earlier, deeper network in the folder.");

        var command = new Command("made", "MADE masks (Germain et al. 2015): one file per layer, and the [MaskedLinear]/[Sequential] declarations to paste.")
        {
            inputs, hidden, seed, multiplier, degrees, order, name, output, force,
        };
        command.SetAction(result =>
        {
            int inputSize = result.GetValue(inputs);
            int[] hiddenSizes = result.GetValue(hidden)!;
            MadeDegrees degreeRule = result.GetValue(degrees) == "cyclic" ? MadeDegrees.Cyclic : MadeDegrees.Random;
            MadeOutputOrder outputOrder = result.GetValue(order) == "interleaved" ? MadeOutputOrder.Interleaved : MadeOutputOrder.Concatenated;
            ulong? seedValue = result.GetValue(seed);
            if (degreeRule == MadeDegrees.Random && seedValue is null)
            {
                throw new ToolException("--seed is required with --degrees random (the default); give one, or use --degrees cyclic");
            }

            if (degreeRule == MadeDegrees.Cyclic && seedValue is not null)
            {
                throw new ToolException("--seed has no effect with --degrees cyclic (its degrees are deterministic); leave it out");
            }

            string className = result.GetValue(name)!;
            CheckClassName(className);

            string outArgument = result.GetValue(output)!;
            string folder = Output.CheckFolderTarget(outArgument, "--out");
            CheckMadeShapes(inputSize, hiddenSizes, result.GetValue(multiplier));
            bool replace = result.GetValue(force);
            int layerCount = hiddenSizes.Length + 1;
            string shownFolder = Output.Display(outArgument).TrimEnd('/');
            string[] shown = [.. Enumerable.Range(0, layerCount).Select(l => $"{shownFolder}/{2 * l}.txt")];
            string[] targets = [.. shown.Select(path => Output.CheckFileTarget(path, "--out", replace))];
            (List<string> stale, List<string> foreign) = LayersBeyond(folder, layerCount);
            if (stale.Count > 0 && !replace)
            {
                throw new ToolException(
                    $"--out {outArgument} holds {string.Join(", ", stale.Select(Path.GetFileName))} from an earlier made with more layers; " +
                    "give --force to remove them, or another folder");
            }

            bool[][,] masks = Builder(() => Masks.Made(inputSize, hiddenSizes, seedValue ?? 0, result.GetValue(multiplier), degreeRule, outputOrder),
                ("inputSize", "--inputs"), ("hiddenSizes", "--hidden"), ("outputMultiplier", "--multiplier"));

            var files = new List<PlannedFile>();
            for (int l = 0; l < masks.Length; l++)
            {
                string fileName = $"{2 * l}.txt";
                string comment = $"{commandLine}\nlayer {l + 1} of {masks.Length} (nn.Sequential index {2 * l}): {masks[l].GetLength(0)} inputs × {masks[l].GetLength(1)} outputs";
                files.Add(Output.MaskFileFor(targets[l], masks[l], comment, $"layer {l + 1}"));
            }

            Output.WriteAll(files, stale);

            var text = new StringBuilder();
            text.Append("// ").Append(commandLine).Append('\n');
            for (int l = 0; l < masks.Length; l++)
            {
                text.Append($"// wrote {shown[l]}: {masks[l].GetLength(0)} × {masks[l].GetLength(1)}, {Program.N(Count(masks[l]))} connections\n");
            }

            foreach (string removed in stale)
            {
                text.Append($"// removed {shownFolder}/{Path.GetFileName(removed)}: a layer of the earlier, deeper network in this folder\n");
            }

            foreach (string kept in foreign)
            {
                text.Append($"// left {shownFolder}/{Path.GetFileName(kept)} alone: made did not write it; remove it if it was a layer of an earlier network\n");
            }

            text.Append("// Paths are as given to --out: relative to this file's folder in [MaskedLinear], to the project's in <AdditionalFiles>.\n");
            text.Append("using CustomizedLinear;\n\n");
            for (int l = 0; l < masks.Length; l++)
            {
                text.Append($"[MaskedLinear(\"{Escape(shown[l])}\")] public partial class {className}{2 * l} {{ }}\n");
            }

            var modules = new List<string>();
            for (int l = 0; l < masks.Length; l++)
            {
                if (l > 0)
                {
                    modules.Add("typeof(ReLU)");
                }

                modules.Add($"typeof({className}{2 * l})");
            }

            string outputs = outputOrder == MadeOutputOrder.Interleaved ? ", AutoregressiveOutputs = MadeOutputOrder.Interleaved" : "";
            text.Append($"[Sequential({string.Join(", ", modules)}, Autoregressive = true{outputs})] public partial class {className} {{ }}\n\n");
            text.Append("<ItemGroup>\n");
            foreach (string path in shown)
            {
                text.Append($"  <AdditionalFiles Include=\"{System.Security.SecurityElement.Escape(path)}\" />\n");
            }

            text.Append("</ItemGroup>\n");
            stdout.Write(text.ToString());
            return 0;
        });
        return command;
    }

    // ------------------------------------------------------------------------------------------------
    // random, fanin, banded, patches, shuffle

    private static Command RandomCommand(string commandLine, TextWriter stdout)
    {
        Option<int> inputs = Required<int>("--inputs", "Rows: the layer's inputs.");
        Option<int> outputs = Required<int>("--outputs", "Columns: the layer's outputs.");
        Option<double> density = Required<double>("--density", "The probability of each connection, in [0, 1].");
        Option<ulong> seed = Required<ulong>("--seed", "The seed.");
        Option<string> output = Required<string>("--out", "The mask file to write.");
        Option<bool> force = Force();
        var command = new Command("random", "A random mask: each connection independently with probability --density.")
        {
            inputs, outputs, density, seed, output, force,
        };
        command.SetAction(result => WriteOne(result, output, force, commandLine, stdout, () => Builder(
            () => CheckedRandom(result.GetValue(inputs), result.GetValue(outputs), result.GetValue(density), result.GetValue(seed)),
            ("inputSize", "--inputs"), ("outputSize", "--outputs"), ("density", "--density"))));
        return command;
    }

    private static Command FanIn(string commandLine, TextWriter stdout)
    {
        Option<int> inputs = Required<int>("--inputs", "Rows: the layer's inputs.");
        Option<int> outputs = Required<int>("--outputs", "Columns: the layer's outputs.");
        Option<int> fanIn = Required<int>("--fan-in", "Distinct inputs per output, in [1, --inputs].");
        Option<ulong> seed = Required<ulong>("--seed", "The seed.");
        Option<string> output = Required<string>("--out", "The mask file to write.");
        Option<bool> force = Force();
        var command = new Command("fanin", "A random mask in which every output has exactly --fan-in inputs.")
        {
            inputs, outputs, fanIn, seed, output, force,
        };
        command.SetAction(result => WriteOne(result, output, force, commandLine, stdout, () => Builder(
            () => CheckedFanIn(result.GetValue(inputs), result.GetValue(outputs), result.GetValue(fanIn), result.GetValue(seed)),
            ("inputSize", "--inputs"), ("outputSize", "--outputs"), ("fanIn", "--fan-in"))));
        return command;
    }

    private static Command Banded(string commandLine, TextWriter stdout)
    {
        Option<int> inputs = Required<int>("--inputs", "Rows: the layer's inputs.");
        Option<int> outputs = Required<int>("--outputs", "Columns: the layer's outputs.");
        Option<int> halfWidth = Required<int>("--half-width", "Inputs on each side of an output's centre input.");
        Option<string> output = Required<string>("--out", "The mask file to write.");
        Option<bool> force = Force();
        var command = new Command("banded", "A banded mask: each output sees the inputs around its centre.")
        {
            inputs, outputs, halfWidth, output, force,
        };
        command.SetAction(result => WriteOne(result, output, force, commandLine, stdout, () => Builder(
            () => CheckedBanded(result.GetValue(inputs), result.GetValue(outputs), result.GetValue(halfWidth)),
            ("inputSize", "--inputs"), ("outputSize", "--outputs"), ("halfWidth", "--half-width"))));
        return command;
    }

    private static Command Patches(string commandLine, TextWriter stdout)
    {
        Option<int> width = Required<int>("--width", "Image width in pixels.");
        Option<int> height = Required<int>("--height", "Image height in pixels.");
        Option<int> patch = Required<int>("--patch", "The side of a square patch.");
        var stride = new Option<int>("--stride") { Description = "The step between patch positions.", DefaultValueFactory = _ => 1 };
        Option<string> output = Required<string>("--out", "The mask file to write.");
        Option<bool> force = Force();
        var command = new Command("patches", "Local patches of an image (a Conv2d without padding): pixels row by row in, patch positions out.")
        {
            width, height, patch, stride, output, force,
        };
        command.SetAction(result => WriteOne(result, output, force, commandLine, stdout, () => Builder(
            () => CheckedPatches(result.GetValue(width), result.GetValue(height), result.GetValue(patch), result.GetValue(stride)),
            ("width", "--width"), ("height", "--height"), ("patch", "--patch"), ("stride", "--stride"))));
        return command;
    }

    private static Command Shuffle(string commandLine, TextWriter stdout)
    {
        Option<string> input = Required<string>("--in", "The mask file to shuffle.");
        Option<ulong> seed = Required<ulong>("--seed", "The seed.");
        var swaps = new Option<int?>("--swaps") { Description = "Edge swaps attempted (default 10 × the number of connections)." };
        Option<string> output = Required<string>("--out", "The mask file to write (--in itself, with --force, shuffles in place).");
        Option<bool> force = Force();
        var command = new Command("shuffle", "A random control: the --in mask's connections moved by edge swaps, every input's and output's count kept.")
        {
            input, seed, swaps, output, force,
        };
        command.SetAction(result => WriteOne(result, output, force, commandLine, stdout, () =>
        {
            bool[,] mask = ReadMask(result.GetValue(input)!, "--in");
            return Builder(() => Masks.ShufflePreservingDegrees(mask, result.GetValue(seed), result.GetValue(swaps)), ("swaps", "--swaps"));
        }));
        return command;
    }

    // ------------------------------------------------------------------------------------------------
    // gmt

    private static Command Gmt(string commandLine, TextWriter stdout)
    {
        Option<string> genes = Required<string>("--genes", "The layer's inputs: a text file with one gene name per line (blank lines skipped).");
        Option<string> sets = Required<string>("--sets", "The gene sets: a .gmt file (name, description, genes; tab-separated).");
        var min = new Option<int>("--min") { Description = "The fewest input genes a kept set lists.", DefaultValueFactory = _ => 1 };
        var max = new Option<int>("--max") { Description = "The most input genes a kept set lists.", DefaultValueFactory = _ => int.MaxValue };
        var caseSensitive = new Option<bool>("--case-sensitive") { Description = "Match gene names with their letter case (default: ignore case)." };
        Option<string> output = Required<string>("--out", "The mask file to write ([genes, kept sets]); the kept sets' names go to NAME.names.txt beside it.");
        Option<bool> force = Force();
        var command = new Command("gmt", "A gene → pathway mask from a .gmt file, and the kept sets' names beside it.")
        {
            genes, sets, min, max, caseSensitive, output, force,
        };
        command.SetAction(result =>
        {
            string genesPath = result.GetValue(genes)!;
            string setsPath = result.GetValue(sets)!;
            string outArgument = result.GetValue(output)!;
            string target = Output.CheckFileTarget(outArgument, "--out", result.GetValue(force));
            string shownNames = Output.Display(NamesPath(outArgument));
            string namesTarget = Output.CheckFileTarget(shownNames, "--out", result.GetValue(force));
            if (string.Equals(target, namesTarget, StringComparison.Ordinal))
            {
                throw new ToolException($"--out {outArgument}: the names file would be the mask file itself; give the mask file another name");
            }

            List<string> inputGenes = ReadText(genesPath, "--genes").Split('\n')
                .Select(line => line.Trim()).Where(line => line.Length > 0).ToList();
            if (inputGenes.Count == 0)
            {
                throw new ToolException($"--genes {genesPath}: no gene names in the file");
            }

            GeneSetCollection collection;
            try
            {
                collection = GeneSets.ReadGmt(new StringReader(ReadText(setsPath, "--sets")));
            }
            catch (InvalidDataException e)
            {
                throw new ToolException($"--sets {setsPath}: {e.Message}");
            }

            Output.CheckShape(inputGenes.Count, collection.Count, "the gene-set mask");
            GeneSetMask geneMask = Builder(
                () => GeneSets.ToMask(inputGenes, collection, result.GetValue(min), result.GetValue(max), ignoreCase: !result.GetValue(caseSensitive)),
                ("minGenes", "--min"), ("maxGenes", "--max"), ("inputGenes", "--genes"));
            if (geneMask.OutputNames.Count == 0)
            {
                throw new ToolException($"no gene set of {setsPath} lists between {result.GetValue(min)} and {result.GetValue(max)} of the {inputGenes.Count} genes of {genesPath}; nothing to write");
            }

            string namesFile = Path.GetFileName(namesTarget);
            string comment = $"{commandLine}\nrows: the genes of {genesPath}, in order; columns: the kept sets, named in {namesFile}";
            PlannedFile maskFile = Output.MaskFileFor(target, geneMask.Mask, comment, "the gene-set mask");
            var namesPlanned = new PlannedFile(namesTarget, writer =>
            {
                foreach (string setName in geneMask.OutputNames)
                {
                    writer.Write(setName);
                    writer.Write('\n');
                }
            });
            Output.WriteAll([maskFile, namesPlanned]);

            int connectedGenes = Enumerable.Range(0, geneMask.Mask.GetLength(0))
                .Count(i => Enumerable.Range(0, geneMask.Mask.GetLength(1)).Any(s => geneMask.Mask[i, s]));
            stdout.Write($"wrote {Output.Display(outArgument)}: {inputGenes.Count} genes × {geneMask.OutputNames.Count} sets, {Program.N(Count(geneMask.Mask))} connections\n");
            stdout.Write($"kept {geneMask.OutputNames.Count} of {collection.Count} sets ({result.GetValue(min)} to {(result.GetValue(max) == int.MaxValue ? "any number of" : result.GetValue(max))} genes); {connectedGenes} of {inputGenes.Count} genes are in a kept set\n");
            stdout.Write($"wrote {shownNames}: the kept sets' names, one per line\n");
            return 0;
        });
        return command;
    }

    /// <summary>The names file beside a gene-set mask file: <c>pathways.txt</c> → <c>pathways.names.txt</c>.</summary>
    internal static string NamesPath(string maskPath) => Path.ChangeExtension(maskPath, null) + ".names.txt";

    // ------------------------------------------------------------------------------------------------
    // inspect

    private static Command Inspect(TextWriter stdout)
    {
        var file = new Argument<string>("file") { Description = "The mask file ([in, out], one row per input)." };
        var command = new Command("inspect", "Shape, connections, density, unconnected units, fan-in/fan-out and (up to 64 × 64) a picture of a mask file.")
        {
            file,
        };
        command.SetAction(result =>
        {
            string path = result.GetValue(file)!;
            bool[,] mask = ReadMask(path, "inspect");
            stdout.Write(Inspection.Describe(Output.Display(path), mask));
            return 0;
        });
        return command;
    }

    // ------------------------------------------------------------------------------------------------
    // helpers

    private static int WriteOne(ParseResult result, Option<string> output, Option<bool> force, string commandLine, TextWriter stdout, Func<bool[,]> build)
    {
        string outArgument = result.GetValue(output)!;
        string target = Output.CheckFileTarget(outArgument, "--out", result.GetValue(force));
        bool[,] mask = build();
        string comment = $"{commandLine}\n{mask.GetLength(0)} inputs × {mask.GetLength(1)} outputs";
        Output.WriteAll([Output.MaskFileFor(target, mask, comment, "the mask")]);
        long connections = Count(mask);
        stdout.Write($"wrote {Output.Display(outArgument)}: {mask.GetLength(0)} inputs × {mask.GetLength(1)} outputs, {Program.N(connections)} connections (density {Inspection.Density(connections, mask)})\n");
        return 0;
    }

    private static Option<T> Required<T>(string name, string description) => new(name) { Description = description, Required = true };

    private static Option<bool> Force(string description = "Replace the output file(s) if they exist.") => new("--force") { Description = description };

    /// <summary><see cref="Masks.RandomFanIn"/> after checking its shape and exact connection count (fan-in × outputs).</summary>
    private static bool[,] CheckedFanIn(int inputs, int outputs, int fanIn, ulong seed)
    {
        Output.CheckShape(inputs, outputs, "the mask");
        Output.CheckConnections((long)Math.Max(fanIn, 0) * Math.Max(outputs, 0), inputs, outputs, "the mask");
        return Masks.RandomFanIn(inputs, outputs, fanIn, seed);
    }

    /// <summary><see cref="Masks.Banded"/> after checking its shape (its connections are at most its cells).</summary>
    private static bool[,] CheckedBanded(int inputs, int outputs, int halfWidth)
    {
        Output.CheckShape(inputs, outputs, "the mask");
        return Masks.Banded(inputs, outputs, halfWidth);
    }

    /// <summary>
    /// <see cref="Masks.Random"/> after refusing, before building, a mask whose expected connections exceed the
    /// generator's limit by more than 6σ (a mask that close to it is built and then counted exactly).
    /// </summary>
    private static bool[,] CheckedRandom(int inputs, int outputs, double density, ulong seed)
    {
        Output.CheckShape(inputs, outputs, "the mask");
        double cells = Math.Max(0, (double)inputs) * Math.Max(0, outputs);
        if (density is > 0 and <= 1)
        {
            double expected = cells * density;
            double sigma = Math.Sqrt(cells * density * (1 - density));
            if (expected - 6 * sigma > MaskLimits.MaxConnections)
            {
                throw new ToolException(
                    $"the mask ({Program.N(inputs)} × {Program.N(outputs)} at density {density.ToString(CultureInfo.InvariantCulture)}) would have about " +
                    $"{Program.N((long)expected)} connections; the generator accepts at most {Program.N(MaskLimits.MaxConnections)} per layer");
            }
        }

        return Masks.Random(inputs, outputs, density, seed);
    }

    /// <summary><see cref="Masks.LocalPatches"/> after checking the shape it would have (when its arguments are valid; else the builder says why).</summary>
    private static bool[,] CheckedPatches(int width, int height, int patch, int stride)
    {
        if (width > 0 && height > 0 && patch > 0 && stride > 0 && patch <= width && patch <= height)
        {
            long positions = (long)((width - patch) / stride + 1) * ((height - patch) / stride + 1);
            Output.CheckShape((long)width * height, positions, "the mask");
            Output.CheckConnections((long)patch * patch * positions, (long)width * height, positions, "the mask");
        }

        return Masks.LocalPatches(width, height, patch, stride);
    }

    /// <summary>Every MADE layer's shape within the generator's limits (when the sizes are valid; else the builder says why).</summary>
    private static void CheckMadeShapes(int inputs, int[] hidden, int multiplier)
    {
        if (inputs <= 0 || multiplier <= 0 || hidden.Any(h => h <= 0))
        {
            return;
        }

        long[] sizes = [inputs, .. hidden.Select(h => (long)h), (long)inputs * multiplier];
        for (int l = 0; l + 1 < sizes.Length; l++)
        {
            Output.CheckShape(sizes[l], sizes[l + 1], $"layer {l + 1}");
        }
    }

    /// <summary>
    /// Numbered mask files in <paramref name="folder"/> beyond this network's layers: those an earlier <c>made</c>
    /// wrote (its comment opens the file), which <c>--force</c> removes, and the others, which are not the tool's
    /// to remove and are only mentioned.
    /// </summary>
    private static (List<string> Stale, List<string> Foreign) LayersBeyond(string folder, int layerCount)
    {
        var stale = new List<string>();
        var foreign = new List<string>();
        if (!Directory.Exists(folder))
        {
            return (stale, foreign);
        }

        foreach (string file in Directory.EnumerateFiles(folder, "*.txt").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileNameWithoutExtension(file);
            if (name.Length > 0 && name.All(char.IsAsciiDigit) && int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int index)
                && index % 2 == 0 && index / 2 >= layerCount && name == index.ToString(CultureInfo.InvariantCulture))
            {
                using var reader = new StreamReader(file);
                bool ours = reader.ReadLine()?.StartsWith("# " + Program.CommandName + " made ", StringComparison.Ordinal) == true;
                (ours ? stale : foreign).Add(file);
            }
        }

        return (stale, foreign);
    }

    /// <summary>Parses <c>500,500</c> (or <c>none</c>) into sizes.</summary>
    private static int[] ParseSizes(ArgumentResult result)
    {
        string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(",", result.Tokens.Select(t => t.Value));
        if (string.Equals(text.Trim(), "none", StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        var sizes = new List<int>();
        foreach (string part in text.Split(','))
        {
            if (!int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int size))
            {
                result.AddError($"--hidden {text}: \"{part}\" is not a layer size; give sizes like 500,500 (or none)");
                return [];
            }

            sizes.Add(size);
        }

        return [.. sizes];
    }

    /// <summary>Calls a builder, reporting an argument it refuses under the option that gave it.</summary>
    private static T Builder<T>(Func<T> build, params (string Parameter, string Option)[] options)
    {
        try
        {
            return build();
        }
        catch (ArgumentException e)
        {
            string option = options.FirstOrDefault(o => o.Parameter == e.ParamName).Option ?? e.ParamName ?? "argument";
            string message = e.Message.Split('\n')[0].Trim();
            int suffix = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
            if (suffix >= 0)
            {
                message = message[..suffix];
            }

            throw new ToolException($"invalid {option}: {message}");
        }
    }

    private static bool[,] ReadMask(string path, string option)
    {
        string text = ReadText(path, option);
        try
        {
            return MaskFile.Read(new StringReader(text));
        }
        catch (InvalidDataException e)
        {
            throw new ToolException($"{Output.Display(path)}: {e.Message}");
        }
    }

    private static string ReadText(string path, string option)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ToolException($"{option}: the path is empty");
        }

        if (!File.Exists(path))
        {
            throw new ToolException(Directory.Exists(path) ? $"{option} {path}: is a folder, not a file" : $"{option} {path}: no such file");
        }

        return File.ReadAllText(path);
    }

    internal static long Count(bool[,] mask)
    {
        long count = 0;
        foreach (bool b in mask)
        {
            count += b ? 1 : 0;
        }

        return count;
    }

    /// <summary>
    /// A class name the printed declarations can use: an identifier that is not a keyword. Every C# keyword, reserved
    /// or contextual, is lowercase ASCII letters (or starts with <c>__</c>), and the compiler warns about any type
    /// named so (CS8981), so those are refused as a whole.
    /// </summary>
    private static void CheckClassName(string name)
    {
        if (!(name.Length > 0 && (char.IsLetter(name[0]) || name[0] == '_') && name.All(c => char.IsLetterOrDigit(c) || c == '_')))
        {
            throw new ToolException($"--name {name}: not a C# class name (a letter or _, then letters, digits or _)");
        }

        if (!name.Any(char.IsLetter) || name.All(char.IsAsciiLetterLower) || name.StartsWith("__", StringComparison.Ordinal))
        {
            throw new ToolException($"--name {name}: a C# keyword, or lowercase letters only (which the compiler warns about, CS8981); give a name that starts with a capital, like Made");
        }

        // The printed code says `using CustomizedLinear;` and names ReLU and MadeOutputOrder unqualified: a class of
        // the same name would take their place.
        if (name == nameof(CustomizedLinear) || typeof(Masks).Assembly.GetExportedTypes().Any(t => t.Namespace == nameof(CustomizedLinear) && t.Name == name))
        {
            throw new ToolException($"--name {name}: the name of a type the printed declarations use from CustomizedLinear; give another name");
        }
    }

    private static string Escape(string path) => path.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
