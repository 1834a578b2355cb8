using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace CustomizedLinear.Runtime.Tests;

/// <summary>
/// What the runtime offers a network (<see cref="IMaskedNetwork"/>) before any network is generated: optimizers
/// over its layers, and its weights saved and loaded under <c>prefix + NamedLayers[k].Prefix</c>. The network here
/// is a test double over <see cref="RuntimeMaskedLinear"/> layers named like an <c>nn.Sequential</c> whose module 1
/// is an activation.
/// </summary>
public sealed class NetworkOverloadTests
{
    private sealed class TwoLayerNetwork(int seed) : IMaskedNetwork
    {
        public RuntimeMaskedLinear First { get; } = new(StLayers.Mask("101", "011", "110", "111"), bias: true, seed: seed);

        public RuntimeMaskedLinear Second { get; } = new(StLayers.Mask("10", "01", "11"), bias: false, seed: seed + 2);

        public int InputSize => First.InputSize;

        public int OutputSize => Second.OutputSize;

        public IReadOnlyList<IMaskedLinear> Layers => [First, Second];

        public IReadOnlyList<(string Prefix, IMaskedLinear Layer)> NamedLayers => [("0.", First), ("2.", Second)];

        public void Forward(ReadOnlySpan<float> input, Span<float> output) => throw new NotSupportedException();

        public void ForwardTraining(ReadOnlySpan<float> input, Span<float> output) => throw new NotSupportedException();

        public void Backward(ReadOnlySpan<float> outputGrad, Span<float> inputGrad) => throw new NotSupportedException();

        public void ZeroGrad()
        {
            First.ZeroGrad();
            Second.ZeroGrad();
        }
    }

    public static TheoryData<string> OptimizerNames => ["sgd", "adam", "adamw"];

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void AnOptimizerOfANetworkStepsItsLayersAsOneOfTheLayerList(string name)
    {
        var byNetwork = new TwoLayerNetwork(seed: 7);
        var byLayers = new TwoLayerNetwork(seed: 7);
        Optimizer a = Create(name, byNetwork);
        Optimizer b = Create(name, (IEnumerable<IMaskedLinear>)byLayers.Layers);
        var random = new Random(3);
        for (int step = 0; step < 3; step++)
        {
            foreach ((IMaskedLinear x, IMaskedLinear y) in byNetwork.Layers.Zip(byLayers.Layers))
            {
                for (int k = 0; k < x.WeightGrad.Length; k++)
                {
                    x.WeightGrad[k] = y.WeightGrad[k] = (float)(random.NextDouble() - 0.5);
                }

                for (int k = 0; k < x.BiasGrad.Length; k++)
                {
                    x.BiasGrad[k] = y.BiasGrad[k] = (float)(random.NextDouble() - 0.5);
                }
            }

            a.Step();
            b.Step();
        }

        foreach ((IMaskedLinear x, IMaskedLinear y) in byNetwork.Layers.Zip(byLayers.Layers))
        {
            Assert.Equal(StLayers.Bits(y.Weights), StLayers.Bits(x.Weights));
            Assert.Equal(StLayers.Bits(y.Bias), StLayers.Bits(x.Bias));
        }

        // And they moved: the steps did something.
        Assert.NotEqual(StLayers.Bits(new TwoLayerNetwork(seed: 7).First.Weights), StLayers.Bits(byNetwork.First.Weights));
        Assert.Equal("network", Assert.Throws<ArgumentNullException>(() => Create(name, (IMaskedNetwork)null!)).ParamName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("net.")]
    public void ANetworkSavesUnderItsPrefixAndLoadsBackBitForBit(string prefix)
    {
        var network = new TwoLayerNetwork(seed: 1);
        var stream = new MemoryStream();
        SafeTensors.Save(stream, network, prefix);
        byte[] file = stream.ToArray();

        string[] expected = [.. new[] { "0.weight", "0.bias", "0.mask", "2.weight", "2.mask" }.Select(n => prefix + n).Order(StringComparer.Ordinal)];
        Assert.Equal(expected, new ParsedSafeTensors(file).Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));

        var fresh = new TwoLayerNetwork(seed: 50);
        Assert.NotEqual(StLayers.Bits(network.First.Weights), StLayers.Bits(fresh.First.Weights));
        SafeTensors.Load(new MemoryStream(file), fresh, prefix);
        Assert.Equal(StLayers.Bits(network.First.Weights), StLayers.Bits(fresh.First.Weights));
        Assert.Equal(StLayers.Bits(network.First.Bias), StLayers.Bits(fresh.First.Bias));
        Assert.Equal(StLayers.Bits(network.Second.Weights), StLayers.Bits(fresh.Second.Weights));

        // The same bytes as the layer overload given the full names.
        var byLayers = new MemoryStream();
        SafeTensors.Save(byLayers, (prefix + "0.", network.First), (prefix + "2.", network.Second));
        Assert.Equal(byLayers.ToArray(), file);
    }

    [Fact]
    public void TheFileOverloadsRoundTripAndAWrongPrefixChangesNothing()
    {
        string path = Path.Combine(Path.GetTempPath(), $"customizedlinear-{Guid.NewGuid():N}.safetensors");
        try
        {
            var network = new TwoLayerNetwork(seed: 11);
            SafeTensors.Save(path, network, "net.");
            var fresh = new TwoLayerNetwork(seed: 12);
            var before = StLayers.Snapshot(fresh.First);

            // Saved under "net.", so without the prefix no tensor has the names the network reads.
            var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path, fresh));
            Assert.Contains("0.weight", error.Message, StringComparison.Ordinal);
            StLayers.AssertUnchanged(before, fresh.First, "first layer");

            SafeTensors.Load(path, fresh, "net.");
            Assert.Equal(StLayers.Bits(network.First.Weights), StLayers.Bits(fresh.First.Weights));
            Assert.Equal(StLayers.Bits(network.Second.Weights), StLayers.Bits(fresh.Second.Weights));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void NullArgumentsAreNamed()
    {
        var network = new TwoLayerNetwork(seed: 1);
        Assert.Equal("network", Assert.Throws<ArgumentNullException>(() => SafeTensors.Save(new MemoryStream(), (IMaskedNetwork)null!)).ParamName);
        Assert.Equal("prefix", Assert.Throws<ArgumentNullException>(() => SafeTensors.Save(new MemoryStream(), network, null!)).ParamName);
        Assert.Equal("network", Assert.Throws<ArgumentNullException>(() => SafeTensors.Load(new MemoryStream(), (IMaskedNetwork)null!)).ParamName);
        Assert.Equal("prefix", Assert.Throws<ArgumentNullException>(() => SafeTensors.Load(new MemoryStream(), network, null!)).ParamName);
    }

    private static Optimizer Create(string name, IMaskedNetwork network) => name switch
    {
        "sgd" => new Sgd(network, lr: 0.1f, momentum: 0.9f),
        "adam" => new Adam(network, lr: 0.01f),
        _ => new AdamW(network, lr: 0.01f),
    };

    private static Optimizer Create(string name, IEnumerable<IMaskedLinear> layers) => name switch
    {
        "sgd" => new Sgd(layers, lr: 0.1f, momentum: 0.9f),
        "adam" => new Adam(layers, lr: 0.01f),
        _ => new AdamW(layers, lr: 0.01f),
    };
}
