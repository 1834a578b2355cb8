using System;
using System.Collections.Generic;

namespace CustomizedLinear;

/// <summary>
/// A fixed-topology network of masked layers and element-wise activations, run as one module (PyTorch's
/// <c>nn.Sequential</c>): what optimizers and weight I/O need from a network, whoever wrote it.
/// </summary>
public interface IMaskedNetwork
{
    /// <summary>Number of inputs: the first layer's.</summary>
    int InputSize { get; }

    /// <summary>Number of outputs: the last module's.</summary>
    int OutputSize { get; }

    /// <summary>The masked layers in order, for optimizers (PyTorch's <c>model.parameters()</c>).</summary>
    IReadOnlyList<IMaskedLinear> Layers { get; }

    /// <summary>
    /// The masked layers with their <c>state_dict</c> prefixes, e.g. <c>("0.", first), ("2.", second)</c> for an
    /// <c>nn.Sequential</c> whose module 1 is an activation.
    /// </summary>
    IReadOnlyList<(string Prefix, IMaskedLinear Layer)> NamedLayers { get; }

    /// <summary><c>output[batch, OutputSize] = network(input[batch, InputSize])</c>; keeps no state.</summary>
    void Forward(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>The same output as <see cref="Forward"/>, keeping what <see cref="Backward"/> needs.</summary>
    void ForwardTraining(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>
    /// Back-propagates <c>dLoss/dOutput</c> through the batch of the last <see cref="ForwardTraining"/>: adds into
    /// every layer's gradients and overwrites <paramref name="inputGrad"/> (an empty span skips it).
    /// </summary>
    void Backward(ReadOnlySpan<float> outputGrad, Span<float> inputGrad);

    /// <summary>Sets every layer's gradients to zero.</summary>
    void ZeroGrad();
}
