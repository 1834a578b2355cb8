using System;
using System.Collections.Generic;

namespace CustomizedLinear;

/// <summary>
/// Multiplies the learning rate by <c>gamma</c> at each milestone epoch, as
/// <c>torch.optim.lr_scheduler.MultiStepLR</c>. The milestones are a multiset, as PyTorch's <c>Counter</c>: at an
/// epoch listed n times the rate is multiplied by <c>gamma^n</c> (a milestone at 0 applies on construction).
/// Without outside changes the rate at epoch e is <c>base · gamma^(number of milestones in [0, e])</c>.
/// </summary>
public sealed class MultiStepLR : LearningRateScheduler
{
    private readonly Dictionary<int, int> _milestones = [];
    private readonly double _gamma;

    /// <summary>Schedules <paramref name="optimizer"/>'s rate and performs the initial step (epoch 0).</summary>
    /// <param name="optimizer">The optimizer; its current rate is the base rate.</param>
    /// <param name="milestones">The epochs at which the rate decays, in any order, repeats counting; enumerated once, here.</param>
    /// <param name="gamma">The factor of the decay (≥ 0).</param>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> or <paramref name="milestones"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gamma"/> is negative or NaN.</exception>
    public MultiStepLR(Optimizer optimizer, IEnumerable<int> milestones, float gamma = 0.1f)
        : base(optimizer)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        ValidateGamma(gamma);
        foreach (int milestone in milestones)
        {
            _milestones[milestone] = _milestones.GetValueOrDefault(milestone) + 1;
        }

        _gamma = Widen(gamma);
        Step();
    }

    /// <inheritdoc/>
    protected override double ComputeLearningRate(int epoch, double currentRate) =>
        _milestones.TryGetValue(epoch, out int count) ? currentRate * Math.Pow(_gamma, count) : currentRate;
}
