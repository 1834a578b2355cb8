using System;

namespace CustomizedLinear;

/// <summary>
/// Multiplies the learning rate by <c>gamma</c> every epoch after epoch 0, as
/// <c>torch.optim.lr_scheduler.ExponentialLR</c>. Without outside changes the rate at epoch e is <c>base · gamma^e</c>.
/// </summary>
public sealed class ExponentialLR : LearningRateScheduler
{
    private readonly double _gamma;

    /// <summary>Schedules <paramref name="optimizer"/>'s rate and performs the initial step (epoch 0, the base rate).</summary>
    /// <param name="optimizer">The optimizer; its current rate is the base rate.</param>
    /// <param name="gamma">The factor of the decay (≥ 0).</param>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gamma"/> is negative or NaN.</exception>
    public ExponentialLR(Optimizer optimizer, float gamma)
        : base(optimizer)
    {
        ValidateGamma(gamma);
        _gamma = Widen(gamma);
        Step();
    }

    /// <inheritdoc/>
    protected override double ComputeLearningRate(int epoch, double currentRate) =>
        epoch == 0 ? currentRate : currentRate * _gamma;
}
