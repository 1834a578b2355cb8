using System;

namespace CustomizedLinear;

/// <summary>
/// Sets the learning rate to the base rate times a factor of the epoch, as <c>torch.optim.lr_scheduler.LambdaLR</c>:
/// the rate at epoch e is <c>base · lrLambda(e)</c>, whatever the optimizer's rate was (this schedule is not
/// chainable, as PyTorch's is not).
/// </summary>
public sealed class LambdaLR : LearningRateScheduler
{
    private readonly Func<int, double> _lrLambda;

    /// <summary>
    /// Schedules <paramref name="optimizer"/>'s rate and performs the initial step, which sets it to
    /// <c>base · lrLambda(0)</c>.
    /// </summary>
    /// <param name="optimizer">The optimizer; its current rate is the base rate.</param>
    /// <param name="lrLambda">The factor of the base rate for an epoch (PyTorch's <c>lr_lambda</c>); called once per step, with the new epoch.</param>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> or <paramref name="lrLambda"/> is null.</exception>
    /// <exception cref="InvalidOperationException"><c>base · lrLambda(0)</c> is negative or NaN.</exception>
    public LambdaLR(Optimizer optimizer, Func<int, double> lrLambda)
        : base(optimizer)
    {
        ArgumentNullException.ThrowIfNull(lrLambda);
        _lrLambda = lrLambda;
        Step();
    }

    /// <inheritdoc/>
    protected override double ComputeLearningRate(int epoch, double currentRate) => BaseLearningRate * _lrLambda(epoch);
}
