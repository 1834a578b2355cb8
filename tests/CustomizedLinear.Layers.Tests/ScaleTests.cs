using System;
using System.Linq;
using System.Text;
using CustomizedLinear.Testing;
using Xunit;

namespace CustomizedLinear.Layers.Tests;

/// <summary>A layer of a million connections generates bounded source, compiles, and computes the right thing.</summary>
public sealed class ScaleTests
{
    [Fact]
    public void AMillionConnectionLayerBuildsAndMatchesTheDenseReference()
    {
        const int Inputs = 1415, Outputs = 1415, Connections = 1_000_000;
        var random = new Random(6);
        var mask = new bool[Inputs, Outputs];
        for (int placed = 0; placed < Connections;)
        {
            int i = random.Next(Inputs), o = random.Next(Outputs);
            if (!mask[i, o])
            {
                mask[i, o] = true;
                placed++;
            }
        }

        var text = new StringBuilder(Inputs * (Outputs + 1));
        for (int i = 0; i < Inputs; i++)
        {
            for (int o = 0; o < Outputs; o++)
            {
                text.Append(mask[i, o] ? '1' : '0');
            }

            text.Append('\n');
        }

        GeneratorRun run = GeneratorHarness.RunSingle(text.ToString(), className: "Million");
        string source = Assert.Single(run.GeneratedSources).SourceText.ToString();
        Assert.InRange(Encoding.UTF8.GetByteCount(source), 0, 10 * 1024 * 1024);
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "CL0016");

        var layer = (IMaskedLinear)Activator.CreateInstance(run.EmitAndLoad().GetType("Demo.Million", throwOnError: true)!, 3)!;
        Assert.Equal(Connections, layer.ConnectionCount);
        const int Batch = 2;
        float[] x = DenseReference.RandomFloats(random, Batch * Inputs);
        var y = new float[Batch * Outputs];
        layer.Forward(x, y);
        double[] weight = DenseReference.DenseFromPacked(mask, layer.Weights);
        DenseReference.AssertClose(y, DenseReference.Forward(mask, weight, layer.Bias, x, Batch), "forward of the million-connection layer");

        float[] dy = DenseReference.RandomFloats(random, Batch * Outputs);
        var dx = new float[x.Length];
        layer.Backward(x, dy, dx);
        var expected = DenseReference.Backward(mask, weight, x, dy, Batch);
        DenseReference.AssertClose(dx, expected.InputGrad, "inputGrad");
        DenseReference.AssertClose(layer.WeightGrad, DenseReference.PackedFromDense(mask, expected.WeightGrad), "WeightGrad");
    }
}
