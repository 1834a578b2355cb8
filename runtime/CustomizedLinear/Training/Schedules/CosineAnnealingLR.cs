using System;

namespace CustomizedLinear;

/// <summary>
/// Anneals the learning rate from the base rate to <c>etaMin</c> over <c>tMax</c> epochs along a half cosine, as
/// <c>torch.optim.lr_scheduler.CosineAnnealingLR</c>, with PyTorch's recursive update:
/// <code>
/// epoch 0:                                  lr
/// (epoch − 1 − tMax) mod (2·tMax) = 0:      lr + (base − etaMin)·(1 − cos(π / tMax)) / 2
/// otherwise:                                (1 + cos(π·epoch / tMax)) / (1 + cos(π·(epoch − 1) / tMax)) · (lr − etaMin) + etaMin
/// </code>
/// where lr is the optimizer's current rate. Without outside changes the rate within [0, tMax] is
/// <c>etaMin + (base − etaMin)·(1 + cos(π·epoch / tMax)) / 2</c>; past <c>tMax</c> it rises again, with period
/// <c>2·tMax</c> (it does not stay at <c>etaMin</c>).
/// </summary>
public sealed class CosineAnnealingLR : LearningRateScheduler
{
    private readonly int _tMax;
    private readonly double _etaMin;

    /// <summary>Schedules <paramref name="optimizer"/>'s rate and performs the initial step (epoch 0, the base rate).</summary>
    /// <param name="optimizer">The optimizer; its current rate is the base rate.</param>
    /// <param name="tMax">The number of epochs from the base rate to <paramref name="etaMin"/> (&gt; 0).</param>
    /// <param name="etaMin">The lowest rate (finite, ≥ 0).</param>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tMax"/> is not positive, or <paramref name="etaMin"/> is negative, infinite or NaN.</exception>
    public CosineAnnealingLR(Optimizer optimizer, int tMax, float etaMin = 0f)
        : base(optimizer)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tMax);

        // PyTorch does not check eta_min; a negative one gives negative rates, which the optimizer refuses.
        if (!(etaMin >= 0f) || float.IsInfinity(etaMin))
        {
            throw new ArgumentOutOfRangeException(nameof(etaMin), etaMin, $"Invalid etaMin: {etaMin}; expected a finite value >= 0.");
        }

        _tMax = tMax;
        _etaMin = Widen(etaMin);
        Step();
    }

    /// <inheritdoc/>
    protected override double ComputeLearningRate(int epoch, double currentRate)
    {
        if (epoch == 0)
        {
            return currentRate;
        }

        // PyTorch's next case, "_step_count == 1 and last_epoch > 0", is a schedule resumed at a later epoch;
        // schedules here always start at epoch 0, so it never applies.
        if (PythonModulo((long)epoch - 1 - _tMax, 2L * _tMax) == 0)
        {
            return currentRate + (BaseLearningRate - _etaMin) * (1 - Math.Cos(Math.PI / _tMax)) / 2;
        }

        return (1 + Math.Cos(Math.PI * epoch / _tMax)) / (1 + Math.Cos(Math.PI * (epoch - 1) / _tMax))
            * (currentRate - _etaMin) + _etaMin;
    }

    // Python's %: the result has the sign of the divisor (floor division), so it is never negative here. Only
    // whether it is 0 is used, which C#'s % would answer the same; this keeps PyTorch's expression as written.
    // The operands are long: 2·tMax does not fit an int for tMax ≥ 2³⁰.
    private static long PythonModulo(long dividend, long divisor)
    {
        long remainder = dividend % divisor;
        return remainder != 0 && (remainder < 0) != (divisor < 0) ? remainder + divisor : remainder;
    }
}
