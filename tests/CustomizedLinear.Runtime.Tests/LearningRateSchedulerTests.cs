using System;
using System.Linq;
using Xunit;

namespace CustomizedLinear.Runtime.Tests;

/// <summary>
/// The schedules against references written here in double precision, as PyTorch computes them (Python floats):
/// the closed forms where they hold, and PyTorch's recursive CosineAnnealingLR rule past T_max. The references use
/// the double literals a PyTorch user would write (0.1, not (double)0.1f); the schedules read 0.1f as 0.1.
/// </summary>
public class LearningRateSchedulerTests
{
    private const int Steps = 25;

    // The optimizer's rate is a float: the schedule's double rounded once, so within half a float ulp
    // (relative 2⁻²⁴) of the double reference; 2⁻²³ leaves room for the reference's own double rounding
    // (Math.Pow / Math.Cos against repeated products, a few double ulps). The absolute term only matters
    // for rates that reach 0.
    private const double FloatRel = 1.0 / (1 << 23);
    private const double FloatAbs = 1e-15;

    [Theory]
    [InlineData(0.1, 3, 0.5)]
    [InlineData(0.1, 1, 0.9)]
    [InlineData(1.0, 7, 0.1)]
    [InlineData(0.003, 10, 0.0)]
    public void StepLR_MatchesClosedForm(double lr, int stepSize, double gamma)
    {
        Sgd optimizer = MakeOptimizer((float)lr);
        var schedule = new StepLR(optimizer, stepSize: stepSize, gamma: (float)gamma);
        AssertFollows(schedule, optimizer, e => lr * Math.Pow(gamma, e / stepSize), Steps);
    }

    [Theory]
    [InlineData(0.1, new[] { 30, 80 }, 0.1)]
    [InlineData(0.1, new[] { 3, 8, 15 }, 0.1)]
    [InlineData(0.5, new[] { 15, 3, 8 }, 0.5)]     // any order
    [InlineData(0.5, new[] { 3, 8, 8, 15 }, 0.5)]  // a repeated milestone decays twice
    [InlineData(1.0, new[] { 0, 5 }, 0.25)]        // a milestone at 0 applies on construction
    [InlineData(1.0, new int[0], 0.25)]
    public void MultiStepLR_MatchesClosedForm(double lr, int[] milestones, double gamma)
    {
        Sgd optimizer = MakeOptimizer((float)lr);
        var schedule = new MultiStepLR(optimizer, milestones: milestones, gamma: (float)gamma);
        AssertFollows(schedule, optimizer, e => lr * Math.Pow(gamma, milestones.Count(m => m <= e)), Steps);
    }

    [Theory]
    [InlineData(0.1, 0.95)]
    [InlineData(0.1, 0.5)]
    [InlineData(2.0, 1.0)]
    [InlineData(0.01, 1.1)]
    [InlineData(0.1, 0.0)]
    public void ExponentialLR_MatchesClosedForm(double lr, double gamma)
    {
        Sgd optimizer = MakeOptimizer((float)lr);
        var schedule = new ExponentialLR(optimizer, gamma: (float)gamma);
        AssertFollows(schedule, optimizer, e => lr * Math.Pow(gamma, e), Steps);
    }

    [Fact]
    public void ExponentialLR_KeepsTheRateInDouble_NoFloatDrift()
    {
        // 400 products in float would drift by up to ~400 float roundings; the schedule stays within one.
        Sgd optimizer = MakeOptimizer(0.1f);
        var schedule = new ExponentialLR(optimizer, gamma: 0.99f);
        AssertFollows(schedule, optimizer, e => 0.1 * Math.Pow(0.99, e), 400);
    }

    [Fact]
    public void FloatArguments_ActAsTheDecimalsWritten()
    {
        // PyTorch: 1.0 * 0.1 * 0.1 = 0.010000000000000002, float32 0.01. Widening 0.1f exactly would give
        // 0.0100000002980…, which rounds to the float above 0.01f.
        Sgd optimizer = MakeOptimizer(1f);
        var schedule = new StepLR(optimizer, stepSize: 1, gamma: 0.1f);
        schedule.Step();
        schedule.Step();
        Assert.Equal((float)(1.0 * 0.1 * 0.1), schedule.LearningRate);
        Assert.Equal(0.01f, schedule.LearningRate);
        Assert.NotEqual(0.01f, (float)((double)0.1f * (double)0.1f));
    }

    [Theory]
    [InlineData(0.1, 25, 0.0)]
    [InlineData(0.1, 25, 0.001)]
    [InlineData(0.05, 100, 0.0)]
    [InlineData(1.0, 7, 0.2)]
    [InlineData(0.1, 1, 0.0)]
    public void CosineAnnealingLR_MatchesClosedForm_WithinTMax(double lr, int tMax, double etaMin)
    {
        Sgd optimizer = MakeOptimizer((float)lr);
        var schedule = new CosineAnnealingLR(optimizer, tMax: tMax, etaMin: (float)etaMin);
        AssertFollows(schedule, optimizer, e => etaMin + (lr - etaMin) * (1 + Math.Cos(Math.PI * e / tMax)) / 2, Math.Min(tMax, Steps));
    }

    [Theory]
    [InlineData(0.1, 10, 0.0)]
    [InlineData(0.1, 10, 0.01)]
    [InlineData(1.0, 7, 0.2)]
    [InlineData(0.1, 1, 0.0)]
    [InlineData(0.1, 3, 0.5)] // etaMin above the base: the rate rises first
    public void CosineAnnealingLR_PastTMax_FollowsTorchsRecursiveRule(double lr, int tMax, double etaMin)
    {
        Sgd optimizer = MakeOptimizer((float)lr);
        var schedule = new CosineAnnealingLR(optimizer, tMax: tMax, etaMin: (float)etaMin);
        double[] reference = TorchCosineRecursive(lr, tMax, etaMin, 6 * tMax);
        AssertFollows(schedule, optimizer, e => reference[e], 6 * tMax);
    }

    [Fact]
    public void CosineAnnealingLR_PastTMax_RisesBackToTheBaseRate()
    {
        // The recursive rule is the cosine continued: back at the base at 2·T_max, at eta_min again at 3·T_max.
        Sgd optimizer = MakeOptimizer(0.1f);
        var schedule = new CosineAnnealingLR(optimizer, tMax: 10, etaMin: 0f);
        var rates = new float[41];
        rates[0] = schedule.LearningRate;
        for (int e = 1; e <= 40; e++)
        {
            schedule.Step();
            rates[e] = schedule.LearningRate;
        }

        Check.Close(0.0, rates[10], "epoch 10", abs: 1e-9, rel: 0);
        Check.Close(0.1, rates[20], "epoch 20", abs: 0, rel: FloatRel);
        Check.Close(0.0, rates[30], "epoch 30", abs: 1e-9, rel: 0);
        Check.Close(0.1, rates[40], "epoch 40", abs: 0, rel: FloatRel);
        Assert.True(rates[11] > rates[10] && rates[15] > rates[11] && rates[19] < rates[20], "rises between 10 and 20");
        for (int e = 0; e <= 20; e++)
        {
            Check.Close(rates[e], rates[e + 20], $"epoch {e + 20} against epoch {e}", abs: 1e-9, rel: 2 * FloatRel);
        }
    }

    [Fact]
    public void CosineAnnealingLR_LargestTMax_Works()
    {
        // 2·T_max does not fit an int. Only a sanity check: at this T_max the two branches of the rule differ
        // by O(1/T_max²), far below float resolution, so a wrong branch would not show here.
        Sgd optimizer = MakeOptimizer(0.1f);
        var schedule = new CosineAnnealingLR(optimizer, tMax: int.MaxValue, etaMin: 0f);
        double[] reference = TorchCosineRecursive(0.1, int.MaxValue, 0.0, 5);
        AssertFollows(schedule, optimizer, e => reference[e], 5);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void LambdaLR_MatchesBaseTimesLambda(int which)
    {
        Func<int, double> lambda = which switch
        {
            0 => e => Math.Pow(0.95, e),
            1 => e => 1.0 / (e + 1),
            _ => e => Math.Min(1.0, (e + 1) / 5.0), // linear warm-up
        };
        Sgd optimizer = MakeOptimizer(0.1f);
        var schedule = new LambdaLR(optimizer, lrLambda: lambda);
        AssertFollows(schedule, optimizer, e => 0.1 * lambda(e), Steps);
    }

    [Fact]
    public void LambdaLR_FloatLambda_AsInTheDocs()
    {
        Sgd optimizer = MakeOptimizer(0.1f);
        var schedule = new LambdaLR(optimizer, epoch => MathF.Pow(0.95f, epoch));
        AssertFollows(schedule, optimizer, e => 0.1 * MathF.Pow(0.95f, e), Steps);
    }

    [Fact]
    public void Constructor_PerformsTheInitialStep()
    {
        Sgd optimizer = MakeOptimizer(0.2f);
        var lambda = new LambdaLR(optimizer, e => e == 0 ? 0.5 : 1.0);
        Assert.Equal(0, lambda.LastEpoch);
        Assert.Equal(0.1f, lambda.LearningRate);
        Assert.Equal(0.1f, optimizer.LearningRate);

        optimizer = MakeOptimizer(0.2f);
        var step = new StepLR(optimizer, stepSize: 1, gamma: 0.5f);
        Assert.Equal(0, step.LastEpoch);
        Assert.Equal(0.2f, step.LearningRate);
        Assert.Equal(0.2f, optimizer.LearningRate);
    }

    [Fact]
    public void LastEpoch_CountsSteps()
    {
        Sgd optimizer = MakeOptimizer(0.1f);
        LearningRateScheduler[] schedules =
        [
            new StepLR(optimizer, stepSize: 2),
            new MultiStepLR(optimizer, milestones: [1]),
            new ExponentialLR(optimizer, gamma: 0.9f),
            new CosineAnnealingLR(optimizer, tMax: 3),
            new LambdaLR(optimizer, e => 1.0),
        ];
        foreach (LearningRateScheduler schedule in schedules)
        {
            Assert.Equal(0, schedule.LastEpoch);
            for (int k = 1; k <= 7; k++)
            {
                schedule.Step();
                Assert.Equal(k, schedule.LastEpoch);
            }
        }
    }

    [Fact]
    public void StepLR_UserSetRate_CarriesOn()
    {
        Sgd optimizer = MakeOptimizer(1f);
        var schedule = new StepLR(optimizer, stepSize: 2, gamma: 0.5f);
        schedule.Step();                        // epoch 1: 1
        schedule.Step();                        // epoch 2: 0.5
        Assert.Equal(0.5f, optimizer.LearningRate);

        optimizer.LearningRate = 0.3f;
        schedule.Step();                        // epoch 3: kept, the user's rate
        Assert.Equal(0.3f, schedule.LearningRate);
        Assert.Equal(0.3f, optimizer.LearningRate);
        schedule.Step();                        // epoch 4: the user's rate halved
        Assert.Equal((float)(0.3 * 0.5), schedule.LearningRate);
        Assert.Equal(schedule.LearningRate, optimizer.LearningRate);
        schedule.Step();
        schedule.Step();                        // epoch 6: halved again
        Assert.Equal((float)(0.3 * 0.5 * 0.5), optimizer.LearningRate);
    }

    [Fact]
    public void UserSetRate_CarriesOn_InEveryChainableSchedule()
    {
        // Exponential: the user's rate times gamma.
        Sgd optimizer = MakeOptimizer(0.1f);
        var exponential = new ExponentialLR(optimizer, gamma: 0.5f);
        exponential.Step();
        optimizer.LearningRate = 0.8f;
        exponential.Step();
        Assert.Equal(0.4f, optimizer.LearningRate);
        Assert.Equal(0.4f, exponential.LearningRate);

        // MultiStep: the user's rate decays at the next milestone.
        optimizer = MakeOptimizer(0.1f);
        var multiStep = new MultiStepLR(optimizer, milestones: [2], gamma: 0.1f);
        multiStep.Step();
        optimizer.LearningRate = 3f;
        multiStep.Step();
        Assert.Equal((float)(3.0 * 0.1), optimizer.LearningRate);

        // Cosine: the ratio applies to the user's distance from eta_min.
        optimizer = MakeOptimizer(0.1f);
        var cosine = new CosineAnnealingLR(optimizer, tMax: 10, etaMin: 0.01f);
        for (int e = 1; e <= 4; e++)
        {
            cosine.Step();
        }

        optimizer.LearningRate = 0.5f;
        cosine.Step();
        double expected = (1 + Math.Cos(Math.PI * 5 / 10)) / (1 + Math.Cos(Math.PI * 4 / 10)) * (0.5 - 0.01) + 0.01;
        Check.Close(expected, optimizer.LearningRate, "cosine after a user-set rate", abs: 0, rel: FloatRel);
    }

    [Fact]
    public void LambdaLR_IgnoresUserSetRate_AsTorch()
    {
        Sgd optimizer = MakeOptimizer(0.1f);
        var schedule = new LambdaLR(optimizer, e => 1.0 / (e + 1));
        schedule.Step();
        optimizer.LearningRate = 7f;
        schedule.Step();
        Assert.Equal((float)(0.1 / 3), optimizer.LearningRate);
    }

    [Fact]
    public void TwoChainableSchedules_OnOneOptimizer_Multiply()
    {
        // As PyTorch's chainable form (and ChainedScheduler): each step starts from the rate the other left.
        // Each hand-off goes through the optimizer's float, so allow one float rounding per step.
        Sgd optimizer = MakeOptimizer(0.1f);
        var exponential = new ExponentialLR(optimizer, gamma: 0.9f);
        var step = new StepLR(optimizer, stepSize: 3, gamma: 0.5f);
        for (int e = 1; e <= Steps; e++)
        {
            exponential.Step();
            step.Step();
            double expected = 0.1 * Math.Pow(0.9, e) * Math.Pow(0.5, e / 3);
            Check.Close(expected, optimizer.LearningRate, $"epoch {e}", abs: 0, rel: 2 * e * FloatRel);
            Assert.Equal(step.LearningRate, optimizer.LearningRate);
        }
    }

    [Fact]
    public void Constructors_ValidateArguments()
    {
        Sgd optimizer = MakeOptimizer(0.1f);
        Assert.Equal("optimizer", Assert.Throws<ArgumentNullException>(() => new StepLR(null!, stepSize: 1)).ParamName);
        Assert.Equal("optimizer", Assert.Throws<ArgumentNullException>(() => new MultiStepLR(null!, milestones: [1])).ParamName);
        Assert.Equal("optimizer", Assert.Throws<ArgumentNullException>(() => new ExponentialLR(null!, gamma: 0.9f)).ParamName);
        Assert.Equal("optimizer", Assert.Throws<ArgumentNullException>(() => new CosineAnnealingLR(null!, tMax: 1)).ParamName);
        Assert.Equal("optimizer", Assert.Throws<ArgumentNullException>(() => new LambdaLR(null!, e => 1.0)).ParamName);
        Assert.Equal("lrLambda", Assert.Throws<ArgumentNullException>(() => new LambdaLR(optimizer, null!)).ParamName);
        Assert.Equal("milestones", Assert.Throws<ArgumentNullException>(() => new MultiStepLR(optimizer, milestones: null!)).ParamName);

        Assert.Equal("stepSize", Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(optimizer, stepSize: 0)).ParamName);
        Assert.Equal("stepSize", Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(optimizer, stepSize: -3)).ParamName);
        Assert.Equal("tMax", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLR(optimizer, tMax: 0)).ParamName);
        Assert.Equal("tMax", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLR(optimizer, tMax: -1)).ParamName);
        foreach (float gamma in new[] { float.NaN, -0.1f, float.NegativeInfinity })
        {
            Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(optimizer, stepSize: 1, gamma: gamma)).ParamName);
            Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => new MultiStepLR(optimizer, milestones: [1], gamma: gamma)).ParamName);
            Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialLR(optimizer, gamma: gamma)).ParamName);
        }

        foreach (float etaMin in new[] { float.NaN, -0.01f, float.PositiveInfinity })
        {
            Assert.Equal("etaMin", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLR(optimizer, tMax: 5, etaMin: etaMin)).ParamName);
        }

        // None of the failed constructions touched the optimizer.
        Assert.Equal(0.1f, optimizer.LearningRate);
    }

    [Fact]
    public void LambdaLR_InvalidFactor_ThrowsAndChangesNothing()
    {
        Sgd optimizer = MakeOptimizer(0.1f);
        Assert.Throws<InvalidOperationException>(() => new LambdaLR(optimizer, e => -1.0));
        Assert.Equal(0.1f, optimizer.LearningRate);

        var schedule = new LambdaLR(optimizer, e => e < 2 ? 1.0 : double.NaN);
        schedule.Step();
        Assert.Throws<InvalidOperationException>(schedule.Step);
        Assert.Equal(1, schedule.LastEpoch);
        Assert.Equal(0.1f, schedule.LearningRate);
        Assert.Equal(0.1f, optimizer.LearningRate);
    }

    [Fact]
    public void Subclass_GetsTheBaseRateAndStartsAtEpochMinusOne()
    {
        Sgd optimizer = MakeOptimizer(0.4f);
        var schedule = new HalvingAfterWarmup(optimizer);
        Assert.Equal(-1, schedule.EpochBeforeInitialStep);
        Assert.Equal(0, schedule.LastEpoch);
        Assert.Equal(0.1f, optimizer.LearningRate);  // epoch 0: a quarter of the base
        schedule.Step();
        Assert.Equal(0.4f, optimizer.LearningRate);  // epoch 1: the base
        schedule.Step();
        Assert.Equal(0.2f, optimizer.LearningRate);  // epoch 2: halved
    }

    private static Sgd MakeOptimizer(float lr) => new([new FakeLayer(2, 2, hasBias: true)], lr);

    /// <summary>
    /// Asserts the schedule's rate and the optimizer's after construction and each of <paramref name="steps"/>
    /// steps: equal to each other, within float rounding of <paramref name="reference"/>(epoch).
    /// </summary>
    private static void AssertFollows(LearningRateScheduler schedule, Optimizer optimizer, Func<int, double> reference, int steps)
    {
        for (int e = 0; e <= steps; e++)
        {
            if (e > 0)
            {
                schedule.Step();
            }

            Assert.Equal(e, schedule.LastEpoch);
            Assert.Equal(schedule.LearningRate, optimizer.LearningRate);
            Check.Close(reference(e), schedule.LearningRate, $"epoch {e}", FloatAbs, FloatRel);
        }
    }

    /// <summary>
    /// torch.optim.lr_scheduler.CosineAnnealingLR.get_lr, step by step, for a schedule made at last_epoch -1
    /// and never changed from outside: rates[e] after the e-th step() (rates[0] after construction).
    /// </summary>
    private static double[] TorchCosineRecursive(double baseLr, long tMax, double etaMin, int epochs)
    {
        var rates = new double[epochs + 1];
        double lr = baseLr;
        rates[0] = lr;
        for (long e = 1; e <= epochs; e++)
        {
            // Python's (e - 1 - T_max) % (2 * T_max): the remainder taken non-negative.
            long m = 2 * tMax;
            long mod = (((e - 1 - tMax) % m) + m) % m;
            if (mod == 0)
            {
                lr = lr + (baseLr - etaMin) * (1 - Math.Cos(Math.PI / tMax)) / 2;
            }
            else
            {
                lr = (1 + Math.Cos(Math.PI * e / tMax)) / (1 + Math.Cos(Math.PI * (e - 1) / tMax)) * (lr - etaMin) + etaMin;
            }

            rates[e] = lr;
        }

        return rates;
    }

    /// <summary>A schedule of a user's own: a quarter of the base at epoch 0, the base at 1, then halving.</summary>
    private sealed class HalvingAfterWarmup : LearningRateScheduler
    {
        public HalvingAfterWarmup(Optimizer optimizer)
            : base(optimizer)
        {
            EpochBeforeInitialStep = LastEpoch;
            Step();
        }

        public int EpochBeforeInitialStep { get; }

        protected override double ComputeLearningRate(int epoch, double currentRate) => epoch switch
        {
            0 => BaseLearningRate / 4,
            1 => BaseLearningRate,
            _ => currentRate / 2,
        };
    }
}
