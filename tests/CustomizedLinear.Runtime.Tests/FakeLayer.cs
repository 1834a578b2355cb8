using System;

namespace CustomizedLinear.Runtime.Tests;

/// <summary>
/// A test double over plain arrays: dense (every input connected to every output), so optimizers and
/// gradient helpers can be tested without the generator. Forward/Backward are not supported.
/// </summary>
internal sealed class FakeLayer : IMaskedLinear
{
    private readonly float[] _weights;
    private readonly float[] _bias;
    private readonly float[] _weightGrad;
    private readonly float[] _biasGrad;

    public FakeLayer(int inputSize, int outputSize, bool hasBias)
    {
        InputSize = inputSize;
        OutputSize = outputSize;
        HasBias = hasBias;
        _weights = new float[inputSize * outputSize];
        _weightGrad = new float[inputSize * outputSize];
        _bias = hasBias ? new float[outputSize] : [];
        _biasGrad = hasBias ? new float[outputSize] : [];
    }

    public int InputSize { get; }

    public int OutputSize { get; }

    public int ConnectionCount => _weights.Length;

    public bool HasBias { get; }

    public Span<float> Weights => _weights;

    public Span<float> Bias => _bias;

    public Span<float> WeightGrad => _weightGrad;

    public Span<float> BiasGrad => _biasGrad;

    public int ZeroGradCalls { get; private set; }

    public bool IsConnected(int input, int output) => true;

    public void Forward(ReadOnlySpan<float> input, Span<float> output) => throw new NotSupportedException();

    public void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad) =>
        throw new NotSupportedException();

    public void ZeroGrad()
    {
        ZeroGradCalls++;
        Array.Clear(_weightGrad);
        Array.Clear(_biasGrad);
    }

    public void LoadDenseWeight(ReadOnlySpan<float> weight) => throw new NotSupportedException();

    public void CopyDenseWeight(Span<float> weight) => throw new NotSupportedException();
}
