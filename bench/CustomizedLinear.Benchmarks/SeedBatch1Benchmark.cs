using BenchmarkDotNet.Attributes;

namespace CustomizedLinear.Benchmarks;

/// <summary>
/// The seed layer at batch 1, called on its concrete type (as an app would) rather than through
/// <see cref="IMaskedLinear"/>, against a dense masked loop over the same weights in the same run.
/// </summary>
[MemoryDiagnoser]
public class SeedBatch1Benchmark
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

    [Benchmark]
    public void GeneratedForward() => _layer.Forward(_input, _output);
}
