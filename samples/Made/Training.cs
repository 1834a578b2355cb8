using System;
using CustomizedLinear;

namespace MadeSample;

/// <summary>
/// karpathy/pytorch-made's recipe on <see cref="Made"/>: Adam (lr 1e-3, weight decay 1e-4), <c>StepLR(45, 0.1)</c>
/// stepped per epoch, batches of 100 from a new shuffle every epoch (the images left over are dropped), and the loss
/// <c>BCEWithLogits</c> summed over the 784 pixels and averaged over the batch: the negative log-likelihood in nats
/// per image.
/// </summary>
public sealed class Training
{
    /// <summary>Images per step.</summary>
    public const int BatchSize = 100;

    private readonly Digits digits;
    private readonly Adam optimizer;
    private readonly StepLR schedule;
    private readonly Random shuffle;
    private readonly int[] order;
    private readonly float[] batch = new float[BatchSize * Digits.Pixels];
    private readonly float[] logits = new float[BatchSize * Digits.Pixels];
    private readonly float[] gradient = new float[BatchSize * Digits.Pixels];
    private readonly int threads;

    /// <summary>
    /// A new network (<c>new Made(seed)</c>) and optimizer; the shuffles follow <paramref name="seed"/> too. The network's
    /// passes and Adam's step run on up to <paramref name="threads"/> threads (the loss on the calling one); a given number of
    /// threads gives the same numbers on every run, and other numbers of threads the same within float rounding.
    /// </summary>
    public Training(Digits digits, int seed, int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        this.digits = digits;
        this.threads = threads;
        Network = new Made(seed);
        optimizer = new Adam(Network, lr: 1e-3f, weightDecay: 1e-4f);
        schedule = new StepLR(optimizer, stepSize: 45, gamma: 0.1f);
        shuffle = new Random(seed);
        order = new int[digits.TrainCount];
    }

    /// <summary>The network being trained.</summary>
    public Made Network { get; }

    /// <summary>Steps per epoch: whole batches only, as karpathy's <c>N // B</c>.</summary>
    public int StepsPerEpoch => digits.TrainCount / BatchSize;

    /// <summary>
    /// One pass over a new shuffle of the training set, batch by batch, then the schedule's step. Returns the mean
    /// over the batches of their loss before each update (karpathy's train NLL).
    /// </summary>
    public double TrainEpoch()
    {
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        shuffle.Shuffle(order);
        double total = 0;
        for (int step = 0; step < StepsPerEpoch; step++)
        {
            for (int n = 0; n < BatchSize; n++)
            {
                digits.Train.AsSpan(order[step * BatchSize + n] * Digits.Pixels, Digits.Pixels)
                    .CopyTo(batch.AsSpan(n * Digits.Pixels));
            }

            Network.ForwardTraining(batch, logits, threads);
            total += Nll(logits, batch, gradient, BatchSize);
            optimizer.ZeroGrad();
            Network.Backward(gradient, inputGrad: default, threads);
            optimizer.Step(threads);
        }

        schedule.Step();
        return total / StepsPerEpoch;
    }

    /// <summary>The mean NLL (nats per image) of <paramref name="count"/> images (<c>[count, 784]</c>), in batches of 100.</summary>
    public double Evaluate(float[] images, int count)
    {
        double sum = 0;
        for (int start = 0; start < count; start += BatchSize)
        {
            int n = Math.Min(BatchSize, count - start);
            ReadOnlySpan<float> x = images.AsSpan(start * Digits.Pixels, n * Digits.Pixels);
            Span<float> y = logits.AsSpan(0, n * Digits.Pixels);
            Network.Forward(x, y, threads);
            sum += Nll(y, x, gradient.AsSpan(0, n * Digits.Pixels), n) * n;
        }

        return sum / count;
    }

    /// <summary>
    /// The batch's NLL: <see cref="Loss.BceWithLogits"/> is the mean over every pixel of the batch, so 784 × it is
    /// the sum over an image's pixels averaged over the images, and its gradient scales by the same 784.
    /// </summary>
    public static double Nll(ReadOnlySpan<float> logits, ReadOnlySpan<float> pixels, Span<float> gradient, int images)
    {
        float mean = Loss.BceWithLogits(logits, pixels, gradient);
        System.Numerics.Tensors.TensorPrimitives.Multiply(gradient, Digits.Pixels, gradient);
        return (double)mean * Digits.Pixels;
    }
}
