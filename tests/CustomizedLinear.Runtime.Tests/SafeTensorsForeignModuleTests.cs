using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CustomizedLinear.Testing;
using Xunit;

namespace CustomizedLinear.Runtime.Tests;

/// <summary>
/// Files from PyTorch modules that multiply by the mask inside <c>forward</c> (karpathy's MADE, prune, nflows),
/// written by Fixtures/safetensors/make_fixtures.py into foreign/, loaded with <see cref="SafeTensorsLoadOptions"/>.
/// The expected values come from the script's generation rule, recomputed here, not from expected.json.
/// </summary>
public class SafeTensorsForeignModuleTests
{
    private static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "Fixtures", "safetensors", "foreign");

    private static readonly SafeTensorsLoadOptions DropUnconnected = new() { UnconnectedWeights = UnconnectedWeights.Ignore };

    private static readonly SafeTensorsLoadOptions Lenient = new()
    {
        UnconnectedWeights = UnconnectedWeights.Ignore,
        UnexpectedTensors = UnexpectedTensors.Ignore,
    };

    // make_fixtures.py's MASK_A (4 inputs, 3 outputs) and MASK_B (3 inputs, 2 outputs), one row per input.
    private static RuntimeMaskedLinear MaskA(int seed) => new(StLayers.Mask("101", "110", "010", "100"), bias: true, seed);

    private static RuntimeMaskedLinear MaskB(int seed) => new(StLayers.Mask("10", "01", "11"), bias: true, seed);

    private static string PathOf(string name) => Path.Combine(Directory, name);

    /// <summary>foreign_layer's rule: every weight non-zero, so the unconnected ones are what the options are about.</summary>
    private static float FileWeight(int seed, int o, int i) => (float)(((seed * 7 + o * 13 + i * 5) % 17 - 8.5) / 9.7);

    private static float FileBias(int seed, int o) => (float)(((seed * 3 + o * 11) % 13 - 6) / 7.3);

    /// <summary>The layer holds the file's weights at its connections, 0 elsewhere (W * mask), and the file's bias.</summary>
    private static void AssertLoaded(IMaskedLinear layer, int seed, string what)
    {
        var dense = new float[layer.OutputSize * layer.InputSize];
        layer.CopyDenseWeight(dense);
        int connections = 0;
        for (int o = 0; o < layer.OutputSize; o++)
        {
            for (int i = 0; i < layer.InputSize; i++)
            {
                float expected = layer.IsConnected(i, o) ? FileWeight(seed, o, i) : 0f;
                connections += layer.IsConnected(i, o) ? 1 : 0;
                Assert.True(
                    BitConverter.SingleToUInt32Bits(expected) == BitConverter.SingleToUInt32Bits(dense[o * layer.InputSize + i]),
                    $"{what} weight[{o}, {i}]: expected {StLayers.F(expected)}, got {StLayers.F(dense[o * layer.InputSize + i])}");
            }
        }

        Assert.Equal(layer.ConnectionCount, connections);
        Assert.Equal(StLayers.Bits(Enumerable.Range(0, layer.OutputSize).Select(o => FileBias(seed, o)).ToArray()), StLayers.Bits(layer.Bias));
    }

    [Fact]
    public void TheFixturesHaveNonZeroWeightsWhereTheMasksAreUnconnected()
    {
        // Otherwise the tests below would prove nothing about UnconnectedWeights.
        var a = MaskA(0);
        Assert.Contains(
            Enumerable.Range(0, 3).SelectMany(o => Enumerable.Range(0, 4).Select(i => (o, i))),
            p => !a.IsConnected(p.i, p.o) && FileWeight(11, p.o, p.i) != 0f);
        Assert.True(File.Exists(PathOf("made.safetensors")));
    }

    [Fact]
    public void AMadeStateDictLoadsWithUnconnectedWeightsIgnoredAsWTimesMask()
    {
        var first = MaskA(1);
        var second = MaskB(2);
        SafeTensors.Load(PathOf("made.safetensors"), DropUnconnected, ("net.0.", first), ("net.2.", second));
        AssertLoaded(first, 11, "net.0.");
        AssertLoaded(second, 12, "net.2.");
    }

    [Fact]
    public void AMadeStateDictLoadsFromANonSeekableStreamAndIntoANetwork()
    {
        var first = MaskA(1);
        var second = MaskB(2);
        SafeTensors.Load(new TrickleStream(File.ReadAllBytes(PathOf("made.safetensors"))), DropUnconnected, ("net.0.", first), ("net.2.", second));
        AssertLoaded(first, 11, "stream net.0.");
        AssertLoaded(second, 12, "stream net.2.");

        var network = new NamedNetwork(("0.", MaskA(3)), ("2.", MaskB(4)));
        SafeTensors.Load(PathOf("made.safetensors"), network, "net.", DropUnconnected);
        AssertLoaded(network.Layers[0], 11, "network 0.");
        AssertLoaded(network.Layers[1], 12, "network 2.");

        network = new NamedNetwork(("0.", MaskA(5)), ("2.", MaskB(6)));
        SafeTensors.Load(new MemoryStream(File.ReadAllBytes(PathOf("made.safetensors"))), network, "net.", DropUnconnected);
        AssertLoaded(network.Layers[0], 11, "network stream 0.");
        AssertLoaded(network.Layers[1], 12, "network stream 2.");
    }

    [Fact]
    public void AMadeStateDictIsRefusedByDefaultWithTheSameMessageAsBefore()
    {
        var first = MaskA(1);
        var second = MaskB(2);
        var before = (StLayers.Snapshot(first), StLayers.Snapshot(second));
        string path = PathOf("made.safetensors");

        var strict = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path, ("net.0.", first), ("net.2.", second)));
        var defaults = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path, new SafeTensorsLoadOptions(), ("net.0.", first), ("net.2.", second)));
        var network = new NamedNetwork(("0.", first), ("2.", second));
        var networkDefaults = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path, network, "net.", new SafeTensorsLoadOptions()));

        // net.0's output 0 does not read input 2 (MASK_A[2][0] = 0).
        Assert.Equal(
            $"Tensor 'net.0.weight'[0, 2] is {StLayers.F(FileWeight(11, 0, 2))}, but input 2 is not connected to output 0: an unconnected weight must be 0.",
            strict.Message);
        Assert.Equal(strict.Message, defaults.Message);
        Assert.Equal(strict.Message, networkDefaults.Message);
        StLayers.AssertUnchanged(before.Item1, first, "net.0.");
        StLayers.AssertUnchanged(before.Item2, second, "net.2.");
    }

    [Fact]
    public void APrunedLinearLoadsFromWeightOrigAndWeightMask()
    {
        var layer = MaskA(1);
        SafeTensors.Load(PathOf("prune.safetensors"), DropUnconnected, ("fc.", layer));
        AssertLoaded(layer, 13, "fc.");

        // prune keeps the original weights where the mask is 0: strict loading names weight_orig.
        var other = MaskA(2);
        var before = StLayers.Snapshot(other);
        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(PathOf("prune.safetensors"), ("fc.", other)));
        Assert.StartsWith("Tensor 'fc.weight_orig'[0, 2] is ", error.Message);
        StLayers.AssertUnchanged(before, other, "fc.");
    }

    [Fact]
    public void AnNflowsStateDictLoadsOnlyWhenUnexpectedTensorsAreIgnored()
    {
        var first = MaskA(1);
        var second = MaskB(2);
        var before = (StLayers.Snapshot(first), StLayers.Snapshot(second));
        string path = PathOf("nflows.safetensors");
        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path, DropUnconnected, ("initial_layer.", first), ("final_layer.", second)));
        Assert.Equal(
            "The safetensors file has 2 tensor(s) that belong to none of the given layers: 'final_layer.degrees', 'initial_layer.degrees'. Pass every layer the file holds, with its prefix.",
            error.Message);
        StLayers.AssertUnchanged(before.Item1, first, "initial_layer.");
        StLayers.AssertUnchanged(before.Item2, second, "final_layer.");

        SafeTensors.Load(path, Lenient, ("initial_layer.", first), ("final_layer.", second));
        AssertLoaded(first, 14, "initial_layer.");
        AssertLoaded(second, 15, "final_layer.");

        // The degrees (I64) sit between the float tensors in the data section: skipped on a stream that cannot seek.
        var network = new NamedNetwork(("initial_layer.", MaskA(3)), ("final_layer.", MaskB(4)));
        SafeTensors.Load(new TrickleStream(File.ReadAllBytes(path)), network, "", Lenient);
        AssertLoaded(network.Layers[0], 14, "network initial_layer.");
        AssertLoaded(network.Layers[1], 15, "network final_layer.");
    }

    [Fact]
    public void IgnoringUnexpectedTensorsStillRequiresEveryLayersTensors()
    {
        // Only the first layer given: the second layer's tensors are skipped, but a layer missing from the file is not.
        var first = MaskA(1);
        SafeTensors.Load(PathOf("made.safetensors"), Lenient, ("net.0.", first));
        AssertLoaded(first, 11, "net.0.");

        var extra = MaskB(2);
        var before = (StLayers.Snapshot(first), StLayers.Snapshot(extra));
        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(PathOf("made.safetensors"), Lenient, ("net.0.", first), ("net.4.", extra)));
        Assert.StartsWith("Tensor 'net.4.weight' of layer \"net.4.\"", error.Message);
        Assert.Contains("is missing", error.Message);
        StLayers.AssertUnchanged(before.Item1, first, "net.0.");
        StLayers.AssertUnchanged(before.Item2, extra, "net.4.");
    }

    [Fact]
    public void AMaskThatDiffersFromTheCompiledOneIsRefusedEvenWhenLenient()
    {
        var first = MaskA(1);
        var second = MaskB(2);
        var before = (StLayers.Snapshot(first), StLayers.Snapshot(second));
        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(PathOf("made_other_mask.safetensors"), Lenient, ("net.0.", first), ("net.2.", second)));
        Assert.Equal(
            "Tensor 'net.2.mask' differs from the layer's compiled mask; first difference at [1, 0] (output 1, input 0): stored 1, compiled 0.",
            error.Message);
        StLayers.AssertUnchanged(before.Item1, first, "net.0.");
        StLayers.AssertUnchanged(before.Item2, second, "net.2.");
    }

    [Fact]
    public void APruneMaskThatDiffersFromTheCompiledOneIsNamed()
    {
        // 3 inputs, 2 outputs; dense [out, in] mask 1 1 0 / 0 1 1. The file's weight_mask connects [0, 2] too.
        var layer = new RuntimeMaskedLinear(StLayers.Mask("10", "11", "01"), bias: false, seed: 1);
        var before = StLayers.Snapshot(layer);
        byte[] file = new RawSafeTensors()
            .F32("weight_mask", [2, 3], 1, 1, 1, 0, 1, 1)
            .F32("weight_orig", [2, 3], 1, 2, 3, 4, 5, 6)
            .Build();
        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(new MemoryStream(file), Lenient, ("", layer)));
        Assert.StartsWith("Tensor 'weight_mask' differs from the layer's compiled mask; first difference at [0, 2]", error.Message);
        StLayers.AssertUnchanged(before, layer, "layer");
    }

    public static TheoryData<string, string[], string> NamingConflicts => new()
    {
        { "weight and weight_orig", ["weight", "weight_orig", "weight_mask"], "Tensor 'p.weight_orig' and tensor 'p.weight' are both in the file" },
        { "mask and weight_mask", ["weight_orig", "weight_mask", "mask"], "Tensor 'p.weight_mask' and tensor 'p.mask' are both in the file" },
        { "weight_orig alone", ["weight_orig"], "Tensor 'p.weight_orig' (torch.nn.utils.prune's name for the weight) is in the file without 'p.weight_mask'" },
        { "weight_orig with mask", ["weight_orig", "mask"], "Tensor 'p.weight_orig' (torch.nn.utils.prune's name for the weight) is in the file without 'p.weight_mask'" },
        { "weight with weight_mask", ["weight", "weight_mask"], "Tensor 'p.weight_mask' (torch.nn.utils.prune's name for the mask) is in the file without 'p.weight_orig'" },
    };

    [Theory]
    [MemberData(nameof(NamingConflicts))]
    public void OneNamingPerLayer(string what, string[] tensors, string message)
    {
        var layer = new RuntimeMaskedLinear(StLayers.Mask("10", "11", "01"), bias: false, seed: 1);
        var before = StLayers.Snapshot(layer);
        var raw = new RawSafeTensors();
        foreach (string name in tensors.Order(StringComparer.Ordinal))
        {
            raw.F32("p." + name, [2, 3], name.Contains("mask") ? [1, 1, 0, 0, 1, 1] : [1, 2, 0, 0, 5, 6]);
        }

        foreach (var options in new[] { new SafeTensorsLoadOptions(), Lenient })
        {
            var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(new MemoryStream(raw.Build()), options, ("p.", layer)));
            Assert.True(error.Message.StartsWith(message, StringComparison.Ordinal), $"{what}: {error.Message}");
            StLayers.AssertUnchanged(before, layer, what);
        }
    }

    [Fact]
    public void APrefixEndingInWeightUnderscoreKeepsItsMask()
    {
        // ("x.", a), ("x.weight_", b): 'x.weight_mask' is b's mask, as before prune's names were read.
        var a = new RuntimeMaskedLinear(StLayers.Mask("10", "11", "01"), bias: false, seed: 1);
        var b = new RuntimeMaskedLinear(StLayers.Mask("10", "11", "01"), bias: false, seed: 2);
        var stream = new MemoryStream();
        SafeTensors.Save(stream, ("x.", a), ("x.weight_", b));
        var a2 = new RuntimeMaskedLinear(StLayers.Mask("10", "11", "01"), bias: false, seed: 3);
        var b2 = new RuntimeMaskedLinear(StLayers.Mask("10", "11", "01"), bias: false, seed: 4);
        stream.Position = 0;
        SafeTensors.Load(stream, ("x.", a2), ("x.weight_", b2));
        Assert.Equal(StLayers.Bits(a.Weights), StLayers.Bits(a2.Weights));
        Assert.Equal(StLayers.Bits(b.Weights), StLayers.Bits(b2.Weights));
    }

    [Fact]
    public void UnconnectedF64ValuesTooLargeForFloatAreDroppedNotRefused()
    {
        // [0, 2] is unconnected: 1E300 there would load as an infinity, but it is not loaded at all.
        var layer = new RuntimeMaskedLinear(StLayers.Mask("10", "11", "01"), bias: false, seed: 1);
        byte[] file = new RawSafeTensors().Tensor("weight", "F64", [2, 3], 1, 2, 1E300, double.NaN, 5, 6).Build();
        var before = StLayers.Snapshot(layer);
        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(new MemoryStream(file), ("", layer)));
        Assert.StartsWith("Tensor 'weight'[0, 2] is 1E+300 (F64), too large for float32", error.Message);
        StLayers.AssertUnchanged(before, layer, "strict");

        SafeTensors.Load(new MemoryStream(file), DropUnconnected, ("", layer));
        var dense = new float[6];
        layer.CopyDenseWeight(dense);
        Assert.Equal(StLayers.Bits([1f, 2f, 0f, 0f, 5f, 6f]), StLayers.Bits(dense));

        // A connected one is still refused.
        byte[] connected = new RawSafeTensors().Tensor("weight", "F64", [2, 3], 1E300, 2, 0, 0, 5, 6).Build();
        error = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(new MemoryStream(connected), DropUnconnected, ("", layer)));
        Assert.StartsWith("Tensor 'weight'[0, 0] is 1E+300 (F64)", error.Message);
    }

    [Fact]
    public void OptionsAreChecked()
    {
        var layer = MaskB(1);
        var network = new NamedNetwork(("0.", layer));
        string path = PathOf("made.safetensors");
        var stream = new MemoryStream(File.ReadAllBytes(path));
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => SafeTensors.Load(path, (SafeTensorsLoadOptions)null!, ("net.2.", layer))).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => SafeTensors.Load(stream, (SafeTensorsLoadOptions)null!, ("net.2.", layer))).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => SafeTensors.Load(path, network, "net.", null!)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => SafeTensors.Load(stream, network, "net.", null!)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentOutOfRangeException>(
            () => SafeTensors.Load(stream, new SafeTensorsLoadOptions { UnconnectedWeights = (UnconnectedWeights)2 }, ("net.2.", layer))).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentOutOfRangeException>(
            () => SafeTensors.Load(stream, new SafeTensorsLoadOptions { UnexpectedTensors = (UnexpectedTensors)(-1) }, ("net.2.", layer))).ParamName);
        Assert.Equal(0, stream.Position);

        var defaults = new SafeTensorsLoadOptions();
        Assert.Equal(UnconnectedWeights.MustBeZero, defaults.UnconnectedWeights);
        Assert.Equal(UnexpectedTensors.Reject, defaults.UnexpectedTensors);
    }

}
