using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using CustomizedLinear;
using CustomizedLinear.CompilerServices;
using CustomizedLinear.Testing;
using Xunit;

namespace CustomizedLinear.Layers.Tests;

/// <summary>
/// Generated <c>[Sequential]</c> networks (Networks.cs) against the same layers and activations chained by hand in
/// double precision (<see cref="NetworkReference"/>), on every path: the straight-line kernel, the per-layer
/// per-sample path and the fused batch kernels.
/// </summary>
public sealed class NetworkTests
{
    public static TheoryData<string> NetworkNames => ["Small", "Smooth", "Wide", "Table", "User", "Repeated", "Single", "Leading", "Made", "Reentrant"];

    /// <summary>Below, at and above the batch kernels' threshold, and batches that leave a partial group.</summary>
    private static readonly int[] Batches = [1, 2, 3, 7, 8, 15, 16, 17, 37, 64];

    internal static (IMaskedNetwork Net, NetworkReference Reference) Make(string name, int seed = 7) => name switch
    {
        "Small" => With(new SmallNet(seed), n => new NetworkReference(n.Layer0, Act.ReLU, n.Layer2, Act.Tanh, n.Layer4)),
        "Smooth" => With(new SmoothNet(seed), n => new NetworkReference(n.Layer0, Act.Softplus, n.Layer2, Act.SiLU, n.Layer4, Act.Sigmoid)),
        "Wide" => With(new WideNet(seed), n => new NetworkReference(n.Layer0, Act.ReLU, n.Layer2)),
        "Table" => With(new TableNet(seed), n => new NetworkReference(n.Layer0, Act.Tanh, n.Layer2, Act.Softplus)),
        "User" => With(new UserActivationNet(seed), n => new NetworkReference(n.Layer0, Act.Leaky, n.Layer2)),
        "Repeated" => With(new RepeatedNet(seed), n => new NetworkReference(n.Layer0, Act.Tanh, n.Layer2)),
        "Single" => With(new SingleLayerNet(seed), n => new NetworkReference(n.Layer0)),
        "Leading" => With(new LeadingActivationNet(seed), n => new NetworkReference(Act.Tanh, n.Layer1, Act.ReLU, Act.Sigmoid)),
        "Made" => With(new MadeNet(seed), n => new NetworkReference(n.Layer0, Act.ReLU, n.Layer2)),
        "Reentrant" => With(new ReentrantNet(seed), n => new NetworkReference(n.Layer0, Act.Identity, n.Layer2)),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static (IMaskedNetwork, NetworkReference) With<T>(T net, Func<T, NetworkReference> reference)
        where T : IMaskedNetwork
    {
        // Non-zero biases, so a bias dropped or added twice shows.
        var random = new Random(11);
        foreach (IMaskedLinear layer in net.Layers)
        {
            DenseReference.RandomFloats(random, layer.Bias.Length, 0.5).CopyTo(layer.Bias);
        }

        return (net, reference(net));
    }

    [Theory]
    [MemberData(nameof(NetworkNames))]
    public void ForwardEqualsTheLayersChainedByHandAndForwardTrainingEqualsForwardBitwise(string name)
    {
        (IMaskedNetwork net, NetworkReference reference) = Make(name);
        var random = new Random(name.Length);
        foreach (int batch in Batches)
        {
            float[] input = DenseReference.RandomFloats(random, batch * net.InputSize, 2.0);
            var output = new float[batch * net.OutputSize];
            net.Forward(input, output);
            DenseReference.AssertClose(output, reference.Forward(input, batch)[^1], $"{name} batch {batch}");

            var training = new float[output.Length];
            net.ForwardTraining(input, training);
            Assert.Equal(output, training);
        }
    }

    [Theory]
    [MemberData(nameof(NetworkNames))]
    public void BackwardEqualsTheLayersBackwardChainedByHand(string name)
    {
        (IMaskedNetwork net, NetworkReference reference) = Make(name);
        var random = new Random(3 + name.Length);
        foreach (int batch in Batches)
        {
            float[] input = DenseReference.RandomFloats(random, batch * net.InputSize, 2.0);
            float[] outputGrad = DenseReference.RandomFloats(random, batch * net.OutputSize);
            var output = new float[batch * net.OutputSize];
            var inputGrad = new float[input.Length];
            net.ZeroGrad();
            net.ForwardTraining(input, output);
            net.Backward(outputGrad, inputGrad);

            (double[] expectedInputGrad, List<(double[] Weight, double[] Bias)> expected) = reference.Backward(reference.Forward(input, batch), outputGrad, batch);
            DenseReference.AssertClose(inputGrad, expectedInputGrad, $"{name} batch {batch} inputGrad");
            for (int l = 0; l < net.Layers.Count; l++)
            {
                DenseReference.AssertClose(net.Layers[l].WeightGrad, expected[l].Weight, $"{name} batch {batch} layer {l} WeightGrad");
                DenseReference.AssertClose(net.Layers[l].BiasGrad, expected[l].Bias, $"{name} batch {batch} layer {l} BiasGrad");
            }

            // Without an input gradient, the same parameter gradients: bit for bit where the layers were called alike,
            // within rounding for the first layer, whose batch pass without an input gradient may sum its weight
            // gradients in another order (input by input with one, output by output without: SparseKernels.BatchBackward).
            float[][] before = net.Layers.Select(l => l.WeightGrad.ToArray()).ToArray();
            float[][] beforeBias = net.Layers.Select(l => l.BiasGrad.ToArray()).ToArray();
            net.ZeroGrad();
            net.Backward(outputGrad, default);
            for (int l = 0; l < net.Layers.Count; l++)
            {
                float[] after = net.Layers[l].WeightGrad.ToArray();
                if (l == 0)
                {
                    DenseReference.AssertClose(after, expected[l].Weight, $"{name} batch {batch} layer {l} WeightGrad without an input gradient");
                }
                else
                {
                    Assert.True(before[l].AsSpan().SequenceEqual(after), $"{name} batch {batch} layer {l}: WeightGrad without an input gradient differs");
                }

                Assert.True(beforeBias[l].AsSpan().SequenceEqual(net.Layers[l].BiasGrad), $"{name} batch {batch} layer {l}: BiasGrad without an input gradient differs");
            }
        }
    }

    [Theory]
    [InlineData("Smooth", 3)]
    [InlineData("Smooth", 20)]
    [InlineData("Repeated", 5)]
    [InlineData("Repeated", 33)]
    [InlineData("Leading", 2)]
    public void GradientsEqualFiniteDifferencesOfTheWholeNetwork(string name, int batch)
    {
        (IMaskedNetwork net, _) = Make(name);
        var random = new Random(batch);
        float[] input = DenseReference.RandomFloats(random, batch * net.InputSize);
        double[] weights = Array.ConvertAll(DenseReference.RandomFloats(random, batch * net.OutputSize), v => (double)v);
        var output = new float[batch * net.OutputSize];

        // Loss = Σ c·y, so dLoss/dOutput = c.
        double Loss(float[] x)
        {
            net.Forward(x, output);
            return output.Select((y, i) => y * weights[i]).Sum();
        }

        var inputGrad = new float[input.Length];
        net.ZeroGrad();
        net.ForwardTraining(input, output);
        net.Backward(Array.ConvertAll(weights, v => (float)v), inputGrad);

        const float Step = 1e-2f;
        void Check(Span<float> parameter, ReadOnlySpan<float> analytic, float[] x, string what)
        {
            for (int i = 0; i < parameter.Length; i++)
            {
                float saved = parameter[i];
                parameter[i] = saved + Step;
                double up = Loss(x);
                parameter[i] = saved - Step;
                double down = Loss(x);
                parameter[i] = saved;
                double numeric = (up - down) / (2 * Step);
                Assert.True(
                    Math.Abs(numeric - analytic[i]) <= 2e-3 + (2e-2 * Math.Abs(numeric)),
                    $"{name} batch {batch} {what}[{i}]: finite difference {numeric}, Backward {analytic[i]}");
            }
        }

        for (int l = 0; l < net.Layers.Count; l++)
        {
            Check(net.Layers[l].Weights, net.Layers[l].WeightGrad, input, $"layer {l} weight");
            Check(net.Layers[l].Bias, net.Layers[l].BiasGrad, input, $"layer {l} bias");
        }

        Check(input, inputGrad, input, "input");
    }

    [Fact]
    public void CallingBackwardTwiceAccumulatesTwice()
    {
        (IMaskedNetwork net, _) = Make("Small");
        var random = new Random(5);
        foreach (int batch in new[] { 2, 40 })
        {
            float[] input = DenseReference.RandomFloats(random, batch * net.InputSize);
            float[] outputGrad = DenseReference.RandomFloats(random, batch * net.OutputSize);
            net.ZeroGrad();
            net.ForwardTraining(input, new float[batch * net.OutputSize]);
            net.Backward(outputGrad, default);
            double[][] once = net.Layers.Select(l => Array.ConvertAll(l.WeightGrad.ToArray(), v => 2.0 * v)).ToArray();
            double[][] onceBias = net.Layers.Select(l => Array.ConvertAll(l.BiasGrad.ToArray(), v => 2.0 * v)).ToArray();
            net.Backward(outputGrad, default);
            for (int l = 0; l < net.Layers.Count; l++)
            {
                DenseReference.AssertClose(net.Layers[l].WeightGrad, once[l], $"batch {batch} layer {l}");
                DenseReference.AssertClose(net.Layers[l].BiasGrad, onceBias[l], $"batch {batch} layer {l} bias");
            }
        }
    }

    [Fact]
    public void TheLayerAtIndexIIsMadeWithSeedPlusIAndEachOccurrenceIsItsOwnInstance()
    {
        var net = new SmallNet(100);
        Assert.Equal(new Small0(100).Weights.ToArray(), net.Layer0.Weights.ToArray());
        Assert.Equal(new Small2(102).Weights.ToArray(), net.Layer2.Weights.ToArray());
        Assert.Equal(new Small4(104).Weights.ToArray(), net.Layer4.Weights.ToArray());

        var repeated = new RepeatedNet(3);
        Assert.NotSame(repeated.Layer0, repeated.Layer2);
        Assert.Equal(new Square(3).Weights.ToArray(), repeated.Layer0.Weights.ToArray());
        Assert.Equal(new Square(5).Weights.ToArray(), repeated.Layer2.Weights.ToArray());
        Assert.NotEqual(repeated.Layer0.Weights.ToArray(), repeated.Layer2.Weights.ToArray());

        // Unseeded networks differ from each other.
        Assert.NotEqual(new SmallNet().Layer0.Weights.ToArray(), new SmallNet().Layer0.Weights.ToArray());
    }

    [Fact]
    public void LayersAndNamedLayersFollowTheSequentialIndices()
    {
        var net = new SmallNet(1);
        Assert.Equal(new IMaskedLinear[] { net.Layer0, net.Layer2, net.Layer4 }, net.Layers);
        Assert.Equal(["0.", "2.", "4."], net.NamedLayers.Select(n => n.Prefix));
        Assert.Equal(net.Layers, net.NamedLayers.Select(n => n.Layer));
        Assert.Equal(["1."], new LeadingActivationNet(1).NamedLayers.Select(n => n.Prefix));

        IMaskedNetwork asInterface = net;
        Assert.Equal((SmallNet.InputSize, SmallNet.OutputSize), (asInterface.InputSize, asInterface.OutputSize));
        Assert.Equal((Small0.InputSize, Small4.OutputSize), (SmallNet.InputSize, SmallNet.OutputSize));
        Assert.Throws<NotSupportedException>(() => ((IList<IMaskedLinear>)net.Layers)[0] = net.Layer2);
    }

    [Theory]
    [MemberData(nameof(NetworkNames))]
    public void SpanErrorsNameTheSpanAndTheExpectedLength(string name)
    {
        (IMaskedNetwork net, _) = Make(name);
        int i = net.InputSize, o = net.OutputSize;

        var e = Assert.Throws<ArgumentException>(() => net.Forward(new float[(2 * i) + 1], new float[2 * o]));
        Assert.Equal("input", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => net.Forward(new float[2 * i], new float[(2 * o) + 1]));
        Assert.Equal("output", e.ParamName);
        Assert.Contains((2 * o).ToString(), e.Message);
        e = Assert.Throws<ArgumentException>(() => net.ForwardTraining(new float[2 * i], new float[o]));
        Assert.Equal("output", e.ParamName);

        Assert.Throws<InvalidOperationException>(() => net.Backward(new float[o], new float[i]));

        net.ForwardTraining(new float[3 * i], new float[3 * o]);
        e = Assert.Throws<ArgumentException>(() => net.Backward(new float[2 * o], new float[2 * i]));
        Assert.Equal("outputGrad", e.ParamName);
        Assert.Contains((3 * o).ToString(), e.Message);
        e = Assert.Throws<ArgumentException>(() => net.Backward(new float[3 * o], new float[2 * i]));
        Assert.Equal("inputGrad", e.ParamName);

        // Overlaps: Forward reads input while it writes output; Backward reads outputGrad while it writes inputGrad.
        var shared = new float[(2 * i) + (2 * o)];
        e = Assert.Throws<ArgumentException>(() => net.Forward(shared.AsSpan(0, 2 * i), shared.AsSpan(1, 2 * o)));
        Assert.Equal("output", e.ParamName);
        var both = new float[(3 * o) + (3 * i)];
        e = Assert.Throws<ArgumentException>(() => net.Backward(both.AsSpan(0, 3 * o), both.AsSpan(1, 3 * i)));
        Assert.Equal("inputGrad", e.ParamName);

        // Batch 0 is a no-op, and leaves nothing to back-propagate but an empty batch.
        net.Forward([], []);
        net.ForwardTraining([], []);
        net.Backward([], []);
        Assert.Throws<ArgumentException>(() => net.Backward(new float[o], default));
    }

    [Theory]
    [InlineData("Small", 1)]
    [InlineData("Small", 64)]
    [InlineData("Wide", 1)]
    [InlineData("Wide", 50)]
    [InlineData("User", 37)]
    [InlineData("Table", 3)]
    [InlineData("Table", 40)]
    [InlineData("Reentrant", 20)]
    public void ForwardOnEightThreadsOfOneInstanceEqualsOneThreadBitwise(string name, int batch)
    {
        (IMaskedNetwork net, _) = Make(name);
        var random = new Random(batch);
        var inputs = Enumerable.Range(0, 16).Select(_ => DenseReference.RandomFloats(random, batch * net.InputSize)).ToArray();
        var expected = inputs.Select(x =>
        {
            var y = new float[batch * net.OutputSize];
            net.Forward(x, y);
            return y;
        }).ToArray();

        // Eight threads of their own, released together, each checking every result it computes.
        using var start = new Barrier(8);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var threads = Enumerable.Range(0, 8).Select(thread => new Thread(() =>
        {
            var y = new float[batch * net.OutputSize];
            start.SignalAndWait();
            for (int round = 0; round < 50; round++)
            {
                int k = (thread + round) % inputs.Length;
                net.Forward(inputs[k], y);
                if (!y.AsSpan().SequenceEqual(expected[k]))
                {
                    failures.Enqueue($"thread {thread} round {round}");
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Empty(failures);
    }

    [Theory]
    [InlineData("Small")]
    [InlineData("Wide")]
    [InlineData("User")]
    [InlineData("Smooth")]
    [InlineData("Leading")]
    [InlineData("Table")]
    public void SteadyStateForwardAndTrainingAllocateNothing(string name)
    {
        (IMaskedNetwork net, _) = Make(name);
        foreach (int batch in new[] { 1, 64 })
        {
            var input = new float[batch * net.InputSize];
            var output = new float[batch * net.OutputSize];
            var inputGrad = new float[input.Length];

            // Past the JIT's tier-up thresholds first (as the layer tests do): tiering, not the network, may
            // allocate on the way.
            for (int warm = 0; warm < 200; warm++)
            {
                net.Forward(input, output);
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++)
            {
                net.Forward(input, output);
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        // Once the largest batch has been seen, a batch up to it trains without allocating: the buffers are
        // sized by the largest. Each size is run past the tier-up thresholds before it is measured.
        var big = new float[64 * net.InputSize];
        net.ForwardTraining(big, new float[64 * net.OutputSize]);
        net.Backward(new float[64 * net.OutputSize], new float[big.Length]);
        foreach (int batch in new[] { 64, 5, 40 })
        {
            var input = new float[batch * net.InputSize];
            var output = new float[batch * net.OutputSize];
            var inputGrad = new float[input.Length];
            for (int warm = 0; warm < 200; warm++)
            {
                net.ForwardTraining(input, output);
                net.Backward(output, inputGrad);
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5; i++)
            {
                net.ForwardTraining(input, output);
                net.Backward(output, inputGrad);
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    [Fact]
    public void TheAutoregressiveNetworksOutputsDoNotMoveWithLaterInputs()
    {
        // The property the generator proved, observed: changing input i changes no output of a variable ≤ i.
        var net = new MadeNet(9);
        var random = new Random(2);
        float[] x = DenseReference.RandomFloats(random, MadeNet.InputSize);
        var y = new float[MadeNet.OutputSize];
        var moved = new float[MadeNet.OutputSize];
        net.Forward(x, y);
        for (int i = 0; i < MadeNet.InputSize; i++)
        {
            float[] changed = (float[])x.Clone();
            changed[i] += 3f;
            net.Forward(changed, moved);
            for (int o = 0; o < MadeNet.OutputSize; o++)
            {
                if (o % MadeNet.InputSize <= i)
                {
                    Assert.Equal(y[o], moved[o]);
                }
            }
        }
    }

    [Fact]
    public void NetworkWeightsRoundTripThroughSafeTensorsUnderAPrefix()
    {
        var saved = new SmallNet(1);
        var loaded = new SmallNet(2);
        string path = System.IO.Path.GetTempFileName();
        try
        {
            SafeTensors.Save(path, saved, "net.");
            SafeTensors.Load(path, loaded, "net.");
        }
        finally
        {
            System.IO.File.Delete(path);
        }

        var x = DenseReference.RandomFloats(new Random(1), 20 * SmallNet.InputSize);
        var a = new float[20 * SmallNet.OutputSize];
        var b = new float[a.Length];
        saved.Forward(x, a);
        loaded.Forward(x, b);
        Assert.Equal(a, b);
    }
}
