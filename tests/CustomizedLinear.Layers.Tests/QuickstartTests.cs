using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using CustomizedLinear.Testing;
using Quickstart;
using Xunit;

namespace CustomizedLinear.Layers.Tests;

/// <summary>Runs the Quickstart sample and checks every number it prints against a double-precision recomputation.</summary>
public sealed class QuickstartTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2026)]
    public void PrintedLossWeightsAndGradientsMatchAnIndependentComputation(int seed)
    {
        var output = new StringWriter();
        Program.Run(seed, output);
        string text = output.ToString();
        string[] lines = text.Split('\n');

        // The mask, printed [in, out] as the original prints it.
        bool[,] mask = { { true, false, true }, { false, true, false }, { true, false, true }, { true, false, true } };
        Assert.Equal(
            new double[] { 1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 1 },
            Numbers(lines, Array.IndexOf(lines, "=== mask matrix ===") + 1));

        // Inputs of the computation: the sample's initial weights and its random batch.
        double[] weight = DenseReference.DenseFromPacked(mask, new SeedLayer(seed).Weights);
        (float[] x, float[] y) = Program.RandomBatch(seed);
        const int Batch = Program.Batch, Outputs = 3;

        for (int t = 0; t < Program.Steps; t++)
        {
            double[] prediction = DenseReference.Forward(mask, weight, ReadOnlySpan<float>.Empty, x, Batch);
            double loss = prediction.Select((p, k) => Math.Abs(p - y[k])).Average();
            // d mean|p − y| / dp = sign(p − y) / (batch × outputs)
            float[] lossGrad = prediction.Select((p, k) => (float)(Math.Sign(p - y[k]) / (double)(Batch * Outputs))).ToArray();
            double[] weightGrad = DenseReference.Backward(mask, weight, x, lossGrad, Batch).WeightGrad;
            for (int k = 0; k < weight.Length; k++)
            {
                weight[k] -= Program.LearningRate * weightGrad[k];
            }

            int header = Array.FindIndex(lines, l => l.StartsWith($"--- epoch={t}, loss=", StringComparison.Ordinal));
            Assert.True(header >= 0, $"no line for step {t} in:\n{text}");
            double printedLoss = double.Parse(Regex.Match(lines[header], "loss=([-0-9.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(printedLoss - loss) <= 2e-6, $"step {t}: loss {printedLoss}, expected {loss}");

            Assert.Equal("masked weight [out, in]:", lines[header + 1]);
            AssertPrinted(weight, Numbers(lines, header + 2), $"step {t} weight");
            int gradHeader = Array.IndexOf(lines, "masked grad of weight [out, in]:", header);
            AssertPrinted(weightGrad, Numbers(lines, gradHeader + 1), $"step {t} grad");

            // The gradient is exactly zero wherever the mask is 0 (printed [out, in]).
            string gradText = string.Join(" ", lines.Skip(gradHeader + 1).Take(3));
            string[] cells = Regex.Matches(gradText, "-?[0-9]+\\.[0-9]+").Select(m => m.Value).ToArray();
            for (int o = 0; o < Outputs; o++)
            {
                for (int i = 0; i < 4; i++)
                {
                    if (!mask[i, o])
                    {
                        Assert.Equal("0.0000", cells[o * 4 + i]);
                    }
                }
            }
        }
    }

    private static void AssertPrinted(double[] expected, double[] printed, string what)
    {
        Assert.Equal(expected.Length, printed.Length);
        for (int k = 0; k < expected.Length; k++)
        {
            // Printed with 4 decimals: half a unit in the last place plus float rounding.
            Assert.True(Math.Abs(printed[k] - expected[k]) <= 5e-5 + 2e-6, $"{what}[{k}] printed {printed[k]}, expected {expected[k]}");
        }
    }

    /// <summary>The numbers of the tensor printed from line <paramref name="start"/> to its closing <c>])</c>.</summary>
    private static double[] Numbers(string[] lines, int start)
    {
        var numbers = new List<double>();
        for (int l = start; l < lines.Length; l++)
        {
            string body = lines[l].Replace("tensor(", "", StringComparison.Ordinal);
            numbers.AddRange(Regex.Matches(body, "-?[0-9]+(\\.[0-9]+)?").Select(m => double.Parse(m.Value, CultureInfo.InvariantCulture)));
            if (lines[l].TrimEnd().EndsWith("])", StringComparison.Ordinal))
            {
                break;
            }
        }

        return numbers.ToArray();
    }
}
