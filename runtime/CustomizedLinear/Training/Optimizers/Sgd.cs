using System;
using System.Collections.Generic;
using System.Numerics.Tensors;

namespace CustomizedLinear;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, weight decay and Nesterov momentum,
/// exactly as <c>torch.optim.SGD</c> (with <c>maximize=False</c>):
/// <code>
/// g = grad + weightDecay · p
/// if momentum ≠ 0:
///     buf = g                                   (first step)
///     buf = momentum · buf + (1 − dampening) · g (later steps)
///     g = nesterov ? g + momentum · buf : buf
/// p = p − lr · g
/// </code>
/// The gradients are never modified.
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly float _momentum;
    private readonly float _dampening;
    private readonly float _weightDecay;
    private readonly bool _nesterov;
    private readonly float[]?[] _momentumBuffers;

    /// <summary>Creates an SGD optimizer over the parameters of <paramref name="layers"/>.</summary>
    /// <param name="layers">The layers to optimize.</param>
    /// <param name="lr">The learning rate (≥ 0).</param>
    /// <param name="momentum">The momentum factor (≥ 0); 0 disables momentum.</param>
    /// <param name="dampening">The dampening of the momentum.</param>
    /// <param name="weightDecay">The L2 penalty (≥ 0) added to the gradient.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum; requires momentum &gt; 0 and zero dampening.</param>
    /// <exception cref="ArgumentNullException"><paramref name="layers"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lr"/>, <paramref name="momentum"/> or <paramref name="weightDecay"/> is negative or NaN.</exception>
    /// <exception cref="ArgumentException"><paramref name="nesterov"/> is set with momentum ≤ 0 or non-zero dampening.</exception>
    public Sgd(IEnumerable<IMaskedLinear> layers, float lr = 1e-3f, float momentum = 0f, float dampening = 0f, float weightDecay = 0f, bool nesterov = false)
        : base(layers, lr)
    {
        ValidateNonNegative(momentum, nameof(momentum), "momentum value");
        ValidateNonNegative(weightDecay, nameof(weightDecay), "weight_decay value");
        if (nesterov && (momentum <= 0f || dampening != 0f))
        {
            throw new ArgumentException("Nesterov momentum requires a momentum and zero dampening.", nameof(nesterov));
        }

        _momentum = momentum;
        _dampening = dampening;
        _weightDecay = weightDecay;
        _nesterov = nesterov;
        _momentumBuffers = new float[]?[ParameterCount];
    }

    /// <summary>Creates an SGD optimizer over the parameters of every layer of <paramref name="network"/> (PyTorch's <c>model.parameters()</c>).</summary>
    /// <param name="network">The network to optimize.</param>
    /// <param name="lr">The learning rate (≥ 0).</param>
    /// <param name="momentum">The momentum factor (≥ 0); 0 disables momentum.</param>
    /// <param name="dampening">The dampening of the momentum.</param>
    /// <param name="weightDecay">The L2 penalty (≥ 0) added to the gradient.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum; requires momentum &gt; 0 and zero dampening.</param>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lr"/>, <paramref name="momentum"/> or <paramref name="weightDecay"/> is negative or NaN.</exception>
    /// <exception cref="ArgumentException"><paramref name="nesterov"/> is set with momentum ≤ 0 or non-zero dampening.</exception>
    public Sgd(IMaskedNetwork network, float lr = 1e-3f, float momentum = 0f, float dampening = 0f, float weightDecay = 0f, bool nesterov = false)
        : this(LayersOf(network), lr, momentum, dampening, weightDecay, nesterov)
    {
    }

    /// <inheritdoc/>
    public override void Step()
    {
        float lr = LearningRate;
        for (int index = 0; index < ParameterCount; index++)
        {
            Span<float> parameter = GetParameter(index, out ReadOnlySpan<float> gradient);
            int length = parameter.Length;
            Span<float> scratch = Scratch(length);

            // g = grad + wd · p, in the scratch so the gradient itself is left alone.
            ReadOnlySpan<float> g = gradient;
            if (_weightDecay != 0f)
            {
                TensorPrimitives.MultiplyAdd(parameter, _weightDecay, gradient, scratch);
                g = scratch;
            }

            if (_momentum != 0f)
            {
                float[] buffer = GetState(_momentumBuffers, index, length, out bool firstStep);
                if (firstStep)
                {
                    g.CopyTo(buffer);
                }
                else
                {
                    TensorPrimitives.Multiply(buffer, _momentum, buffer);
                    TensorPrimitives.MultiplyAdd(g, 1f - _dampening, buffer, buffer);
                }

                if (_nesterov)
                {
                    // g may already be the scratch: exact aliasing is fine for TensorPrimitives.
                    TensorPrimitives.MultiplyAdd(buffer, _momentum, g, scratch);
                    g = scratch;
                }
                else
                {
                    g = buffer;
                }
            }

            TensorPrimitives.MultiplyAdd(g, -lr, parameter, parameter);
        }
    }
}
