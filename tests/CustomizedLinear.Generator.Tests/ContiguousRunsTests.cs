using System;
using System.Linq;
using System.Text;
using CustomizedLinear.Testing;
using Xunit;

namespace CustomizedLinear.Generator.Tests;

/// <summary>
/// Table-driven layers whose connections mostly come in runs of consecutive inputs ask the per-sample kernels to
/// read those runs with vector loads; other layers do not pay for the check. (The results of such layers are
/// checked against the dense reference at batches 1, 3 and 8 in <c>ReferenceTests</c> (CustomizedLinear.Layers.Tests): the dense 260 × 130
/// case.)
/// </summary>
public sealed class ContiguousRunsTests
{
    [Theory]
    [InlineData(1.0, true)]   // dense: every chunk of eight is a run
    [InlineData(0.5, false)]  // random: about one chunk in 128
    public void TableLayersAskForVectorLoadsOnlyWhenMostChunksAreRuns(double density, bool expected)
    {
        var random = new Random(5);
        var mask = new StringBuilder();
        for (int i = 0; i < 150; i++)
        {
            mask.AppendJoin(' ', Enumerable.Range(0, 120).Select(_ => random.NextDouble() < density ? "1" : "0")).Append('\n');
        }

        GeneratorRun run = GeneratorHarness.RunSingle(mask.ToString());
        string code = run.GeneratedSources.Single().SourceText.ToString();
        Assert.Contains("SparseKernels.ForwardOne(", code, StringComparison.Ordinal);
        Assert.Equal(expected ? 3 : 0, code.Split(", contiguousRuns: true);").Length - 1);
    }
}
