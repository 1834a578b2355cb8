using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Xunit;

namespace CustomizedLinear.Tests;

/// <summary>Weights start on a 64-byte boundary and stay there.</summary>
public sealed class AlignmentTests
{
    [Fact]
    public unsafe void WeightsAre64ByteAligned()
    {
        for (int i = 0; i < 20; i++)
        {
            var layer = new ParallelLayer(seed: i);
            System.GC.Collect(2, System.GCCollectionMode.Forced, blocking: true, compacting: true);
            nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(layer.Weights));
            Assert.Equal(0u, address % 64);
            Assert.Equal(ParallelLayer.ConnectionCount, layer.Weights.Length);
        }
    }
}
