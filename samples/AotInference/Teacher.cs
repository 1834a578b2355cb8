using System;

namespace AotInference;

/// <summary>
/// The synthetic task: a known function of 16 inputs in [-1, 1] that has the network's structure (each output
/// depends mostly on one pathway of 4 inputs; output 3 also on pathway 0), piecewise linear, so a ReLU network
/// can learn it closely.
/// </summary>
public static class Teacher
{
    public static void Evaluate(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int n = 0; n < y.Length / Network.OutputSize; n++)
        {
            ReadOnlySpan<float> s = x.Slice(n * Network.InputSize, Network.InputSize);
            Span<float> t = y.Slice(n * Network.OutputSize, Network.OutputSize);
            t[0] = MathF.Abs(s[0] + s[1]) - MathF.Abs(s[2] - s[3]);
            t[1] = MathF.Max(s[4], s[5]) + (0.5f * Relu(s[6] - s[7]));
            t[2] = Relu(s[8] + s[9]) - Relu(s[10] + s[11]);
            t[3] = (0.5f * (MathF.Abs(s[12]) + MathF.Abs(s[13]) - Relu(s[14] + s[15]))) + (0.25f * s[0]);
        }
    }

    /// <summary>Fills <paramref name="x"/> with uniform values in [-1, 1) from <paramref name="random"/>.</summary>
    public static void Sample(Random random, Span<float> x)
    {
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (2f * random.NextSingle()) - 1f;
        }
    }

    private static float Relu(float v) => v > 0f ? v : 0f;
}
