using BenchmarkDotNet.Attributes;

namespace CustomizedLinear.Benchmarks;

/// <summary>
/// The seed layer's Forward against a dense masked matrix-vector product over the same weights
/// (the baseline every sparse kernel must beat), batch 1.
/// </summary>
[MemoryDiagnoser]
public class SeedForwardBenchmark
{
    private readonly SeedLayer _layer = new(seed: 1);
    private readonly float[] _input = [0.5f, -1f, 2f, 0.25f];
    private readonly float[] _output = new float[SeedLayer.OutputSize];
    private float[] _denseWeight = [];

    [GlobalSetup]
    public void Setup()
    {
        _denseWeight = new float[SeedLayer.OutputSize * SeedLayer.InputSize];
        _layer.CopyDenseWeight(_denseWeight);
    }

    [Benchmark(Baseline = true)]
    public void DenseMasked()
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

    [Benchmark]
    public void Generated() => _layer.Forward(_input, _output);
}
