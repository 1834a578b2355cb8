using System;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;

namespace CustomizedLinear.Benchmarks;

/// <summary>
/// The seed layer at batch 1, called on its concrete type (as an app would) rather than through
/// <see cref="IMaskedLinear"/>, against a dense masked loop over the same weights and against the limit: the
/// layer's seven multiply-adds written by hand in a method that is not inlined, all in the same run.
/// </summary>
[MemoryDiagnoser]
public class SeedBatch1Benchmark
{
    private readonly SeedLayer _layer = new(seed: 1);
    private readonly float[] _input = [0.5f, -1f, 2f, 0.25f];
    private readonly float[] _output = new float[SeedLayer.OutputSize];
    private readonly float[] _outputGrad = [0.75f, -0.5f, 1.5f];
    private readonly float[] _inputGrad = new float[SeedLayer.InputSize];
    private float[] _denseWeight = [];
    private float[] _weight = [];

    [GlobalSetup]
    public void Setup()
    {
        _denseWeight = new float[SeedLayer.OutputSize * SeedLayer.InputSize];
        _layer.CopyDenseWeight(_denseWeight);
        _weight = _layer.Weights.ToArray();
        var handWritten = new float[SeedLayer.OutputSize];
        HandWritten(_weight, _input, handWritten);
        _layer.Forward(_input, _output);
        if (!handWritten.AsSpan().SequenceEqual(_output))
        {
            throw new InvalidOperationException("The hand-written multiply-adds and the generated layer disagree.");
        }
    }

    [Benchmark(Baseline = true)]
    public void DenseMaskedLoop()
    {
        for (int o = 0; o < SeedLayer.OutputSize; o++)
        {
            float sum = 0;
            for (int i = 0; i < SeedLayer.InputSize; i++)
            {
                sum += _denseWeight[o * SeedLayer.InputSize + i] * _input[i];
            }

            _output[o] = sum;
        }
    }

    /// <summary>The limit: the seed's seven multiply-adds by hand, in a method of their own, lengths checked once.</summary>
    [Benchmark]
    public void HandWrittenForward() => HandWritten(_weight, _input, _output);

    [Benchmark]
    public void GeneratedForward() => _layer.Forward(_input, _output);

    [Benchmark]
    public void GeneratedForwardBackward()
    {
        _layer.Forward(_input, _output);
        _layer.Backward(_input, _outputGrad, _inputGrad);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void HandWritten(ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y)
    {
        if (w.Length < 7 || x.Length < 4 || y.Length < 3)
        {
            throw new ArgumentException("Short span.");
        }

        y[0] = w[0] * x[0] + w[1] * x[2] + w[2] * x[3];
        y[1] = w[3] * x[1];
        y[2] = w[4] * x[0] + w[5] * x[2] + w[6] * x[3];
    }
}
