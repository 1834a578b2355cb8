using System;
using CustomizedLinear.CompilerServices;

namespace CustomizedLinear;

/// <summary>
/// A masked linear layer whose mask is known only at run time: the same maths as a generated layer, on a
/// plain compressed-sparse-row loop (no code generation, no vectorisation). It is also the "not generated"
/// baseline of the benchmarks.
/// </summary>
public sealed class RuntimeMaskedLinear : IMaskedLinear
{
    private readonly int[] _outputStarts;
    private readonly int[] _connectionInputs;
    private readonly float[] _weights;
    private readonly float[] _bias;
    private float[]? _weightGrad;
    private float[]? _biasGrad;

    /// <summary>Creates the layer with nn.Linear's initialization, U(−1/√in, 1/√in).</summary>
    /// <param name="mask"><c>[in, out]</c>: <c>mask[i, o]</c> says whether input <c>i</c> feeds output <c>o</c>.</param>
    /// <param name="bias">Whether the layer has a bias vector.</param>
    /// <param name="seed">The seed of the initialization; a fresh one when <see langword="null"/>.</param>
    public RuntimeMaskedLinear(bool[,] mask, bool bias = true, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(mask);
        InputSize = mask.GetLength(0);
        OutputSize = mask.GetLength(1);
        if (InputSize == 0 || OutputSize == 0)
        {
            throw new ArgumentException($"mask is {InputSize} × {OutputSize}; a layer needs at least one input and one output.", nameof(mask));
        }

        // Canonical order: output by output, inputs ascending (PyTorch's weight[mask.T.bool()]).
        _outputStarts = new int[OutputSize + 1];
        var inputs = new System.Collections.Generic.List<int>();
        for (int o = 0; o < OutputSize; o++)
        {
            _outputStarts[o] = inputs.Count;
            for (int i = 0; i < InputSize; i++)
            {
                if (mask[i, o])
                {
                    inputs.Add(i);
                }
            }
        }

        _outputStarts[OutputSize] = inputs.Count;
        _connectionInputs = inputs.ToArray();
        _weights = new float[_connectionInputs.Length];
        _bias = bias ? new float[OutputSize] : [];
        ParameterInitializer.Uniform(_weights, _bias, InputSize, seed ?? ParameterInitializer.NewSeed());
    }

    /// <inheritdoc />
    public int InputSize { get; }

    /// <inheritdoc />
    public int OutputSize { get; }

    /// <inheritdoc />
    public int ConnectionCount => _connectionInputs.Length;

    /// <inheritdoc />
    public bool HasBias => _bias.Length != 0;

    /// <inheritdoc />
    public Span<float> Weights => _weights;

    /// <inheritdoc />
    public Span<float> Bias => _bias;

    /// <inheritdoc />
    public Span<float> WeightGrad => _weightGrad ??= new float[_weights.Length];

    /// <inheritdoc />
    public Span<float> BiasGrad => _biasGrad ??= new float[_bias.Length];

    /// <inheritdoc />
    public bool IsConnected(int input, int output) => ConnectionMask.IsConnected(_outputStarts, _connectionInputs, InputSize, input, output);

    /// <inheritdoc />
    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        int batch = SpanShapes.ForwardBatch(InputSize, OutputSize, input, output);
        for (int n = 0; n < batch; n++)
        {
            TableKernels.Forward(_outputStarts, _connectionInputs, _weights, _bias, input.Slice(n * InputSize, InputSize), output.Slice(n * OutputSize, OutputSize));
        }
    }

    /// <inheritdoc />
    public void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad)
    {
        int batch = SpanShapes.BackwardBatch(InputSize, OutputSize, input, outputGrad, inputGrad);
        if (batch == 0)
        {
            return;
        }

        float[] weightGrad = _weightGrad ??= new float[_weights.Length];
        Span<float> biasGrad = BiasGrad;
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> x = input.Slice(n * InputSize, InputSize);
            ReadOnlySpan<float> dy = outputGrad.Slice(n * OutputSize, OutputSize);
            TableKernels.AccumulateWeightGrad(_outputStarts, _connectionInputs, x, dy, weightGrad);
            for (int o = 0; o < biasGrad.Length; o++)
            {
                biasGrad[o] += dy[o];
            }

            if (!inputGrad.IsEmpty)
            {
                TableKernels.InputGrad(_outputStarts, _connectionInputs, _weights, dy, inputGrad.Slice(n * InputSize, InputSize));
            }
        }
    }

    /// <inheritdoc />
    public void ZeroGrad()
    {
        if (_weightGrad is not null)
        {
            Array.Clear(_weightGrad);
        }

        if (_biasGrad is not null)
        {
            Array.Clear(_biasGrad);
        }
    }

    /// <inheritdoc />
    public void LoadDenseWeight(ReadOnlySpan<float> weight) => ConnectionMask.LoadDense(_outputStarts, _connectionInputs, InputSize, weight, _weights);

    /// <inheritdoc />
    public void CopyDenseWeight(Span<float> weight) => ConnectionMask.CopyDense(_outputStarts, _connectionInputs, InputSize, _weights, weight);
}
