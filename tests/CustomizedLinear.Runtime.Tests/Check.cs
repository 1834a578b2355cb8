using System;
using Xunit;

namespace CustomizedLinear.Runtime.Tests;

/// <summary>Tolerance assertions against double-precision references.</summary>
internal static class Check
{
    /// <summary>|actual − expected| ≤ abs + rel · |expected|; NaN matches nothing.</summary>
    public static void Close(double expected, double actual, string what, double abs = 1e-5, double rel = 1e-4)
    {
        double error = Math.Abs(actual - expected);
        if (!(error <= abs + rel * Math.Abs(expected)))
        {
            Assert.Fail($"{what}: expected {expected:R}, got {actual:R} (|error| = {error:E3}, allowed {abs:E1} + {rel:E1}·|expected|).");
        }
    }

    public static void AllClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, string what, double abs = 1e-5, double rel = 1e-4)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Close(expected[i], actual[i], $"{what}[{i}]", abs, rel);
        }
    }

    public static float[] RandomFloats(Random random, int length, double min, double max)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)(min + (max - min) * random.NextDouble());
        }

        return values;
    }

    public static double[] ToDouble(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = values[i];
        }

        return result;
    }
}
