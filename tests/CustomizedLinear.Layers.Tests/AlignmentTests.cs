using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Xunit;

namespace CustomizedLinear.Layers.Tests;

/// <summary>Weights and the batch kernels' scratch start on a 64-byte boundary and stay there.</summary>
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

    [Fact]
    public unsafe void ScratchIs64ByteAlignedAtEverySizeAndAfterGrowing()
    {
        // Each size is larger than the last, so the thread's buffer is made again several times; a compacting
        // collection between calls would move an unpinned buffer off its boundary.
        foreach (int length in new[] { 1, 15, 17, 1000, 4097, 65_537, 1_000_003 })
        {
            System.GC.Collect(2, System.GCCollectionMode.Forced, blocking: true, compacting: true);
            System.Span<float> scratch = CompilerServices.Scratch.Get(length);
            nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(scratch));
            Assert.Equal(0u, address % 64);
            Assert.Equal(length, scratch.Length);

            System.GC.Collect(2, System.GCCollectionMode.Forced, blocking: true, compacting: true);
            nuint again = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(CompilerServices.Scratch.Get(length)));
            Assert.Equal(address, again);
        }
    }
}
