using System;
using System.ComponentModel;

namespace CustomizedLinear.CompilerServices;

/// <summary>nn.Linear's default initialisation, shared by generated layers.</summary>
/// <remarks>Called by generated code; not part of the public contract.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ParameterInitializer
{
    /// <summary>A fresh seed for layers constructed without one.</summary>
    public static int NewSeed() => Random.Shared.Next();

    /// <summary>
    /// Fills <paramref name="weights"/> and then <paramref name="bias"/> with U(−1/√fanIn, +1/√fanIn),
    /// nn.Linear's bound with the full fan-in (unconnected weights do not count as missing inputs).
    /// </summary>
    public static void Uniform(Span<float> weights, Span<float> bias, int fanIn, int seed)
    {
        double bound = 1.0 / Math.Sqrt(fanIn);
        // Rounding to float may land just above the bound; clamp to the largest float within it.
        float limit = (float)bound;
        if (limit > bound)
        {
            limit = MathF.BitDecrement(limit);
        }

        // System.Random with a seed uses a fixed algorithm, so a seed means the same weights everywhere.
        var random = new Random(seed);
        Fill(weights, random, bound, limit);
        Fill(bias, random, bound, limit);
    }

    private static void Fill(Span<float> values, Random random, double bound, float limit)
    {
        for (int i = 0; i < values.Length; i++)
        {
            float value = (float)((2.0 * random.NextDouble() - 1.0) * bound);
            values[i] = Math.Clamp(value, -limit, limit);
        }
    }
}
