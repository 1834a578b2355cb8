using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace CustomizedLinear.Runtime.Tests;

/// <summary>
/// Files written by an independent writer, Fixtures/safetensors/make_fixtures.py (Python standard library
/// only), with the values a reader must produce in its expected.json. Check that the checked-in files are
/// the script's output with <c>python3 make_fixtures.py --check</c>.
/// </summary>
public class SafeTensorsFixtureTests
{
    private static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "Fixtures", "safetensors");

    public static TheoryData<string> FileNames => [.. Expected().EnumerateObject().Select(p => p.Name)];

    [Fact]
    public void EveryFixtureHasExpectedValues()
    {
        string[] files = [.. System.IO.Directory.GetFiles(Directory, "*.safetensors").Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Equal(
            [
                "linear_nomask.safetensors", "masked_bf16.safetensors", "masked_f16.safetensors", "masked_f32.safetensors",
                "masked_f64_nobias.safetensors", "metadata.safetensors", "sequential.safetensors", "sequential_nested.safetensors",
            ],
            files);
        Assert.Equal(files, Expected().EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(FileNames))]
    public void LoadsTheValuesTheIndependentWriterWrote(string fileName)
    {
        JsonElement[] described = [.. Expected().GetProperty(fileName).GetProperty("layers").EnumerateArray()];
        var layers = described.Select((d, k) => (d.GetProperty("prefix").GetString()!, (IMaskedLinear)Build(d, seed: 100 + k))).ToArray();
        SafeTensors.Load(Path.Combine(Directory, fileName), layers);

        for (int k = 0; k < layers.Length; k++)
        {
            JsonElement d = described[k];
            IMaskedLinear layer = layers[k].Item2;
            double[] weight = [.. d.GetProperty("weight").EnumerateArray().Select(e => e.GetDouble())];
            var dense = new float[layer.OutputSize * layer.InputSize];
            layer.CopyDenseWeight(dense);
            int connections = 0;
            for (int o = 0; o < layer.OutputSize; o++)
            {
                for (int i = 0; i < layer.InputSize; i++)
                {
                    float expected = (float)weight[o * layer.InputSize + i];
                    float actual = dense[o * layer.InputSize + i];
                    if (layer.IsConnected(i, o))
                    {
                        connections++;
                        Assert.True(BitConverter.SingleToUInt32Bits(expected) == BitConverter.SingleToUInt32Bits(actual), $"{fileName} {layers[k].Item1}weight[{o}, {i}]: expected {StLayers.F(expected)}, got {StLayers.F(actual)}");
                    }
                    else
                    {
                        Assert.Equal(0f, expected); // the file holds 0 or -0.0 there
                        Assert.Equal(0u, BitConverter.SingleToUInt32Bits(actual));
                    }
                }
            }

            Assert.Equal(layer.ConnectionCount, connections);
            if (d.GetProperty("bias").GetBoolean())
            {
                float[] bias = [.. d.GetProperty("bias_values").EnumerateArray().Select(e => (float)e.GetDouble())];
                Assert.Equal(StLayers.Bits(bias), StLayers.Bits(layer.Bias));
            }
        }
    }

    [Fact]
    public void AFixtureInTheReferenceLayoutSavesBackToTheSameHeaderAndValues()
    {
        // sequential.safetensors is in the reference layout (sorted, padded, {"format":"pt"}), as Save writes it:
        // after loading it, Save must write the same header and the same values (the fixture has -0.0 at some
        // unconnected positions, like PyTorch's W * mask; Save writes +0.0 there).
        string path = Path.Combine(Directory, "sequential.safetensors");
        JsonElement[] described = [.. Expected().GetProperty("sequential.safetensors").GetProperty("layers").EnumerateArray()];
        var layers = described.Select((d, k) => (d.GetProperty("prefix").GetString()!, (IMaskedLinear)Build(d, seed: k))).ToArray();
        SafeTensors.Load(path, layers);
        var stream = new MemoryStream();
        SafeTensors.Save(stream, layers);
        var fixture = new ParsedSafeTensors(File.ReadAllBytes(path));
        var saved = new ParsedSafeTensors(stream.ToArray());
        Assert.Equal(fixture.Header, saved.Header);
        foreach (var tensor in fixture.Tensors)
        {
            float[] expected = fixture.Floats(tensor.Name);
            float[] actual = saved.Floats(tensor.Name);
            Assert.Equal(expected.Length, actual.Length);
            for (int k = 0; k < expected.Length; k++)
            {
                Assert.True(expected[k] == actual[k], $"{tensor.Name}[{k}]: {StLayers.F(expected[k])} vs {StLayers.F(actual[k])}");
            }
        }
    }

    [Theory]
    [InlineData("sequential.safetensors", "")]
    [InlineData("sequential_nested.safetensors", "net.")]
    public void ASequentialFixtureLoadsIntoANetworkUnderItsPrefix(string fileName, string prefix)
    {
        // An nn.Sequential's state_dict, as save_file writes it, bare or held as self.net: a network naming its
        // layers "0.", "2." loads it with the module's prefix exactly as the layers load it one by one.
        string path = Path.Combine(Directory, fileName);
        JsonElement[] described = [.. Expected().GetProperty(fileName).GetProperty("layers").EnumerateArray()];
        var layers = described.Select((d, k) => (d.GetProperty("prefix").GetString()!, (IMaskedLinear)Build(d, seed: k))).ToArray();
        var network = new NamedNetwork(described.Select((d, k) => (d.GetProperty("prefix").GetString()![prefix.Length..], (IMaskedLinear)Build(d, seed: 50 + k))).ToArray());
        Assert.Equal(["0.", "2."], network.NamedLayers.Select(n => n.Prefix));
        SafeTensors.Load(path, layers);
        SafeTensors.Load(path, network, prefix);
        for (int k = 0; k < layers.Length; k++)
        {
            Assert.Equal(StLayers.Bits(layers[k].Item2.Weights), StLayers.Bits(network.Layers[k].Weights));
            Assert.Equal(StLayers.Bits(layers[k].Item2.Bias), StLayers.Bits(network.Layers[k].Bias));
        }
    }


    [Fact]
    public void APlainLinearFixtureDoesNotLoadIntoAMaskedLayer()
    {
        // linear_nomask holds a dense nn.Linear(3, 2): its non-zero weights cannot go into a sparser mask.
        var layer = new RuntimeMaskedLinear(StLayers.Mask("10", "11", "01"), bias: true, seed: 1);
        var before = StLayers.Snapshot(layer);
        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(Path.Combine(Directory, "linear_nomask.safetensors"), ("", layer)));
        Assert.Contains("'weight'[0, 2]", error.Message);
        StLayers.AssertUnchanged(before, layer, "masked layer");
    }

    private static RuntimeMaskedLinear Build(JsonElement described, int seed)
    {
        int[][] rows = [.. described.GetProperty("mask_in_out").EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetInt32()).ToArray())];
        Assert.Equal(described.GetProperty("inputs").GetInt32(), rows.Length);
        Assert.Equal(described.GetProperty("outputs").GetInt32(), rows[0].Length);
        var mask = new bool[rows.Length, rows[0].Length];
        for (int i = 0; i < rows.Length; i++)
        {
            for (int o = 0; o < rows[0].Length; o++)
            {
                mask[i, o] = rows[i][o] == 1;
            }
        }

        return new RuntimeMaskedLinear(mask, described.GetProperty("bias").GetBoolean(), seed);
    }

    private static JsonElement Expected()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Directory, "expected.json")));
        return document.RootElement.Clone();
    }
}
