using System;

namespace MadeSample;

/// <summary>Ancestral sampling: pixel d drawn from the network's logit d given the pixels already drawn, d = 0 … 783.</summary>
public static class Sampling
{
    /// <summary>
    /// Draws <paramref name="count"/> images (<c>[count, 784]</c>, pixels 0 or 1): 784 forward passes at batch
    /// <paramref name="count"/>, each fixing one more pixel of every image.
    /// </summary>
    public static float[] Draw(Made network, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var random = new Random(seed);
        var images = new float[count * Digits.Pixels];
        var logits = new float[count * Digits.Pixels];
        for (int d = 0; d < Digits.Pixels; d++)
        {
            // Logit d depends only on pixels 0 … d − 1 (proved at build time), which are final by now.
            network.Forward(images, logits);
            for (int n = 0; n < count; n++)
            {
                int at = n * Digits.Pixels + d;
                double p = 1.0 / (1.0 + Math.Exp(-logits[at]));
                images[at] = random.NextDouble() < p ? 1f : 0f;
            }
        }

        return images;
    }
}
