using System;
using System.Linq;
using CustomizedLinear.CompilerServices;
using Xunit;

namespace CustomizedLinear.Layers.Tests;

/// <summary>The tiled transposes around the batch kernels, against a plain double loop over every shape edge.</summary>
public sealed class BlockTransposeTests
{
    [Fact]
    public void EveryShapeTransposesExactlyAndWritesNothingElse()
    {
        var random = new Random(7);
        // Every remainder of the 8 × 8 tiles (one and two tiles down per step) and the single-element edges, on either side.
        int[] sizes = [.. Enumerable.Range(0, 20), 23, 24, 31, 32, 33, 40, 47, 48];
        foreach (int rows in sizes)
        {
            foreach (int columns in sizes)
            {
                int sourceStride = columns + random.Next(3);
                int destinationStride = rows + random.Next(3);
                var source = new float[Math.Max(0, ((rows - 1) * sourceStride) + columns)];
                for (int i = 0; i < source.Length; i++)
                {
                    source[i] = random.NextSingle();
                }

                var destination = new float[Math.Max(0, ((columns - 1) * destinationStride) + rows) + 5];
                destination.AsSpan().Fill(float.NaN);

                BlockTranspose.Transpose(source, sourceStride, destination, destinationStride, rows, columns);

                var expected = new float[destination.Length];
                expected.AsSpan().Fill(float.NaN);
                for (int r = 0; r < rows; r++)
                {
                    for (int c = 0; c < columns; c++)
                    {
                        expected[(c * destinationStride) + r] = source[(r * sourceStride) + c];
                    }
                }

                Assert.True(expected.AsSpan().SequenceEqual(destination), $"{rows} × {columns}, strides {sourceStride} / {destinationStride}");
            }
        }
    }

    [Fact]
    public void SpansTooShortForTheShapeAreRefused()
    {
        var source = new float[8 * 8];
        Assert.Throws<ArgumentException>(() => BlockTranspose.Transpose(source, 8, new float[(7 * 8) + 7], 8, 8, 8));
        Assert.Throws<ArgumentException>(() => BlockTranspose.Transpose(source.AsSpan(1), 8, new float[64], 8, 8, 8));
    }
}
