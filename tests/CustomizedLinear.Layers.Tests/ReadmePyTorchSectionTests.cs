using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using CustomizedLinear.Testing;
using Xunit;

namespace CustomizedLinear.Layers.Tests.ReadmePyTorch;

// The layers of the README section "Train in PyTorch, deploy with CustomizedLinear", declared as it declares
// them. masks/l0.txt and masks/l2.txt are byte for byte what its np.savetxt(path, m.astype(int), fmt="%d")
// lines write for m0 and m2.
// README >>>
[MaskedLinear("masks/l0.txt")] public partial class L0 { }   // model[0]: 4 → 3, with bias
[MaskedLinear("masks/l2.txt")] public partial class L2 { }   // model[2]: 3 → 2, with bias
// README <<<

/// <summary>
/// Keeps the README section "Train in PyTorch, deploy with CustomizedLinear" true: its C# runs here on a file laid
/// out as <c>safetensors.torch.save_file({k: v.contiguous() for k, v in model.state_dict().items()})</c> lays out the
/// original module's <c>nn.Sequential(CustomizedLinear(m0), ReLU(), CustomizedLinear(m2))</c>, written by the
/// tests' independent safetensors writer (<see cref="RawSafeTensors"/>, in tests/Shared); what <c>SafeTensors.Save</c>
/// writes is parsed independently and compared with that <c>state_dict</c>; and the README shows this file's code and
/// error message.
/// </summary>
public sealed class ReadmePyTorchSectionTests
{
    private const string SectionTitle = "## Train in PyTorch, deploy with CustomizedLinear";

    /// <summary>The error the README quotes, for <see cref="UnconnectedWeight"/> at <c>0.weight[1, 0]</c>.</summary>
    private const string QuotedError =
        "Tensor '0.weight'[1, 0] is 0.25, but input 0 is not connected to output 1: an unconnected weight must be 0.";

    private const float UnconnectedWeight = 0.25f;

    // The README's masks, [in, out] (the module's mask argument).
    private static readonly int[,] M0 = { { 1, 0, 1 }, { 0, 1, 0 }, { 1, 0, 1 }, { 1, 0, 1 } };
    private static readonly int[,] M2 = { { 1, 0 }, { 1, 1 }, { 0, 1 } };

    // A trained model's numbers, [out, in] as in its state_dict. Unconnected weights are 0 or -0.0, as
    // CustomizedLinear's `weight.data * mask` leaves them. All are short dyadic fractions: exact in F16 and BF16,
    // and every product and sum of the forward pass below is exact in float32 too.
    private static readonly double[] W0 =
    [
        0.5, -0.0, -0.75, 1.25,
        0.0, 1.5, -0.0, 0.0,
        -1.125, 0.0, 0.625, -0.25,
    ];

    private static readonly double[] B0 = [0.125, -0.5, 0.25];

    private static readonly double[] W2 =
    [
        0.75, -1.0, 0.0,
        -0.0, 0.875, -1.375,
    ];

    private static readonly double[] B2 = [-0.375, 0.0625];

    /// <summary>The README's inference code, line for line (its <c>float[] x = ...;</c> is the parameter).</summary>
    private static float[] RunReadmeInference(float[] x)
    {
        // README >>>
        var l0 = new L0();
        var l2 = new L2();
        SafeTensors.Load("model.safetensors", ("0.", l0), ("2.", l2));

        int batch = x.Length / L0.InputSize;
        var h = new float[batch * L0.OutputSize];
        var y = new float[batch * L2.OutputSize];
        l0.Forward(x, h);
        Activation.Relu(h, h);                          // nn.ReLU, in place
        l2.Forward(h, y);                               // y = model(x)
        // README <<<
        return y;
    }

    [Fact]
    public void TheMaskFilesAreWhatNumpySavetxtWritesAndCompileToTheModulesMasks()
    {
        Assert.Equal("1 0 1\n0 1 0\n1 0 1\n1 0 1\n", File.ReadAllText(Path.Combine(ProjectDirectory(), "masks", "l0.txt")));
        Assert.Equal("1 0\n1 1\n0 1\n", File.ReadAllText(Path.Combine(ProjectDirectory(), "masks", "l2.txt")));
        Assert.Equal((4, 3, 7, true), (L0.InputSize, L0.OutputSize, L0.ConnectionCount, L0.HasBias));
        Assert.Equal((3, 2, 4, true), (L2.InputSize, L2.OutputSize, L2.ConnectionCount, L2.HasBias));
        for (int i = 0; i < 4; i++)
        {
            for (int o = 0; o < 3; o++)
            {
                Assert.Equal(M0[i, o] == 1, L0.IsConnected(i, o));
            }
        }

        for (int i = 0; i < 3; i++)
        {
            for (int o = 0; o < 2; o++)
            {
                Assert.Equal(M2[i, o] == 1, L2.IsConnected(i, o));
            }
        }
    }

    /// <summary>
    /// The README's C# on the file PyTorch writes: the CustomizedLinear model's (with masks) in float32 and after
    /// <c>model.half()</c>, <c>.bfloat16()</c> or <c>.double()</c>, and an <c>nn.Linear</c> model's (no masks).
    /// </summary>
    [Theory]
    [InlineData("F32", true)]
    [InlineData("F16", true)]
    [InlineData("BF16", true)]
    [InlineData("F64", true)]
    [InlineData("F32", false)]
    public void TheReadmeCodeRunsTheModelPyTorchSaved(string dtype, bool withMasks)
    {
        byte[] file = TorchSaveFile(StateDict(withMasks), dtype);
        using var directory = new TemporaryDirectory();
        File.WriteAllBytes(Path.Combine(directory.Path, "model.safetensors"), file);

        foreach (int batch in new[] { 1, 3, 70 })
        {
            float[] x = Inputs(batch, seed: batch);
            float[] y = directory.Run(() => RunReadmeInference(x));

            double[] expected = Reference(x, batch);
            Assert.Equal(expected.Length, y.Length);
            for (int k = 0; k < y.Length; k++)
            {
                // Exact: every intermediate value is a short dyadic fraction (see W0).
                Assert.True(expected[k] == y[k], $"{dtype}, batch {batch}, y[{k}]: expected {expected[k]:R}, got {y[k]:R}");
            }
        }
    }

    [Fact]
    public void TheLoadedLayersHoldTheStateDictsNumbers()
    {
        using var stream = new MemoryStream(TorchSaveFile(StateDict(withMasks: true), "F32"));
        var l0 = new L0(seed: 5);
        var l2 = new L2(seed: 6);
        SafeTensors.Load(stream, ("0.", l0), ("2.", l2));

        AssertDense(W0, B0, l0);
        AssertDense(W2, B2, l2);
    }

    /// <summary>
    /// <c>SafeTensors.Save</c>, parsed without the library: the keys, shapes and values of the original module's
    /// <c>state_dict</c>, the layout <c>save_file</c> writes, and, with the masks dropped, <c>nn.Linear</c>'s keys.
    /// </summary>
    [Fact]
    public void SaveWritesTheOriginalModulesStateDict()
    {
        var l0 = new L0(seed: 1);
        var l2 = new L2(seed: 2);
        using var directory = new TemporaryDirectory();
        string path = Path.Combine(directory.Path, "model.safetensors");
        SafeTensors.Save(path, ("0.", l0), ("2.", l2));
        byte[] file = File.ReadAllBytes(path);

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        Assert.Equal(0UL, headerLength % 8);
        byte[] data = file[(8 + (int)headerLength)..];
        using JsonDocument header = JsonDocument.Parse(file.AsMemory(8, (int)headerLength));
        JsonProperty[] entries = [.. header.RootElement.EnumerateObject()];

        Assert.Equal("__metadata__", entries[0].Name);
        Assert.Equal("{\"format\":\"pt\"}", entries[0].Value.GetRawText());

        // nn.Sequential(CustomizedLinear(m0), ReLU(), CustomizedLinear(m2)).state_dict(), in the order save_file
        // writes it (one dtype, so by name).
        (string Name, int[] Shape)[] stateDict =
        [
            ("0.bias", [3]), ("0.mask", [3, 4]), ("0.weight", [3, 4]),
            ("2.bias", [2]), ("2.mask", [2, 3]), ("2.weight", [2, 3]),
        ];
        Assert.Equal(stateDict.Select(t => t.Name), entries.Skip(1).Select(e => e.Name));

        long offset = 0;
        var tensors = new Dictionary<string, float[]>();
        foreach (((string name, int[] shape), JsonProperty entry) in stateDict.Zip(entries.Skip(1)))
        {
            Assert.Equal(["dtype", "shape", "data_offsets"], entry.Value.EnumerateObject().Select(p => p.Name));
            Assert.Equal("F32", entry.Value.GetProperty("dtype").GetString());
            Assert.Equal(shape, entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
            long[] offsets = [.. entry.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64())];
            Assert.Equal([offset, offset + (4L * shape.Aggregate(1, (a, b) => a * b))], offsets);
            tensors[name] = [.. Enumerable.Range(0, (int)(offsets[1] - offsets[0]) / 4)
                .Select(k => BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan((int)offsets[0] + (4 * k))))];
            offset = offsets[1];
        }

        Assert.Equal(offset, data.Length);

        // The mask is the module's mask.t(): [out, in], 1 where input i feeds output o.
        Assert.Equal(Transposed(M0), tensors["0.mask"].Select(v => (double)v));
        Assert.Equal(Transposed(M2), tensors["2.mask"].Select(v => (double)v));
        AssertEqualBits(Dense(l0), tensors["0.weight"]);
        AssertEqualBits(l0.Bias.ToArray(), tensors["0.bias"]);
        AssertEqualBits(Dense(l2), tensors["2.weight"]);
        AssertEqualBits(l2.Bias.ToArray(), tensors["2.bias"]);

        // {k: v for k, v in state.items() if not k.endswith("mask")} is nn.Sequential(nn.Linear(4, 3), ReLU(),
        // nn.Linear(3, 2)).state_dict()'s key set.
        Assert.Equal(
            ["0.bias", "0.weight", "2.bias", "2.weight"],
            tensors.Keys.Where(k => !k.EndsWith("mask", StringComparison.Ordinal)).Order(StringComparer.Ordinal));

        // And the README's C# reads it back: the same outputs, bit for bit.
        float[] x = Inputs(batch: 5, seed: 9);
        var h = new float[5 * 3];
        var expected = new float[5 * 2];
        l0.Forward(x, h);
        Activation.Relu(h, h);
        l2.Forward(h, expected);
        AssertEqualBits(expected, directory.Run(() => RunReadmeInference(x)));
    }

    [Fact]
    public void AnUnconnectedNonZeroWeightIsTheQuotedErrorAndChangesNoLayer()
    {
        var state = StateDict(withMasks: true);
        double[] weight = [.. W0];
        Assert.Equal(0, M0[0, 1]); // input 0 does not feed output 1
        weight[(1 * 4) + 0] = UnconnectedWeight;
        state[state.FindIndex(t => t.Name == "0.weight")] = ("0.weight", [3, 4], weight);

        var l0 = new L0(seed: 3);
        var l2 = new L2(seed: 4);
        float[] before0 = Dense(l0), before2 = Dense(l2), bias0 = l0.Bias.ToArray(), bias2 = l2.Bias.ToArray();
        using var stream = new MemoryStream(TorchSaveFile(state, "F32"));
        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(stream, ("0.", l0), ("2.", l2)));
        Assert.Equal(QuotedError, error.Message);

        AssertEqualBits(before0, Dense(l0));
        AssertEqualBits(before2, Dense(l2));
        AssertEqualBits(bias0, l0.Bias.ToArray());
        AssertEqualBits(bias2, l2.Bias.ToArray());
    }

    [Fact]
    public void LoadingOnlySomeOfTheFilesLayersIsAnError()
    {
        var l0 = new L0(seed: 3);
        float[] before = Dense(l0);
        using var stream = new MemoryStream(TorchSaveFile(StateDict(withMasks: true), "F32"));
        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(stream, ("0.", l0)));
        Assert.Contains("'2.bias', '2.mask', '2.weight'", error.Message, StringComparison.Ordinal);
        AssertEqualBits(before, Dense(l0));
    }

    /// <summary>The README section shows this file's declarations, inference code and quoted error.</summary>
    [Fact]
    public void TheReadmeSectionShowsThisCode()
    {
        string section = ReadmeSection();
        // The README's "float[] x = ...;" is the inference code's parameter here.
        string[] readmeLines = [.. CSharpBlocks(section).Select(Normalize).Where(l => l.Length != 0 && l != "float[] x = ...;")];
        string source = File.ReadAllText(Path.Combine(ProjectDirectory(), "ReadmePyTorchSectionTests.cs"));
        MatchCollection marked = Regex.Matches(source, @"// README >>>\r?\n(.*?)// README <<<", RegexOptions.Singleline);
        Assert.Equal(2, marked.Count);

        foreach (Match block in marked)
        {
            string[] lines = [.. block.Groups[1].Value.Split('\n').Select(Normalize).Where(l => l.Length != 0)];
            Assert.NotEmpty(lines);
            int start = Array.IndexOf(readmeLines, lines[0]);
            Assert.True(start >= 0, $"The README section has no C# line '{lines[0]}'.");
            Assert.Equal(lines, readmeLines.Skip(start).Take(lines.Length));
        }

        Assert.Contains("float[] x = ...;", section, StringComparison.Ordinal);
        Assert.Contains("`" + QuotedError + "`", section, StringComparison.Ordinal);
        Assert.Contains("<AdditionalFiles Include=\"masks/l0.txt\" />", section, StringComparison.Ordinal);
        Assert.Contains("<AdditionalFiles Include=\"masks/l2.txt\" />", section, StringComparison.Ordinal);
        Assert.Contains("SafeTensors.Save(\"model.safetensors\", (\"0.\", l0), (\"2.\", l2));", section, StringComparison.Ordinal);
        Assert.Contains("save_file({k: v.contiguous() for k, v in model.state_dict().items()}, \"model.safetensors\")", section, StringComparison.Ordinal);
        Assert.Contains("np.savetxt(\"masks/l0.txt\", m0.astype(int), fmt=\"%d\")", section, StringComparison.Ordinal);
        Assert.Contains("np.savetxt(\"masks/l2.txt\", m2.astype(int), fmt=\"%d\")", section, StringComparison.Ordinal);
    }

    /// <summary>The state_dict's tensors as <c>(name, shape, values)</c>; an <c>nn.Linear</c> model has no masks.</summary>
    private static List<(string Name, int[] Shape, double[] Values)> StateDict(bool withMasks)
    {
        var tensors = new List<(string Name, int[] Shape, double[] Values)>
        {
            ("0.weight", [3, 4], W0), ("0.bias", [3], B0),
            ("2.weight", [2, 3], W2), ("2.bias", [2], B2),
        };
        if (withMasks)
        {
            tensors.Add(("0.mask", [3, 4], Transposed(M0)));
            tensors.Add(("2.mask", [2, 3], Transposed(M2)));
        }

        return tensors;
    }

    /// <summary>
    /// What <c>safetensors.torch.save_file(..., metadata={"format": "pt"})</c> writes for these tensors (all of one
    /// dtype; without <c>metadata</c> there is no <c>__metadata__</c>, which loads the same): the 8-byte little-endian
    /// header length, the compact JSON header with <c>__metadata__</c> <c>{"format":"pt"}</c> first and the tensors in
    /// name order (the reference sorts by dtype, then name), padded with spaces to a multiple of 8 bytes, then the
    /// little-endian data in the same order. <see cref="RawSafeTensors"/> writes exactly that when given the tensors in
    /// name order.
    /// </summary>
    private static byte[] TorchSaveFile(IEnumerable<(string Name, int[] Shape, double[] Values)> tensors, string dtype)
    {
        var file = new RawSafeTensors { Metadata = "{\"format\":\"pt\"}" };
        foreach ((string name, int[] shape, double[] values) in tensors.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            Assert.Equal(shape.Aggregate(1, (a, b) => a * b), values.Length);
            file.Tensor(name, dtype, shape, values);
        }

        return file.Build();
    }

    /// <summary>model(x) = W2 · relu(W0 · x + b0) + b2 in double precision, from the state_dict's numbers.</summary>
    private static double[] Reference(float[] x, int batch)
    {
        var y = new double[batch * 2];
        for (int n = 0; n < batch; n++)
        {
            var h = new double[3];
            for (int o = 0; o < 3; o++)
            {
                double sum = B0[o];
                for (int i = 0; i < 4; i++)
                {
                    sum += W0[(o * 4) + i] * x[(n * 4) + i];
                }

                h[o] = Math.Max(0, sum);
            }

            for (int o = 0; o < 2; o++)
            {
                double sum = B2[o];
                for (int i = 0; i < 3; i++)
                {
                    sum += W2[(o * 3) + i] * h[i];
                }

                y[(n * 2) + o] = sum;
            }
        }

        return y;
    }

    /// <summary>Inputs k/16 in [-2, 2): exact products with the weights, and some hidden units below 0.</summary>
    private static float[] Inputs(int batch, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, batch * 4).Select(_ => random.Next(-32, 32) / 16f)];
    }

    /// <summary>A mask <c>[in, out]</c> as the module's <c>mask.t()</c>: <c>[out, in]</c> of 0/1, row-major.</summary>
    private static double[] Transposed(int[,] mask)
    {
        int inputs = mask.GetLength(0), outputs = mask.GetLength(1);
        var t = new double[outputs * inputs];
        for (int o = 0; o < outputs; o++)
        {
            for (int i = 0; i < inputs; i++)
            {
                t[(o * inputs) + i] = mask[i, o];
            }
        }

        return t;
    }

    private static float[] Dense(IMaskedLinear layer)
    {
        var dense = new float[layer.OutputSize * layer.InputSize];
        layer.CopyDenseWeight(dense);
        return dense;
    }

    private static void AssertDense(double[] weight, double[] bias, IMaskedLinear layer)
    {
        float[] dense = Dense(layer);
        for (int k = 0; k < weight.Length; k++)
        {
            Assert.Equal((float)weight[k], dense[k]); // -0.0 in the file is 0 in the layer; equal as floats
        }

        Assert.Equal(bias.Select(b => (float)b), layer.Bias.ToArray());
    }

    private static void AssertEqualBits(float[] expected, float[] actual) =>
        Assert.Equal(expected.Select(BitConverter.SingleToUInt32Bits), actual.Select(BitConverter.SingleToUInt32Bits));

    private static string ReadmeSection()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        int start = readme.IndexOf(SectionTitle + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no section '{SectionTitle}'.");
        int end = readme.IndexOf("\n## ", start + SectionTitle.Length, StringComparison.Ordinal);
        return end < 0 ? readme[start..] : readme[start..end];
    }

    private static IEnumerable<string> CSharpBlocks(string markdown) =>
        Regex.Matches(markdown, @"```csharp\n(.*?)```", RegexOptions.Singleline).SelectMany(m => m.Groups[1].Value.Split('\n'));

    /// <summary>A line without its <c>//</c> comment and with runs of white space as one space.</summary>
    private static string Normalize(string line)
    {
        int comment = line.IndexOf("//", StringComparison.Ordinal);
        return Regex.Replace(comment < 0 ? line : line[..comment], @"\s+", " ").Trim();
    }

    private static string ProjectDirectory() => Path.Combine(RepositoryRoot(), "tests", "CustomizedLinear.Layers.Tests");

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Generated.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Generated.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A fresh temporary folder; <see cref="Run{T}"/> runs code with it as the current directory.</summary>
    private sealed class TemporaryDirectory : IDisposable
    {
        private static readonly object CurrentDirectoryLock = new();

        public string Path { get; } = Directory.CreateTempSubdirectory("cl-readme-").FullName;

        /// <summary>Runs <paramref name="action"/> in this folder, so the README's relative "model.safetensors" is found here.</summary>
        public T Run<T>(Func<T> action)
        {
            lock (CurrentDirectoryLock)
            {
                string previous = Directory.GetCurrentDirectory();
                Directory.SetCurrentDirectory(Path);
                try
                {
                    return action();
                }
                finally
                {
                    Directory.SetCurrentDirectory(previous);
                }
            }
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
