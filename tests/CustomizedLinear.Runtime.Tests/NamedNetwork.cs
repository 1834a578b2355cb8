using System;
using System.Collections.Generic;
using System.Linq;

namespace CustomizedLinear.Runtime.Tests;

/// <summary>A network test double that only names its layers (for the weight files and tables, which read nothing else).</summary>
internal sealed class NamedNetwork(params (string Prefix, IMaskedLinear Layer)[] named) : IMaskedNetwork
{
    public int InputSize => named[0].Layer.InputSize;

    public int OutputSize => named[^1].Layer.OutputSize;

    public IReadOnlyList<IMaskedLinear> Layers => [.. named.Select(n => n.Layer)];

    public IReadOnlyList<(string Prefix, IMaskedLinear Layer)> NamedLayers => named;

    public void Forward(ReadOnlySpan<float> input, Span<float> output) => throw new NotSupportedException();

    public void ForwardTraining(ReadOnlySpan<float> input, Span<float> output) => throw new NotSupportedException();

    public void Backward(ReadOnlySpan<float> outputGrad, Span<float> inputGrad) => throw new NotSupportedException();

    public void ZeroGrad() => throw new NotSupportedException();
}
