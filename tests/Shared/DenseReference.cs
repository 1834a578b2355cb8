using System;
using Xunit;
using Xunit.Sdk;

namespace CustomizedLinear.Testing;

/// <summary>
/// The independent reference: a plain dense masked layer in double precision, written from the
/// definition (<c>y = x · (W ∘ Mᵀ)ᵀ + b</c>) with loops over every input and output.
/// </summary>
internal static class DenseReference
{
    /// <summary>The dense <c>[out, in]</c> weight a packed vector stands for (canonical order: output by output, inputs ascending).</summary>
    public static double[] DenseFromPacked(bool[,] mask, ReadOnlySpan<float> packed)
    {
        int inputs = mask.GetLength(0);
        int outputs = mask.GetLength(1);
        var dense = new double[outputs * inputs];
        int k = 0;
        for (int o = 0; o < outputs; o++)
        {
            for (int i = 0; i < inputs; i++)
            {
                if (mask[i, o])
                {
                    dense[o * inputs + i] = packed[k++];
                }
            }
        }

        Assert.Equal(packed.Length, k);
        return dense;
    }

    /// <summary>The values of a dense <c>[out, in]</c> matrix at the connected positions, in canonical order.</summary>
    public static double[] PackedFromDense(bool[,] mask, double[] dense)
    {
        int inputs = mask.GetLength(0);
        int outputs = mask.GetLength(1);
        var packed = new System.Collections.Generic.List<double>();
        for (int o = 0; o < outputs; o++)
        {
            for (int i = 0; i < inputs; i++)
            {
                if (mask[i, o])
                {
                    packed.Add(dense[o * inputs + i]);
                }
            }
        }

        return packed.ToArray();
    }

    public static double[] Forward(bool[,] mask, double[] weight, ReadOnlySpan<float> bias, ReadOnlySpan<float> x, int batch)
    {
        int inputs = mask.GetLength(0);
        int outputs = mask.GetLength(1);
        var y = new double[batch * outputs];
        for (int n = 0; n < batch; n++)
        {
            for (int o = 0; o < outputs; o++)
            {
                double sum = bias.IsEmpty ? 0 : bias[o];
                for (int i = 0; i < inputs; i++)
                {
                    if (mask[i, o])
                    {
                        sum += weight[o * inputs + i] * x[n * inputs + i];
                    }
                }

                y[n * outputs + o] = sum;
            }
        }

        return y;
    }

    /// <summary><c>dx = dy · (W ∘ Mᵀ)</c>, <c>dW = (dyᵀ · x) ∘ Mᵀ</c> (dense <c>[out, in]</c>), <c>db = Σ dy</c>.</summary>
    public static (double[] InputGrad, double[] WeightGrad, double[] BiasGrad) Backward(
        bool[,] mask, double[] weight, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, int batch)
    {
        int inputs = mask.GetLength(0);
        int outputs = mask.GetLength(1);
        var dx = new double[batch * inputs];
        var dw = new double[outputs * inputs];
        var db = new double[outputs];
        for (int n = 0; n < batch; n++)
        {
            for (int o = 0; o < outputs; o++)
            {
                double g = dy[n * outputs + o];
                db[o] += g;
                for (int i = 0; i < inputs; i++)
                {
                    if (mask[i, o])
                    {
                        dx[n * inputs + i] += g * weight[o * inputs + i];
                        dw[o * inputs + i] += g * x[n * inputs + i];
                    }
                }
            }
        }

        return (dx, dw, db);
    }

    /// <summary>Asserts |a − b| ≤ 1e-5 + 1e-4·|b| element by element, naming the first element that differs.</summary>
    public static void AssertClose(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected, string what, double absolute = 1e-5, double relative = 1e-4)
    {
        Assert.True(actual.Length == expected.Length, $"{what}: length {actual.Length}, expected {expected.Length}");
        for (int i = 0; i < actual.Length; i++)
        {
            double difference = Math.Abs(actual[i] - expected[i]);
            if (!(difference <= absolute + relative * Math.Abs(expected[i])))
            {
                throw new XunitException($"{what}[{i}] = {actual[i]:R}, expected {expected[i]:R} (difference {difference:E3})");
            }
        }
    }

    public static float[] RandomFloats(Random random, int count, double scale = 1.0)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        }

        return values;
    }
}
