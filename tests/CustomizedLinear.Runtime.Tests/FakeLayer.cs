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

/// <summary>
/// A real masked layer whose <see cref="LoadDenseWeight"/> misbehaves: it loads the weight, overwrites the bias
/// and then throws <see cref="Failure"/>. Stands for a layer that fails after <see cref="SafeTensors.Load(System.IO.Stream, ValueTuple{string, IMaskedLinear}[])"/>
/// has checked the file, so that Load's restore of every layer can be tested.
/// </summary>
internal sealed class LoadFailingLayer(RuntimeMaskedLinear inner) : IMaskedLinear
{
    public Exception Failure { get; } = new InvalidOperationException("Simulated failure in LoadDenseWeight.");

    public int InputSize => inner.InputSize;

    public int OutputSize => inner.OutputSize;

    public int ConnectionCount => inner.ConnectionCount;

    public bool HasBias => inner.HasBias;

    public Span<float> Weights => inner.Weights;

    public Span<float> Bias => inner.Bias;

    public Span<float> WeightGrad => inner.WeightGrad;

    public Span<float> BiasGrad => inner.BiasGrad;

    public bool IsConnected(int input, int output) => inner.IsConnected(input, output);

    public void Forward(ReadOnlySpan<float> input, Span<float> output) => inner.Forward(input, output);

    public void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad) =>
        inner.Backward(input, outputGrad, inputGrad);

    public void ZeroGrad() => inner.ZeroGrad();

    public void LoadDenseWeight(ReadOnlySpan<float> weight)
    {
        inner.LoadDenseWeight(weight);
        inner.Bias.Fill(-99f);
        throw Failure;
    }

    public void CopyDenseWeight(Span<float> weight) => inner.CopyDenseWeight(weight);
}
