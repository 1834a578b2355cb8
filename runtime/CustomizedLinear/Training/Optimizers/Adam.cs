using System;
using System.Collections.Generic;
using System.Numerics.Tensors;

namespace CustomizedLinear;

/// <summary>
/// Adam, as <c>torch.optim.Adam</c> (<c>amsgrad=False</c>, <c>maximize=False</c>). At step <c>t</c>:
/// <code>
/// g = grad + weightDecay · p
/// m = β1 · m + (1 − β1) · g
/// v = β2 · v + (1 − β2) · g²
/// p = p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + eps)
/// </code>
/// The gradients are never modified. <see cref="AdamW"/> is the same update with decoupled weight decay.
/// </summary>
public class Adam : Optimizer
{
    private readonly float _beta1;
    private readonly float _beta2;
    private readonly float _eps;
    private readonly float _weightDecay;
    private readonly bool _decoupledWeightDecay;
    private readonly float[]?[] _expAvg;
    private readonly float[]?[] _expAvgSq;
    private long _step;

    /// <summary>Creates an Adam optimizer over the parameters of <paramref name="layers"/>.</summary>
    /// <param name="layers">The layers to optimize.</param>
    /// <param name="lr">The learning rate (≥ 0).</param>
    /// <param name="beta1">The decay rate of the first moment, in [0, 1).</param>
    /// <param name="beta2">The decay rate of the second moment, in [0, 1).</param>
    /// <param name="eps">The term added to the denominator (≥ 0).</param>
    /// <param name="weightDecay">The L2 penalty (≥ 0) added to the gradient.</param>
    /// <exception cref="ArgumentNullException"><paramref name="layers"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public Adam(IEnumerable<IMaskedLinear> layers, float lr = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 0f)
        : this(layers, lr, beta1, beta2, eps, weightDecay, decoupledWeightDecay: false)
    {
    }

    /// <summary>Creates an Adam optimizer over the parameters of every layer of <paramref name="network"/> (PyTorch's <c>model.parameters()</c>).</summary>
    /// <param name="network">The network to optimize.</param>
    /// <param name="lr">The learning rate (≥ 0).</param>
    /// <param name="beta1">The decay rate of the first moment, in [0, 1).</param>
    /// <param name="beta2">The decay rate of the second moment, in [0, 1).</param>
    /// <param name="eps">The term added to the denominator (≥ 0).</param>
    /// <param name="weightDecay">The L2 penalty (≥ 0) added to the gradient.</param>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public Adam(IMaskedNetwork network, float lr = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 0f)
        : this(LayersOf(network), lr, beta1, beta2, eps, weightDecay, decoupledWeightDecay: false)
    {
    }

    /// <summary>
    /// The shared constructor; <paramref name="decoupledWeightDecay"/> selects AdamW's
    /// <c>p *= 1 − lr · weightDecay</c> instead of adding <c>weightDecay · p</c> to the gradient.
    /// </summary>
    private protected Adam(IEnumerable<IMaskedLinear> layers, float lr, float beta1, float beta2, float eps, float weightDecay, bool decoupledWeightDecay)
        : base(layers, lr)
    {
        ValidateNonNegative(eps, nameof(eps), "epsilon value");
        ValidateBeta(beta1, nameof(beta1));
        ValidateBeta(beta2, nameof(beta2));
        ValidateNonNegative(weightDecay, nameof(weightDecay), "weight_decay value");
        _beta1 = beta1;
        _beta2 = beta2;
        _eps = eps;
        _weightDecay = weightDecay;
        _decoupledWeightDecay = decoupledWeightDecay;
        _expAvg = new float[]?[ParameterCount];
        _expAvgSq = new float[]?[ParameterCount];
    }

    /// <inheritdoc/>
    public sealed override void Step()
    {
        _step++;
        float lr = LearningRate;

        // Bias corrections in double, like PyTorch's Python floats.
        double biasCorrection1 = 1.0 - Math.Pow(_beta1, _step);
        double biasCorrection2 = 1.0 - Math.Pow(_beta2, _step);
        float stepSize = (float)(lr / biasCorrection1);
        float biasCorrection2Sqrt = (float)Math.Sqrt(biasCorrection2);
        float decay = (float)(1.0 - (double)lr * _weightDecay);

        for (int index = 0; index < ParameterCount; index++)
        {
            Span<float> parameter = GetParameter(index, out ReadOnlySpan<float> gradient);
            int length = parameter.Length;
            Span<float> scratch = Scratch(length);
            float[] expAvg = GetState(_expAvg, index, length, out _);
            float[] expAvgSq = GetState(_expAvgSq, index, length, out _);

            ReadOnlySpan<float> g = gradient;
            if (_weightDecay != 0f)
            {
                if (_decoupledWeightDecay)
                {
                    // AdamW: p *= 1 − lr · wd, before the Adam update.
                    TensorPrimitives.Multiply(parameter, decay, parameter);
                }
                else
                {
                    // Adam: g = grad + wd · p, in the scratch so the gradient itself is left alone.
                    TensorPrimitives.MultiplyAdd(parameter, _weightDecay, gradient, scratch);
                    g = scratch;
                }
            }

            // m = β1 m + (1 − β1) g
            TensorPrimitives.Multiply(expAvg, _beta1, expAvg);
            TensorPrimitives.MultiplyAdd(g, 1f - _beta1, expAvg, expAvg);

            // v = β2 v + (1 − β2) g²  (g is not needed after this, so g² may overwrite it in the scratch)
            TensorPrimitives.Multiply(g, g, scratch);
            TensorPrimitives.Multiply(expAvgSq, _beta2, expAvgSq);
            TensorPrimitives.MultiplyAdd(scratch, 1f - _beta2, expAvgSq, expAvgSq);

            // denom = √v / √bc2 + eps;  p −= (lr / bc1) · m / denom
            TensorPrimitives.Sqrt(expAvgSq, scratch);
            TensorPrimitives.Divide(scratch, biasCorrection2Sqrt, scratch);
            TensorPrimitives.Add(scratch, _eps, scratch);
            TensorPrimitives.Divide(expAvg, scratch, scratch);
            TensorPrimitives.MultiplyAdd(scratch, -stepSize, parameter, parameter);
        }
    }

    private static void ValidateBeta(float beta, string paramName)
    {
        if (!(beta >= 0f && beta < 1f))
        {
            throw new ArgumentOutOfRangeException(paramName, beta, $"Invalid {paramName} parameter: {beta}; expected a value in [0, 1).");
        }
    }
}
