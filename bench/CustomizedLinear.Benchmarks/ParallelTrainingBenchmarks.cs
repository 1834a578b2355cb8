using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MadeSample;

namespace CustomizedLinear.Benchmarks;

/// <summary>
/// Training on both cores (the <c>degreeOfParallelism</c> overloads) against one thread, in the same run: the sample's
/// MADE step (784→500→784, batch 100: forward, BCE, zero_grad, backward, Adam) and its forward+backward alone, and
/// 1024 × 1024 @0.1 at batch 256 (forward + backward with the input gradient). Each category's one-thread method is
/// the baseline, so the ratio column is two threads' time over one thread's (read 0.55 as 1.8×). The first category
/// is the machine's own answer, in the same run: the same multiply-adds on one thread and split over two. On these
/// shared 2-vCPU machines it swings between 0.5 (two cores) and 1.0 (the second vCPU busy elsewhere), and the
/// training numbers mean nothing in a run where it is far from 0.5.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ParallelTrainingBenchmarks
{
    private const int MadeBatch = Training.BatchSize, LayerBatch = 256;

    private MadeSample.Made _made = null!;
    private Adam _adam = null!;
    private float[] _x = [], _logits = [], _gradient = [];
    private Dense1024At01 _layer = null!;
    private float[] _input = [], _output = [], _outputGrad = [], _inputGrad = [];

    [GlobalSetup]
    public void Setup()
    {
        Digits digits = Digits.Load();
        _x = digits.Train.AsSpan(0, MadeBatch * Digits.Pixels).ToArray();
        _logits = new float[MadeBatch * Made2.OutputSize];
        _gradient = new float[_logits.Length];
        _made = new MadeSample.Made(seed: 1);
        _adam = new Adam(_made, lr: 1e-3f, weightDecay: 1e-4f);
        _made.ForwardTraining(_x, _logits);
        Training.Nll(_logits, _x, _gradient, MadeBatch);

        _layer = new Dense1024At01(1);
        var random = new Random(7);
        _input = Enumerable.Range(0, LayerBatch * Dense1024At01.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        _output = new float[LayerBatch * Dense1024At01.OutputSize];
        _outputGrad = Enumerable.Range(0, _output.Length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        _inputGrad = new float[_input.Length];
    }

    [Benchmark(Baseline = true, Description = "1 thread")]
    [BenchmarkCategory("0 FMA probe")]
    public float ProbeOneThread() => Fma(ProbeIterations);

    [Benchmark(Description = "2 threads")]
    [BenchmarkCategory("0 FMA probe")]
    public float ProbeTwoThreads()
    {
        float a = 0, b = 0;
        System.Threading.Tasks.Parallel.Invoke(() => a = Fma(ProbeIterations / 2), () => b = Fma(ProbeIterations / 2));
        return a + b;
    }

    /// <summary>About 4 ms of multiply-adds on one thread: the fork-join's few microseconds do not count.</summary>
    private const long ProbeIterations = 2_000_000;

    /// <summary>Eight independent chains of 512-bit (or narrower) multiply-adds: what one core can issue.</summary>
    private static float Fma(long iterations)
    {
        var a = System.Numerics.Vector<float>.One * 1.0001f;
        var b = System.Numerics.Vector<float>.One * 0.9999f;
        System.Numerics.Vector<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        for (long i = 0; i < iterations; i++)
        {
            c0 = System.Numerics.Vector.FusedMultiplyAdd(a, b, c0);
            c1 = System.Numerics.Vector.FusedMultiplyAdd(a, b, c1);
            c2 = System.Numerics.Vector.FusedMultiplyAdd(a, b, c2);
            c3 = System.Numerics.Vector.FusedMultiplyAdd(a, b, c3);
            c4 = System.Numerics.Vector.FusedMultiplyAdd(a, b, c4);
            c5 = System.Numerics.Vector.FusedMultiplyAdd(a, b, c5);
            c6 = System.Numerics.Vector.FusedMultiplyAdd(a, b, c6);
            c7 = System.Numerics.Vector.FusedMultiplyAdd(a, b, c7);
        }

        return System.Numerics.Vector.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7);
    }

    [Benchmark(Baseline = true, Description = "1 thread")]
    [BenchmarkCategory("MADE step B=100")]
    public double MadeStepOneThread() => MadeStep(1);

    [Benchmark(Description = "2 threads")]
    [BenchmarkCategory("MADE step B=100")]
    public double MadeStepTwoThreads() => MadeStep(2);

    [Benchmark(Baseline = true, Description = "1 thread")]
    [BenchmarkCategory("MADE fwd+bwd B=100")]
    public void MadePassesOneThread() => MadePasses(1);

    [Benchmark(Description = "2 threads")]
    [BenchmarkCategory("MADE fwd+bwd B=100")]
    public void MadePassesTwoThreads() => MadePasses(2);

    [Benchmark(Baseline = true, Description = "1 thread")]
    [BenchmarkCategory("1024@0.1 fwd+bwd B=256")]
    public void LayerOneThread() => Layer(1);

    [Benchmark(Description = "2 threads")]
    [BenchmarkCategory("1024@0.1 fwd+bwd B=256")]
    public void LayerTwoThreads() => Layer(2);

    private double MadeStep(int threads)
    {
        _made.ForwardTraining(_x, _logits, threads);
        double loss = Training.Nll(_logits, _x, _gradient, MadeBatch);
        _adam.ZeroGrad();
        _made.Backward(_gradient, inputGrad: default, threads);
        _adam.Step(threads);
        return loss;
    }

    private void MadePasses(int threads)
    {
        _made.ForwardTraining(_x, _logits, threads);
        _made.Backward(_gradient, inputGrad: default, threads);
    }

    private void Layer(int threads)
    {
        _layer.Forward(_input, _output, threads);
        _layer.Backward(_input, _outputGrad, _inputGrad, threads);
    }
}
