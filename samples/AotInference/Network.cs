using System;
using CustomizedLinear;

namespace AotInference;

/// <summary>
/// <c>nn.Sequential(CustomizedLinear(pathways), ReLU(), CustomizedLinear(mixing), ReLU(), CustomizedLinear(head))</c>:
/// the linear layers sit at indices 0, 2 and 4, so their tensors are named <c>0.weight</c>, <c>2.bias</c>, ...
/// as in the PyTorch model's <c>state_dict</c>.
/// </summary>
public sealed class Network
{
    public const int InputSize = Pathways.InputSize;
    public const int HiddenSize = Pathways.OutputSize;
    public const int OutputSize = Head.OutputSize;

    private float[] _h1 = [], _a1 = [], _h2 = [], _a2 = [];
    private float[] _da2 = [], _dh2 = [], _da1 = [], _dh1 = [];

    public Network(int seed)
    {
        // Each layer's own nn.Linear-style init, deterministic.
        Layer0 = new Pathways(seed);
        Layer2 = new Mixing(seed + 1);
        Layer4 = new Head(seed + 2);
    }

    public Pathways Layer0 { get; }

    public Mixing Layer2 { get; }

    public Head Layer4 { get; }

    public IMaskedLinear[] Layers => [Layer0, Layer2, Layer4];

    /// <summary>The layers with their <c>nn.Sequential</c> prefixes, for <see cref="SafeTensors"/>.</summary>
    public (string Prefix, IMaskedLinear Layer)[] StateDict => [("0.", Layer0), ("2.", Layer2), ("4.", Layer4)];

    public void Save(string path) => SafeTensors.Save(path, StateDict);

    public void Load(string path) => SafeTensors.Load(path, StateDict);

    /// <summary>
    /// <c>output [batch, 4] = net(input [batch, 16])</c>. Allocates only when the batch is larger than any before
    /// (the scratch for the hidden activations is kept), so steady-state calls allocate nothing.
    /// </summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        int batch = input.Length / InputSize;
        EnsureScratch(batch, training: false);
        Span<float> h1 = _h1.AsSpan(0, batch * HiddenSize), a1 = _a1.AsSpan(0, h1.Length);
        Span<float> h2 = _h2.AsSpan(0, h1.Length), a2 = _a2.AsSpan(0, h1.Length);
        Layer0.Forward(input, h1);
        Activation.Relu(h1, a1);
        Layer2.Forward(a1, h2);
        Activation.Relu(h2, a2);
        Layer4.Forward(a2, output);
    }

    /// <summary>
    /// Accumulates every layer's gradients for the batch last passed to <see cref="Forward"/> (which kept the
    /// pre-activations), given <c>dLoss/dOutput</c>.
    /// </summary>
    public void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad)
    {
        int batch = input.Length / InputSize;
        EnsureScratch(batch, training: true);
        int n = batch * HiddenSize;
        Span<float> da2 = _da2.AsSpan(0, n), dh2 = _dh2.AsSpan(0, n), da1 = _da1.AsSpan(0, n), dh1 = _dh1.AsSpan(0, n);
        Layer4.Backward(_a2.AsSpan(0, n), outputGrad, da2);
        Activation.ReluBackward(_h2.AsSpan(0, n), da2, dh2);
        Layer2.Backward(_a1.AsSpan(0, n), dh2, da1);
        Activation.ReluBackward(_h1.AsSpan(0, n), da1, dh1);
        Layer0.Backward(input, dh1, inputGrad: default);
    }

    private void EnsureScratch(int batch, bool training)
    {
        int n = batch * HiddenSize;
        if (_h1.Length < n)
        {
            _h1 = new float[n];
            _a1 = new float[n];
            _h2 = new float[n];
            _a2 = new float[n];
        }

        if (training && _da2.Length < n)
        {
            _da2 = new float[n];
            _dh2 = new float[n];
            _da1 = new float[n];
            _dh1 = new float[n];
        }
    }
}
