using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace CustomizedLinear.Benchmarks;

/// <summary>
/// Generated <c>[Sequential]</c> networks against the same layers chained by hand (each layer's <c>Forward</c> /
/// <c>Backward</c> and <see cref="ReLU"/>'s static methods on preallocated buffers), on the same layer instances and
/// so the same weights, in the same run. Each category is one configuration with the hand-chained code as its
/// baseline, so the ratio column is per configuration.
/// <list type="bullet">
/// <item>Forward: <c>net.Forward</c> against layer, ReLU in place, layer, ... .</item>
/// <item>Train: one training step, <c>ZeroGrad</c> + <c>ForwardTraining</c> + <c>Backward</c> against <c>ZeroGrad</c> on each
/// layer + the forward pass keeping every pre-activation and activation + the backward pass in reverse. Neither
/// computes the gradient with respect to the network's input (an empty span), as in a step on data.</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[MedianColumn]
public class NetworkBenchmarks
{
    public const string AotB1Forward = "AotNet B=1 forward";
    public const string AotB64Forward = "AotNet B=64 forward";
    public const string AotB64Train = "AotNet B=64 train";
    public const string MadeB100Forward = "MADE784 B=100 forward";
    public const string MadeB100Train = "MADE784 B=100 train";

    private const int AotLargeBatch = 64;
    private const int MadeBatch = 100;

    private readonly AotNet _aot = new(seed: 1);
    private readonly Made784Net _made = new(seed: 1);

    // AotNet: input, output and output gradient at batch 64 (batch 1 uses the first sample), hidden buffers.
    private float[] _aotX = [], _aotY = [], _aotDy = [];
    private float[] _aotH1 = [], _aotA1 = [], _aotH2 = [], _aotA2 = [], _aotDa2 = [], _aotDh2 = [], _aotDa1 = [], _aotDh1 = [];

    // MADE 784: the same at batch 100.
    private float[] _madeX = [], _madeY = [], _madeDy = [];
    private float[] _madeH = [], _madeA = [], _madeDa = [], _madeDh = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        float[] Fill(int length)
        {
            var values = new float[length];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (float)(random.NextDouble() * 2 - 1);
            }

            return values;
        }

        _aotX = Fill(AotLargeBatch * AotNet.InputSize);
        _aotY = new float[AotLargeBatch * AotNet.OutputSize];
        _aotDy = Fill(AotLargeBatch * AotNet.OutputSize);
        _aotH1 = new float[AotLargeBatch * Pathways.OutputSize];
        _aotA1 = new float[_aotH1.Length];
        _aotDa1 = new float[_aotH1.Length];
        _aotDh1 = new float[_aotH1.Length];
        _aotH2 = new float[AotLargeBatch * Mixing.OutputSize];
        _aotA2 = new float[_aotH2.Length];
        _aotDa2 = new float[_aotH2.Length];
        _aotDh2 = new float[_aotH2.Length];

        // MADE's inputs are binary pixels.
        _madeX = Fill(MadeBatch * Made784Net.InputSize);
        for (int i = 0; i < _madeX.Length; i++)
        {
            _madeX[i] = _madeX[i] > 0 ? 1f : 0f;
        }

        _madeY = new float[MadeBatch * Made784Net.OutputSize];
        _madeDy = Fill(MadeBatch * Made784Net.OutputSize);
        _madeH = new float[MadeBatch * MadeHidden.OutputSize];
        _madeA = new float[_madeH.Length];
        _madeDa = new float[_madeH.Length];
        _madeDh = new float[_madeH.Length];

        // Both sides compute the same outputs and gradients (a benchmark of different work would mean nothing).
        Check("AotNet B=1", AotB1NetworkForward, AotB1HandChainedForward, () => _aotY.AsSpan(0, AotNet.OutputSize).ToArray());
        Check("AotNet B=64", AotB64NetworkForward, AotB64HandChainedForward, () => [.. _aotY]);
        Check("AotNet B=64 training", AotB64NetworkTrain, AotB64HandChainedTrain, () => [.. _aotY, .. _aot.Layer0.WeightGrad, .. _aot.Layer4.BiasGrad]);
        Check("MADE784 B=100", MadeNetworkForward, MadeHandChainedForward, () => [.. _madeY]);
        Check("MADE784 B=100 training", MadeNetworkTrain, MadeHandChainedTrain, () => [.. _madeY, .. _made.Layer0.WeightGrad, .. _made.Layer2.BiasGrad]);

        // Warm: the scratch of Forward and ForwardTraining/Backward at these batches, the layers' gradients and block tables.
        AotB1NetworkForward();
        AotB64NetworkForward();
        AotB64NetworkTrain();
        AotB64HandChainedTrain();
        MadeNetworkForward();
        MadeNetworkTrain();
        MadeHandChainedTrain();
    }

    // ---- AotNet, batch 1 ----

    [Benchmark(Baseline = true), BenchmarkCategory(AotB1Forward)]
    public void AotB1HandChainedForward() => AotHandChainedForward(1);

    [Benchmark, BenchmarkCategory(AotB1Forward)]
    public void AotB1NetworkForward() =>
        _aot.Forward(_aotX.AsSpan(0, AotNet.InputSize), _aotY.AsSpan(0, AotNet.OutputSize));

    // ---- AotNet, batch 64 ----

    [Benchmark(Baseline = true), BenchmarkCategory(AotB64Forward)]
    public void AotB64HandChainedForward() => AotHandChainedForward(AotLargeBatch);

    [Benchmark, BenchmarkCategory(AotB64Forward)]
    public void AotB64NetworkForward() => _aot.Forward(_aotX, _aotY);

    [Benchmark(Baseline = true), BenchmarkCategory(AotB64Train)]
    public void AotB64HandChainedTrain()
    {
        _aot.Layer0.ZeroGrad();
        _aot.Layer2.ZeroGrad();
        _aot.Layer4.ZeroGrad();

        _aot.Layer0.Forward(_aotX, _aotH1);
        ReLU.Forward(_aotH1, _aotA1);
        _aot.Layer2.Forward(_aotA1, _aotH2);
        ReLU.Forward(_aotH2, _aotA2);
        _aot.Layer4.Forward(_aotA2, _aotY);

        _aot.Layer4.Backward(_aotA2, _aotDy, _aotDa2);
        ReLU.Backward(_aotH2, _aotDa2, _aotDh2);
        _aot.Layer2.Backward(_aotA1, _aotDh2, _aotDa1);
        ReLU.Backward(_aotH1, _aotDa1, _aotDh1);
        _aot.Layer0.Backward(_aotX, _aotDh1, Span<float>.Empty);
    }

    [Benchmark, BenchmarkCategory(AotB64Train)]
    public void AotB64NetworkTrain()
    {
        _aot.ZeroGrad();
        _aot.ForwardTraining(_aotX, _aotY);
        _aot.Backward(_aotDy, Span<float>.Empty);
    }

    // ---- MADE 784 → 500 → 784, batch 100 ----

    [Benchmark(Baseline = true), BenchmarkCategory(MadeB100Forward)]
    public void MadeHandChainedForward()
    {
        _made.Layer0.Forward(_madeX, _madeH);
        ReLU.Forward(_madeH, _madeH);
        _made.Layer2.Forward(_madeH, _madeY);
    }

    [Benchmark, BenchmarkCategory(MadeB100Forward)]
    public void MadeNetworkForward() => _made.Forward(_madeX, _madeY);

    [Benchmark(Baseline = true), BenchmarkCategory(MadeB100Train)]
    public void MadeHandChainedTrain()
    {
        _made.Layer0.ZeroGrad();
        _made.Layer2.ZeroGrad();

        _made.Layer0.Forward(_madeX, _madeH);
        ReLU.Forward(_madeH, _madeA);
        _made.Layer2.Forward(_madeA, _madeY);

        _made.Layer2.Backward(_madeA, _madeDy, _madeDa);
        ReLU.Backward(_madeH, _madeDa, _madeDh);
        _made.Layer0.Backward(_madeX, _madeDh, Span<float>.Empty);
    }

    [Benchmark, BenchmarkCategory(MadeB100Train)]
    public void MadeNetworkTrain()
    {
        _made.ZeroGrad();
        _made.ForwardTraining(_madeX, _madeY);
        _made.Backward(_madeDy, Span<float>.Empty);
    }

    private static void Check(string what, Action network, Action handChained, Func<float[]> read)
    {
        network();
        float[] expected = read();
        handChained();
        float[] actual = read();
        for (int i = 0; i < expected.Length; i++)
        {
            if (!(MathF.Abs(expected[i] - actual[i]) <= 1e-4f * (1 + MathF.Abs(expected[i]))))
            {
                throw new InvalidOperationException($"{what}: value {i} is {expected[i]} from the network, {actual[i]} chained by hand.");
            }
        }
    }

    /// <summary>Layer, ReLU in place, layer, ReLU in place, layer: the cheapest hand-chained inference.</summary>
    private void AotHandChainedForward(int batch)
    {
        Span<float> h1 = _aotH1.AsSpan(0, batch * Pathways.OutputSize);
        Span<float> h2 = _aotH2.AsSpan(0, batch * Mixing.OutputSize);
        _aot.Layer0.Forward(_aotX.AsSpan(0, batch * AotNet.InputSize), h1);
        ReLU.Forward(h1, h1);
        _aot.Layer2.Forward(h1, h2);
        ReLU.Forward(h2, h2);
        _aot.Layer4.Forward(h2, _aotY.AsSpan(0, batch * AotNet.OutputSize));
    }
}
