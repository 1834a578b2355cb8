using System;

namespace CustomizedLinear;

/// <summary>
/// Multiplies the learning rate by <c>gamma</c> every <c>stepSize</c> epochs, as <c>torch.optim.lr_scheduler.StepLR</c>:
/// at epoch 0, or when the epoch is not a multiple of <c>stepSize</c>, the rate is kept; otherwise it is multiplied by
/// <c>gamma</c>. Without outside changes the rate at epoch e is <c>base · gamma^⌊e / stepSize⌋</c>.
/// </summary>
public sealed class StepLR : LearningRateScheduler
{
    private readonly int _stepSize;
    private readonly double _gamma;

    /// <summary>Schedules <paramref name="optimizer"/>'s rate and performs the initial step (epoch 0, the base rate).</summary>
    /// <param name="optimizer">The optimizer; its current rate is the base rate.</param>
    /// <param name="stepSize">The period of the decay, in epochs (&gt; 0).</param>
    /// <param name="gamma">The factor of the decay (≥ 0).</param>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stepSize"/> is not positive, or <paramref name="gamma"/> is negative or NaN.</exception>
    public StepLR(Optimizer optimizer, int stepSize, float gamma = 0.1f)
        : base(optimizer)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSize);
        ValidateGamma(gamma);
        _stepSize = stepSize;
        _gamma = Widen(gamma);
        Step();
    }

    /// <inheritdoc/>
    protected override double ComputeLearningRate(int epoch, double currentRate) =>
        epoch == 0 || epoch % _stepSize != 0 ? currentRate : currentRate * _gamma;
}
