using System;
using System.Globalization;

namespace CustomizedLinear;

/// <summary>
/// Base of the <c>torch.optim.lr_scheduler</c>-style schedules: each <see cref="Step()"/> (once per epoch, after
/// the optimizer's <see cref="Optimizer.Step()"/>) sets the optimizer's <see cref="Optimizer.LearningRate"/> to
/// the rate PyTorch's scheduler gives after the same number of <c>step()</c> calls.
/// </summary>
/// <remarks>
/// <para>
/// The base rate (PyTorch's <c>initial_lr</c>) is the optimizer's rate when the schedule is made. Making a
/// schedule performs PyTorch's initial step: <see cref="LastEpoch"/> becomes 0 and the optimizer's rate is set
/// to the epoch-0 rate (the base rate, except for <see cref="LambdaLR"/> and a <see cref="MultiStepLR"/>
/// milestone at 0).
/// </para>
/// <para>
/// Like PyTorch's <c>step()</c>, each update is the recursive ("chainable") form of
/// <c>torch/optim/lr_scheduler.py</c>: it starts from the optimizer's <em>current</em> rate, so a rate set on the
/// optimizer between two steps carries on. PyTorch holds rates as Python floats (doubles), the optimizer as a
/// <see cref="float"/>; so that repeated steps do not pile up float rounding that PyTorch does not have, the
/// schedule keeps the current rate in double and sets the optimizer to that value rounded to float. When the
/// optimizer's rate is no longer the float the schedule set, someone else (the user, another schedule) changed
/// it, and the next step starts from the optimizer's value instead.
/// </para>
/// <para>
/// Float arguments (the optimizer's rate, <c>gamma</c>, <c>etaMin</c>) are taken as the shortest decimal that
/// round-trips to them, read as a double: <c>0.1f</c> acts as Python's <c>0.1</c> rather than as
/// 0.100000001490116…, so <c>StepLR(gamma: 0.1f)</c> from 1 reaches exactly <c>0.01f</c> after two decays, as
/// <c>float32</c> of PyTorch's rate does.
/// </para>
/// <para>
/// A schedule of your own overrides <see cref="ComputeLearningRate"/> (PyTorch's <c>get_lr()</c>) and ends its
/// constructor with <see cref="Step()"/>, as PyTorch's <c>LRScheduler.__init__</c> ends with its initial
/// <c>step()</c>; until then <see cref="LastEpoch"/> is −1.
/// </para>
/// </remarks>
public abstract class LearningRateScheduler
{
    private readonly Optimizer _optimizer;

    // The current rate as PyTorch holds it, and the float set on the optimizer from it.
    private double _rate;
    private float _learningRate;

    /// <summary>Starts a schedule of <paramref name="optimizer"/>'s learning rate at <see cref="LastEpoch"/> −1.</summary>
    /// <param name="optimizer">The optimizer whose <see cref="Optimizer.LearningRate"/> is scheduled; its current rate is the base rate.</param>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is null.</exception>
    protected LearningRateScheduler(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        _optimizer = optimizer;
        _learningRate = optimizer.LearningRate;
        _rate = Widen(_learningRate);
        BaseLearningRate = _rate;
        LastEpoch = -1;
    }

    /// <summary>
    /// The rate set on the optimizer by the last <see cref="Step()"/> (the constructor's included); PyTorch's
    /// <c>get_last_lr()</c>. A rate set on the optimizer since then is not reflected here.
    /// </summary>
    public float LearningRate => _learningRate;

    /// <summary>The number of <see cref="Step()"/> calls after the constructor's: 0 right after construction.</summary>
    public int LastEpoch { get; private set; }

    /// <summary>The optimizer's rate when the schedule was made, in double (PyTorch's <c>base_lrs</c>).</summary>
    protected double BaseLearningRate { get; }

    /// <summary>
    /// Advances <see cref="LastEpoch"/> by one and sets the optimizer's <see cref="Optimizer.LearningRate"/> to the
    /// rate of that epoch. Call it once per epoch, after the optimizer's <see cref="Optimizer.Step()"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The schedule computed a negative or NaN rate (which the optimizer does not accept); nothing is changed.
    /// </exception>
    public void Step()
    {
        float current = _optimizer.LearningRate;

        // The float this schedule set means the rate is still its own: go on from the double behind it.
        double currentRate = current == _learningRate ? _rate : Widen(current);
        int epoch = checked(LastEpoch + 1);
        double rate = ComputeLearningRate(epoch, currentRate);

        // "!(rate >= 0)" also rejects NaN.
        if (!(rate >= 0))
        {
            throw new InvalidOperationException(
                $"{GetType().Name} computed the learning rate {rate} for epoch {epoch}; the optimizer needs a value >= 0.");
        }

        float learningRate = (float)rate;
        _optimizer.LearningRate = learningRate;
        _rate = rate;
        _learningRate = learningRate;
        LastEpoch = epoch;
    }

    /// <summary>
    /// The rate for epoch <paramref name="epoch"/> (PyTorch's <c>get_lr()</c> with <c>last_epoch</c> =
    /// <paramref name="epoch"/>), from the rate the optimizer has now.
    /// </summary>
    /// <param name="epoch">The epoch the rate is for: <see cref="LastEpoch"/> + 1, so 0 on the constructor's step.</param>
    /// <param name="currentRate">The optimizer's current rate (PyTorch's <c>group["lr"]</c>), in double.</param>
    /// <returns>The new rate; must be non-negative.</returns>
    protected abstract double ComputeLearningRate(int epoch, double currentRate);

    /// <summary>
    /// <paramref name="value"/> as the double nearest to its shortest round-trip decimal (so <c>0.1f</c> gives
    /// <c>0.1</c>), or exactly widened when that would not round back to <paramref name="value"/>.
    /// </summary>
    private protected static double Widen(float value)
    {
        if (!float.IsFinite(value))
        {
            return value;
        }

        double shortest = double.Parse(value.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);

        // Parsing to double and then rounding to float rounds twice; keep the exact value if that ever moved it.
        return (float)shortest == value ? shortest : value;
    }

    private protected static void ValidateGamma(float gamma)
    {
        // PyTorch does not check gamma; a negative one would give negative rates, which the optimizer refuses.
        if (!(gamma >= 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, $"Invalid gamma: {gamma}; expected a value >= 0.");
        }
    }
}
