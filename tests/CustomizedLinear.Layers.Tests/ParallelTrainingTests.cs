using System;
using System.Linq;
using CustomizedLinear;
using CustomizedLinear.Testing;
using Xunit;

namespace CustomizedLinear.Layers.Tests;

/// <summary>
/// The <c>degreeOfParallelism</c> overloads of training: a layer's <c>Backward</c> and a network's <c>ForwardTraining</c>,
/// <c>Backward</c> and <c>Forward</c>. Each against the dense double reference, the same degree run twice for the same
/// bits, one thread for the rows each tile writes on its own, and canaries around every span.
/// </summary>
[Collection(nameof(ParallelPaths))]
public sealed class ParallelTrainingTests
{
    /// <summary>Partial groups, exactly one group per tile, more tiles than threads, fewer samples than threads × groups.</summary>
    public static TheoryData<int, int> Cases => new()
    {
        { 300, 2 }, { 300, 3 }, { 1000, 8 }, { 100, 2 }, { 128, 2 }, { 129, 4 }, { 17, 4 }, { 5, 2 },
    };

    private const int Pad = 7;

    [Theory]
    [MemberData(nameof(Cases))]
    public void LayerBackwardEqualsTheDenseReferenceAndRepeatsBitForBit(int batch, int degree) =>
        CheckLayerBackward(new ParallelLayer(seed: 5), batch, degree, (l, x, dy, dx, d) => l.Backward(x, dy, dx, d));

    [Theory]
    [InlineData(300, 2)]
    [InlineData(200, 3)]
    public void ALayerOfSeveralReductionChunksEqualsTheDenseReference(int batch, int degree) =>
        CheckLayerBackward(new ParallelLargeLayer(seed: 6), batch, degree, (l, x, dy, dx, d) => l.Backward(x, dy, dx, d));

    [Fact]
    public void OneGroupPerTileGivesTheBitsOfOneThread()
    {
        // Two tiles of one sample group each: tile 1's sums are added to tile 0's, as one thread adds group 1's.
        if (CompilerServices.SparseKernels.VectorBits == 0)
        {
            return;
        }

        int group = 4 * (CompilerServices.SparseKernels.VectorBits / 32);
        var layer = new ParallelLargeLayer(seed: 7);
        var random = new Random(2);
        float[] x = DenseReference.RandomFloats(random, 2 * group * ParallelLargeLayer.InputSize);
        float[] dy = DenseReference.RandomFloats(random, 2 * group * ParallelLargeLayer.OutputSize);
        layer.Backward(x, dy, default);
        float[] one = layer.WeightGrad.ToArray(), oneBias = layer.BiasGrad.ToArray();
        layer.ZeroGrad();
        layer.Backward(x, dy, default, 2);
        Assert.Equal(one, layer.WeightGrad.ToArray());
        Assert.Equal(oneBias, layer.BiasGrad.ToArray());

        // With an input gradient (the input-major pass: a call's weight gradients added in one step, a tile's too),
        // from zero gradients as above.
        float[] dxOne = new float[x.Length], dxTwo = new float[x.Length];
        layer.ZeroGrad();
        layer.Backward(x, dy, dxOne);
        one = layer.WeightGrad.ToArray();
        oneBias = layer.BiasGrad.ToArray();
        layer.ZeroGrad();
        layer.Backward(x, dy, dxTwo, 2);
        Assert.Equal(one, layer.WeightGrad.ToArray());
        Assert.Equal(oneBias, layer.BiasGrad.ToArray());
        Assert.Equal(dxOne, dxTwo);
    }

    private delegate void BackwardOn<T>(T layer, ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, int degree);

    private static void CheckLayerBackward<T>(T layer, int batch, int degree, BackwardOn<T> backward)
        where T : IMaskedLinear
    {
        int inputs = layer.InputSize, outputs = layer.OutputSize;
        var random = new Random(batch * 31 + degree);
        bool[,] mask = MaskOf(layer);
        double[] dense = DenseReference.DenseFromPacked(mask, layer.Weights);
        float[] x = DenseReference.RandomFloats(random, batch * inputs);
        float[] dy = DenseReference.RandomFloats(random, batch * outputs);
        (double[] dx, double[] dw, double[] db) = DenseReference.Backward(mask, dense, x, dy, batch);

        // Gradients already there are added to, as one thread does.
        float[] startW = DenseReference.RandomFloats(random, layer.ConnectionCount);
        float[] startB = DenseReference.RandomFloats(random, outputs);
        double[] expectedW = DenseReference.PackedFromDense(mask, dw).Select((g, i) => g + startW[i]).ToArray();
        double[] expectedB = db.Select((g, i) => g + startB[i]).ToArray();

        float[] Run(int threads, out float[] inputGrad, out float[] biasGrad)
        {
            startW.CopyTo(layer.WeightGrad);
            startB.CopyTo(layer.BiasGrad);
            float[] inputSpace = Canaried(batch * inputs);
            backward(layer, Canaried(x), Canaried(dy), inputSpace.AsSpan(Pad, x.Length), threads);
            AssertCanaries(inputSpace, x.Length, "inputGrad");
            inputGrad = inputSpace.AsSpan(Pad, x.Length).ToArray();
            biasGrad = layer.BiasGrad.ToArray();
            return layer.WeightGrad.ToArray();
        }

        float[] weightGrad = Run(degree, out float[] inputGrad, out float[] biasGrad);
        DenseReference.AssertClose(weightGrad, expectedW, "WeightGrad");
        DenseReference.AssertClose(biasGrad, expectedB, "BiasGrad");
        DenseReference.AssertClose(inputGrad, dx, "inputGrad");

        Assert.Equal(weightGrad, Run(degree, out float[] again, out float[] biasAgain));
        Assert.Equal(biasGrad, biasAgain);
        Assert.Equal(inputGrad, again);

        // Each tile's rows of the input gradient are the one-thread kernel's on the same rows.
        Run(1, out float[] oneThread, out _);
        Assert.Equal(oneThread, inputGrad);

        // Without an input gradient: the same weight gradients within rounding (a layer without shared runs sums them
        // input by input with an input gradient and output by output without: SparseKernels.BatchBackward), the same
        // bias gradients bit for bit, and again the same bits on every run.
        startW.CopyTo(layer.WeightGrad);
        startB.CopyTo(layer.BiasGrad);
        backward(layer, x, dy, default, degree);
        float[] withoutInputGrad = layer.WeightGrad.ToArray();
        DenseReference.AssertClose(withoutInputGrad, expectedW, "WeightGrad without an input gradient");
        Assert.Equal(biasGrad, layer.BiasGrad.ToArray());
        startW.CopyTo(layer.WeightGrad);
        startB.CopyTo(layer.BiasGrad);
        backward(layer, x, dy, default, degree);
        Assert.Equal(withoutInputGrad, layer.WeightGrad.ToArray());
    }

    [Fact]
    public void ALayerWithoutBiasTakesTheParallelPathToo()
    {
        var layer = new Small4(seed: 2);
        const int Batch = 200;
        var random = new Random(4);
        bool[,] mask = MaskOf(layer);
        float[] x = DenseReference.RandomFloats(random, Batch * Small4.InputSize);
        float[] dy = DenseReference.RandomFloats(random, Batch * Small4.OutputSize);
        (double[] dx, double[] dw, _) = DenseReference.Backward(mask, DenseReference.DenseFromPacked(mask, layer.Weights), x, dy, Batch);
        var inputGrad = new float[x.Length];
        layer.Backward(x, dy, inputGrad, 4);
        DenseReference.AssertClose(layer.WeightGrad, DenseReference.PackedFromDense(mask, dw), "WeightGrad");
        DenseReference.AssertClose(inputGrad, dx, "inputGrad");
        Assert.True(layer.BiasGrad.IsEmpty);
    }

    [Fact]
    public void LayerBackwardRejectsADegreeBelowOneAndWrongSpans()
    {
        var layer = new ParallelLayer(seed: 4);
        float[] x = new float[64 * ParallelLayer.InputSize], dy = new float[64 * ParallelLayer.OutputSize];
        Assert.Equal("degreeOfParallelism", Assert.Throws<ArgumentOutOfRangeException>(() => layer.Backward(x, dy, default, 0)).ParamName);
        Assert.Equal("outputGrad", Assert.Throws<ArgumentException>(() => layer.Backward(x, new float[dy.Length - 1], default, 2)).ParamName);
        Assert.Equal("inputGrad", Assert.Throws<ArgumentException>(() => layer.Backward(x, dy, new float[3], 2)).ParamName);
    }

    [Theory]
    [InlineData("Wide", 100, 2)]
    [InlineData("Made", 200, 2)]
    [InlineData("Smooth", 300, 3)]
    [InlineData("Table", 129, 2)]
    [InlineData("User", 200, 4)]
    [InlineData("Leading", 100, 2)]
    [InlineData("Small", 5, 2)]
    public void NetworkTrainingOnSeveralThreadsEqualsTheReferenceAndOneThreadsOutputs(string name, int batch, int degree)
    {
        (IMaskedNetwork net, NetworkReference reference) = NetworkTests.Make(name);
        (Pass forward, Pass forwardTraining, Pass backward) = Overloads(net);
        var random = new Random(batch + name.Length);
        float[] input = DenseReference.RandomFloats(random, batch * net.InputSize, 2.0);
        float[] outputGrad = DenseReference.RandomFloats(random, batch * net.OutputSize);
        var oneThread = new float[batch * net.OutputSize];
        net.Forward(input, oneThread);

        float[] output = Canaried(oneThread.Length);
        forward(input, output.AsSpan(Pad, oneThread.Length), degree);
        AssertCanaries(output, oneThread.Length, "Forward output");
        Assert.Equal(oneThread, output.AsSpan(Pad, oneThread.Length).ToArray());

        (float[] Output, float[] InputGrad, float[][] WeightGrads, float[][] BiasGrads) Train(int threads)
        {
            net.ZeroGrad();
            float[] trained = Canaried(oneThread.Length);
            forwardTraining(input, trained.AsSpan(Pad, oneThread.Length), threads);
            AssertCanaries(trained, oneThread.Length, "ForwardTraining output");
            float[] inputGrad = Canaried(input.Length);
            backward(outputGrad, inputGrad.AsSpan(Pad, input.Length), threads);
            AssertCanaries(inputGrad, input.Length, "inputGrad");
            return (trained.AsSpan(Pad, oneThread.Length).ToArray(), inputGrad.AsSpan(Pad, input.Length).ToArray(),
                net.Layers.Select(l => l.WeightGrad.ToArray()).ToArray(), net.Layers.Select(l => l.BiasGrad.ToArray()).ToArray());
        }

        var parallel = Train(degree);
        Assert.Equal(oneThread, parallel.Output);
        (double[] expectedInputGrad, var expected) = reference.Backward(reference.Forward(input, batch), outputGrad, batch);
        DenseReference.AssertClose(parallel.InputGrad, expectedInputGrad, $"{name} inputGrad");
        for (int l = 0; l < net.Layers.Count; l++)
        {
            DenseReference.AssertClose(parallel.WeightGrads[l], expected[l].Weight, $"{name} layer {l} WeightGrad");
            DenseReference.AssertClose(parallel.BiasGrads[l], expected[l].Bias, $"{name} layer {l} BiasGrad");
        }

        var again = Train(degree);
        Assert.Equal(parallel.InputGrad, again.InputGrad);
        for (int l = 0; l < net.Layers.Count; l++)
        {
            Assert.Equal(parallel.WeightGrads[l], again.WeightGrads[l]);
            Assert.Equal(parallel.BiasGrads[l], again.BiasGrads[l]);
        }

        Assert.Equal("degreeOfParallelism", Assert.Throws<ArgumentOutOfRangeException>(() => backward(outputGrad, default, 0)).ParamName);
    }

    [Fact]
    public void SeveralCallersOfOneNetworksParallelForwardGetTheirOwnResults()
    {
        // The docs promise concurrent Forward calls; with degrees above 1 they also share the worker threads.
        (IMaskedNetwork net, _) = NetworkTests.Make("Wide");
        var wide = (WideNet)net;
        const int Batch = 200, Callers = 4;
        float[][] inputs = Enumerable.Range(0, Callers).Select(c => DenseReference.RandomFloats(new Random(c), Batch * WideNet.InputSize)).ToArray();
        float[][] expected = inputs.Select(x =>
        {
            var y = new float[Batch * WideNet.OutputSize];
            wide.Forward(x, y);
            return y;
        }).ToArray();
        float[][] actual = inputs.Select(_ => new float[Batch * WideNet.OutputSize]).ToArray();
        var threads = Enumerable.Range(0, Callers).Select(c => new System.Threading.Thread(() =>
        {
            for (int repeat = 0; repeat < 50; repeat++)
            {
                wide.Forward(inputs[c], actual[c], 2);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        for (int c = 0; c < Callers; c++)
        {
            Assert.Equal(expected[c], actual[c]);
        }
    }

    /// <summary>A network's <c>degreeOfParallelism</c> overloads (members of the generated class, not of <see cref="IMaskedNetwork"/>).</summary>
    private delegate void Pass(ReadOnlySpan<float> from, Span<float> to, int degreeOfParallelism);

    private static (Pass Forward, Pass ForwardTraining, Pass Backward) Overloads(IMaskedNetwork net) => net switch
    {
        WideNet n => (n.Forward, n.ForwardTraining, n.Backward),
        MadeNet n => (n.Forward, n.ForwardTraining, n.Backward),
        SmoothNet n => (n.Forward, n.ForwardTraining, n.Backward),
        TableNet n => (n.Forward, n.ForwardTraining, n.Backward),
        UserActivationNet n => (n.Forward, n.ForwardTraining, n.Backward),
        LeadingActivationNet n => (n.Forward, n.ForwardTraining, n.Backward),
        SmallNet n => (n.Forward, n.ForwardTraining, n.Backward),
        _ => throw new ArgumentOutOfRangeException(nameof(net)),
    };

    internal static bool[,] MaskOf(IMaskedLinear layer)
    {
        var mask = new bool[layer.InputSize, layer.OutputSize];
        for (int i = 0; i < layer.InputSize; i++)
        {
            for (int o = 0; o < layer.OutputSize; o++)
            {
                mask[i, o] = layer.IsConnected(i, o);
            }
        }

        return mask;
    }

    /// <summary>A copy of <paramref name="values"/> inside NaN canaries, as a span of exactly its length.</summary>
    private static ReadOnlySpan<float> Canaried(float[] values)
    {
        float[] space = Canaried(values.Length);
        values.CopyTo(space, Pad);
        return space.AsSpan(Pad, values.Length);
    }

    private static float[] Canaried(int length)
    {
        var space = new float[length + 2 * Pad];
        space.AsSpan().Fill(float.NaN);
        return space;
    }

    private static void AssertCanaries(float[] space, int length, string what)
    {
        for (int i = 0; i < Pad; i++)
        {
            Assert.True(float.IsNaN(space[i]) && float.IsNaN(space[Pad + length + i]), $"{what}: written out of bounds");
        }
    }
}

/// <summary>
/// Allocations of the parallel paths on the calling thread (the job, the runner, the offer to the worker and the wait). The workers' side is
/// measured process-wide by the benchmarks' memory diagnoser (<c>bench/README.md</c>): here the test runner's own
/// threads allocate at the same time.
/// </summary>
[Collection(nameof(ParallelPaths))]
public sealed class ParallelAllocationTests
{
    [Fact]
    public void ATrainingStepOnTwoThreadsAllocatesNothingOnTheCallingThreadOnceWarm()
    {
        var net = new WideNet(3);
        const int Batch = 200;
        var random = new Random(8);
        float[] input = DenseReference.RandomFloats(random, Batch * WideNet.InputSize);
        float[] outputGrad = DenseReference.RandomFloats(random, Batch * WideNet.OutputSize);
        var output = new float[Batch * WideNet.OutputSize];
        var inputGrad = new float[input.Length];
        float[] hiddenGrad = DenseReference.RandomFloats(random, Batch * Wide0.OutputSize);
        void Step()
        {
            net.ForwardTraining(input, output, 2);
            net.Backward(outputGrad, inputGrad, 2);
            net.Forward(input, output, 2);
            net.Layer0.Backward(input, hiddenGrad, inputGrad, 2);
        }

        // Past the JIT's tier-up thresholds first: tiering, not the step, may allocate on the way.
        for (int warm = 0; warm < 300; warm++)
        {
            Step();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            Step();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

/// <summary>
/// The tests of the parallel paths run alone: they share the worker threads and the pooled runners, and the allocation
/// test must not see another test's runner rented on its thread.
/// </summary>
[CollectionDefinition(nameof(ParallelPaths), DisableParallelization = true)]
public sealed class ParallelPaths
{
}
