using System;
using System.Collections.Generic;
using System.Linq;
using CustomizedLinear.CompilerServices;
using Xunit;

namespace CustomizedLinear.Layers.Tests;

/// <summary>
/// The input-major tables of the backward pass with an input gradient (<see cref="InputMajorBlocks"/>), against the
/// mask itself: every connection once, block by block of outputs and input by input, outputs ascending. The
/// gradients the pass computes from them are checked against the dense reference in <see cref="ReferenceTests"/>,
/// <see cref="LayerContractTests"/> and <see cref="ParallelTrainingTests"/> (every layer without shared runs, at
/// every batch of at least one vector of samples).
/// </summary>
public sealed class InputMajorBlocksTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(16)]
    [InlineData(1000)]
    public void EveryConnectionOnceInItsBlockAndInputWithOutputsAscending(int blockSize)
    {
        var random = new Random(blockSize);
        for (int trial = 0; trial < 40; trial++)
        {
            int inputs = 1 + random.Next(60), outputs = 1 + random.Next(50);
            double density = random.NextDouble();
            var starts = new List<int> { 0 };
            var connectionInputs = new List<int>();
            for (int o = 0; o < outputs; o++)
            {
                connectionInputs.AddRange(Enumerable.Range(0, inputs).Where(_ => random.NextDouble() < density));
                starts.Add(connectionInputs.Count);
            }

            InputMajorBlocks blocks = InputMajorBlocks.Build(starts.ToArray(), connectionInputs.ToArray(), inputs, blockSize);
            int blockCount = Math.Max(1, (outputs + blockSize - 1) / blockSize);
            Assert.Equal(blockCount, blocks.BlockCount);
            Assert.Equal(blockCount * inputs + 1, blocks.Starts.Length);
            Assert.Equal(0, blocks.Starts[0]);
            Assert.Equal(connectionInputs.Count, blocks.Starts[^1]);

            var seen = new bool[connectionInputs.Count];
            for (int b = 0; b < blockCount; b++)
            {
                for (int i = 0; i < inputs; i++)
                {
                    int first = blocks.Starts[(b * inputs) + i], end = blocks.Starts[(b * inputs) + i + 1];

                    // Brute force: the outputs of block b that input i feeds, ascending, and their connections.
                    var expected = Enumerable.Range(b * blockSize, Math.Max(0, Math.Min(blockSize, outputs - (b * blockSize))))
                        .SelectMany(o => Enumerable.Range(starts[o], starts[o + 1] - starts[o]).Where(k => connectionInputs[k] == i).Select(k => (o, k)))
                        .ToList();
                    Assert.Equal(expected, Enumerable.Range(first, end - first).Select(j => (blocks.Outputs[j], blocks.Connections[j])).ToList());
                    foreach ((_, int k) in expected)
                    {
                        Assert.False(seen[k], $"connection {k} twice");
                        seen[k] = true;
                    }
                }
            }

            Assert.All(seen, Assert.True);
        }
    }

    [Theory]
    [InlineData(64, 3)]
    [InlineData(32, 2)]
    [InlineData(16, 1)]
    public void ARandomReferenceLayerTakesTheInputMajorPassOverSeveralBlocksAt256And512Bits(int group, int blockCount)
    {
        // The 200 × 300 @0.3 reference layer (ReferenceTests): no shared runs, and with 256- and 512-bit groups its
        // outputs' transposed gradients fill more than one L1-sized block (32 KB: 128 or 256 outputs).
        MaskCase c = RandomLayers.Cases.Single(c => c.Name.EndsWith("_200x300", StringComparison.Ordinal));
        var starts = new List<int> { 0 };
        var connectionInputs = new List<int>();
        for (int o = 0; o < c.Outputs; o++)
        {
            connectionInputs.AddRange(Enumerable.Range(0, c.Inputs).Where(i => c.Mask[i, o]));
            starts.Add(connectionInputs.Count);
        }

        ConnectionBlocks? cache = null;
        ConnectionBlocks cut = ConnectionBlocks.Get(ref cache, starts.ToArray(), connectionInputs.ToArray(), c.Inputs, group);
        Assert.Null(cut.Backward.Runs);
        Assert.NotNull(cut.ByInput(starts.ToArray(), connectionInputs.ToArray(), c.Inputs));
        Assert.Equal(blockCount, cut.ByInput(starts.ToArray(), connectionInputs.ToArray(), c.Inputs)!.BlockCount);
    }
}
