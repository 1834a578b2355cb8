using System;
using System.Linq;
using MadeSample;
using Xunit;

namespace CustomizedLinear.Made.Tests;

/// <summary>
/// The sample's network against its two layers chained by hand, against a dense double loop over its masks, and
/// its sampler against the factorisation it claims (pixel d from logit d given pixels before d).
/// </summary>
public sealed class NetworkTests
{
    private static readonly Digits Data = Digits.Load();

    private static float[] Batch(int count) => Data.Test.AsSpan(0, count * Digits.Pixels).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100)]
    public void Forward_IsLayer0_ThenReLU_ThenLayer2_AndMatchesADenseDoubleReference(int batch)
    {
        var made = new MadeSample.Made(seed: 5);
        float[] x = Batch(batch);
        float[] logits = new float[batch * Digits.Pixels];
        made.Forward(x, logits);

        float[] hidden = new float[batch * Made0.OutputSize];
        made.Layer0.Forward(x, hidden);
        Activation.Relu(hidden, hidden);
        float[] chained = new float[batch * Made2.OutputSize];
        made.Layer2.Forward(hidden, chained);
        for (int i = 0; i < logits.Length; i++)
        {
            Assert.True(Math.Abs(chained[i] - logits[i]) <= 1e-5f + 1e-5f * Math.Abs(chained[i]), $"logit {i}: {logits[i]} vs chained {chained[i]}");
        }

        // Dense, double, from the dense [out, in] weights (zero where the mask is 0).
        float[] w0 = new float[Made0.OutputSize * Made0.InputSize], w2 = new float[Made2.OutputSize * Made2.InputSize];
        made.Layer0.CopyDenseWeight(w0);
        made.Layer2.CopyDenseWeight(w2);
        float[] b0 = made.Layer0.Bias.ToArray(), b2 = made.Layer2.Bias.ToArray();
        for (int n = 0; n < batch; n++)
        {
            var h = new double[Made0.OutputSize];
            for (int k = 0; k < h.Length; k++)
            {
                double sum = b0[k];
                for (int i = 0; i < Digits.Pixels; i++)
                {
                    sum += (double)w0[k * Digits.Pixels + i] * x[n * Digits.Pixels + i];
                }

                h[k] = Math.Max(sum, 0);
            }

            for (int d = 0; d < Digits.Pixels; d++)
            {
                double sum = b2[d];
                for (int k = 0; k < h.Length; k++)
                {
                    sum += w2[d * h.Length + k] * h[k];
                }

                Assert.True(Math.Abs(sum - logits[n * Digits.Pixels + d]) <= 1e-4 + 1e-5 * Math.Abs(sum), $"sample {n}, logit {d}: {logits[n * Digits.Pixels + d]} vs {sum}");
            }
        }
    }

    [Fact]
    public void ChangingPixelK_NeverChangesLogitsUpToK_AndDoesChangeLaterOnes()
    {
        var made = new MadeSample.Made(seed: 2);
        float[] image = Batch(1);
        // Row k is the image with pixel k flipped; row 784 the image itself.
        float[] rows = new float[(Digits.Pixels + 1) * Digits.Pixels];
        for (int k = 0; k <= Digits.Pixels; k++)
        {
            image.CopyTo(rows, k * Digits.Pixels);
            if (k < Digits.Pixels)
            {
                rows[k * Digits.Pixels + k] = 1f - rows[k * Digits.Pixels + k];
            }
        }

        float[] logits = new float[rows.Length];
        made.Forward(rows, logits);
        ReadOnlySpan<float> original = logits.AsSpan(Digits.Pixels * Digits.Pixels, Digits.Pixels);
        int influential = 0;
        for (int k = 0; k < Digits.Pixels; k++)
        {
            ReadOnlySpan<float> flipped = logits.AsSpan(k * Digits.Pixels, Digits.Pixels);
            for (int d = 0; d <= k; d++)
            {
                Assert.True(flipped[d] == original[d], $"flipping pixel {k} changed logit {d}");
            }

            influential += flipped[(k + 1)..].SequenceEqual(original[(k + 1)..]) ? 0 : 1;
        }

        // Not vacuous: almost every pixel moves some later logit (the last one has none after it).
        Assert.True(influential >= 700, $"only {influential} of 784 pixels change any later logit");
    }

    [Fact]
    public void Sampling_DrawsPixelDFromLogitDOfTheFinishedImage()
    {
        // Logit d of the finished image sees only pixels before d, which were final when pixel d was drawn: so one
        // forward pass over the drawn images, with the same uniforms, must decide every pixel as the sampler did.
        var made = new MadeSample.Made(seed: 3);
        const int count = 20, seed = 11;
        float[] images = Sampling.Draw(made, count, seed);
        float[] logits = new float[images.Length];
        made.Forward(images, logits);
        var random = new Random(seed);
        for (int d = 0; d < Digits.Pixels; d++)
        {
            for (int n = 0; n < count; n++)
            {
                int at = n * Digits.Pixels + d;
                double p = 1.0 / (1.0 + Math.Exp(-logits[at]));
                Assert.Equal(random.NextDouble() < p ? 1f : 0f, images[at]);
            }
        }

        Assert.InRange(images.Count(p => p == 1f), 1, images.Length - 1);
        Assert.Equal(images, Sampling.Draw(made, count, seed));
    }

    [Fact]
    public void AShortTrainingRun_LowersTheTestNll()
    {
        // 270 steps (three epochs' worth) from the untrained network's ~550 nats: karpathy's recipe reaches ~170.
        var training = new Training(Data, seed: 1);
        double before = training.Evaluate(Data.Test, Data.TestCount);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            training.TrainEpoch();
        }

        double after = training.Evaluate(Data.Test, Data.TestCount);
        Assert.InRange(before, 400, 800);
        Assert.True(after < 200 && before - after > 250, $"test NLL {before:0.0} → {after:0.0} after 270 steps");

        // The NLL is the per-image sum of BCE: the network's own loss, checked against a double loop on one image.
        float[] image = Data.Test.AsSpan(0, Digits.Pixels).ToArray();
        float[] logits = new float[Digits.Pixels];
        training.Network.Forward(image, logits);
        double expected = 0;
        for (int d = 0; d < Digits.Pixels; d++)
        {
            double q = 1.0 / (1.0 + Math.Exp(-(double)logits[d]));
            expected -= image[d] == 1f ? Math.Log(q) : Math.Log(1 - q);
        }

        Assert.Equal(expected, Training.Nll(logits, image, new float[Digits.Pixels], 1), 3);
    }

    [Fact]
    public void TrainingOnTwoThreads_RepeatsBitForBit_AndFollowsOneThread()
    {
        // One epoch each: two threads twice give the same weights, and one thread the same NLL within rounding
        // (the weight gradients are summed per tile, then added in tile order).
        double Epoch(int threads, out float[] weights)
        {
            var training = new Training(Data, seed: 2, threads);
            training.TrainEpoch();
            weights = training.Network.Layer2.Weights.ToArray();
            return training.Evaluate(Data.Test, Data.TestCount);
        }

        double two = Epoch(2, out float[] twoWeights);
        double again = Epoch(2, out float[] againWeights);
        double one = Epoch(1, out float[] oneWeights);
        Assert.Equal(two, again);
        Assert.Equal(twoWeights, againWeights);
        Assert.Equal(one, two, 1e-3 * one);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Training(Data, seed: 2, threads: 0));
    }

    [Fact]
    public void ATrainingEpoch_AllocatesNothing_OnceWarm()
    {
        // Two epochs take every method past the JIT's tier-up (90 steps each); the third must allocate nothing.
        var training = new Training(Data, seed: 4);
        training.TrainEpoch();
        training.TrainEpoch();
        long before = GC.GetAllocatedBytesForCurrentThread();
        training.TrainEpoch();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
