using System;

namespace CustomizedLinear;

/// <summary>
/// A masked linear layer: <c>y = x · (W ∘ Mᵀ)ᵀ + b</c> where only connected weights exist.
/// Implemented by every generated layer and by <c>RuntimeMaskedLinear</c>, so optimizers,
/// weight I/O and network helpers work on any of them.
/// </summary>
public interface IMaskedLinear
{
    /// <summary>Number of inputs.</summary>
    int InputSize { get; }

    /// <summary>Number of outputs.</summary>
    int OutputSize { get; }

    /// <summary>Number of connections (1s in the mask); the length of <see cref="Weights"/>.</summary>
    int ConnectionCount { get; }

    /// <summary>Whether the layer has a bias vector.</summary>
    bool HasBias { get; }

    /// <summary>The connected weights, packed in canonical order: output by output, inputs ascending.</summary>
    Span<float> Weights { get; }

    /// <summary>The bias, one per output; empty when <see cref="HasBias"/> is false.</summary>
    Span<float> Bias { get; }

    /// <summary>Accumulated gradient of the loss with respect to <see cref="Weights"/>. Allocated on first use.</summary>
    Span<float> WeightGrad { get; }

    /// <summary>Accumulated gradient of the loss with respect to <see cref="Bias"/>. Allocated on first use.</summary>
    Span<float> BiasGrad { get; }

    /// <summary>Whether input <paramref name="input"/> feeds output <paramref name="output"/>.</summary>
    bool IsConnected(int input, int output);

    /// <summary>
    /// <c>output[batch, OutputSize] = input[batch, InputSize] · Wᵀ + b</c>, with
    /// <c>batch = input.Length / InputSize</c>. Safe to call from several threads at once.
    /// </summary>
    void Forward(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>
    /// Adds this batch's gradients into <see cref="WeightGrad"/> and <see cref="BiasGrad"/> and
    /// overwrites <paramref name="inputGrad"/> (pass an empty span to skip it).
    /// </summary>
    void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad);

    /// <summary>Sets <see cref="WeightGrad"/> and <see cref="BiasGrad"/> to zero.</summary>
    void ZeroGrad();

    /// <summary>
    /// Loads a dense PyTorch-layout weight <c>[OutputSize, InputSize]</c>. Every unconnected
    /// position must hold zero (or -0.0), otherwise <see cref="ArgumentException"/> is thrown and
    /// nothing is changed.
    /// </summary>
    void LoadDenseWeight(ReadOnlySpan<float> weight);

    /// <summary>Writes the weight as a dense PyTorch-layout <c>[OutputSize, InputSize]</c> matrix, zeros where unconnected.</summary>
    void CopyDenseWeight(Span<float> weight);
}
