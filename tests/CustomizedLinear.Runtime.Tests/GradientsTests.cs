using System;
using System.Collections.Generic;
using Xunit;

namespace CustomizedLinear.Runtime.Tests;

public class GradientsTests
{
    /// <summary>torch.nn.utils.clip_grad_norm_ (norm_type 2) in double.</summary>
    private static (double Total, List<double[]> Clipped) ReferenceClip(List<double[]> grads, double maxNorm)
    {
        double sum = 0;
        foreach (double[] g in grads)
        {
            foreach (double value in g)
            {
                sum += value * value;
            }
        }

        double total = Math.Sqrt(sum);
        double coefficient = Math.Min(maxNorm / (total + 1e-6), 1.0);
        var clipped = new List<double[]>();
        foreach (double[] g in grads)
        {
            clipped.Add(Array.ConvertAll(g, value => value * coefficient));
        }

        return (total, clipped);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.9)]
    public void ClipNorm_Clips_LikeTorch(double fractionOfNorm)
    {
        var harness = new OptimizerHarness(seed: 31);
        List<double[]> grads = harness.SetRandomGradients(scale: 2.0);
        double norm = ReferenceClip(grads, double.PositiveInfinity).Total;
        float maxNorm = (float)(fractionOfNorm * norm);
        (double total, List<double[]> expected) = ReferenceClip(grads, maxNorm);

        float returned = Gradients.ClipNorm(harness.Layers, maxNorm);

        Check.Close(total, returned, "returned norm", abs: 0, rel: 1e-6);
        List<double[]> actual = harness.Gradients();
        for (int p = 0; p < expected.Count; p++)
        {
            Check.AllClose(expected[p], Array.ConvertAll(actual[p], v => (float)v), $"gradient {p}");
        }

        Check.Close(maxNorm, ReferenceClip(actual, double.PositiveInfinity).Total, "norm after clipping", abs: 0, rel: 1e-5);
    }

    [Fact]
    public void ClipNorm_WithinLimit_LeavesGradientsAlone()
    {
        var harness = new OptimizerHarness(seed: 32);
        List<double[]> grads = harness.SetRandomGradients();
        double total = ReferenceClip(grads, double.PositiveInfinity).Total;
        float[][] before = SgdTests.CopyGradients(harness.Layers);

        float returned = Gradients.ClipNorm(harness.Layers, (float)(2 * total));

        Check.Close(total, returned, "returned norm", abs: 0, rel: 1e-6);
        Assert.Equal(before, SgdTests.CopyGradients(harness.Layers));
    }

    [Fact]
    public void ClipNorm_EdgeCases()
    {
        Assert.Equal(0f, Gradients.ClipNorm([], 1f));
        Assert.Equal(0f, Gradients.ClipNorm([new FakeLayer(2, 3, hasBias: true)], 1f));
        Assert.Equal("layers", Assert.Throws<ArgumentNullException>(() => Gradients.ClipNorm(null!, 1f)).ParamName);
        Assert.Equal("maxNorm", Assert.Throws<ArgumentOutOfRangeException>(() => Gradients.ClipNorm([], -1f)).ParamName);
    }
}
