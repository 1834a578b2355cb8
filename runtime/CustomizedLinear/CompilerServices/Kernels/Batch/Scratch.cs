using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// Per-thread working memory of the batch kernels, 64-byte aligned (unaligned 512-bit loads cost up to
/// 1.6× on these machines). Made on a thread's first call and grown when a larger layer needs more, so
/// steady-state calls allocate nothing and concurrent Forward calls never share it.
/// </summary>
internal static class Scratch
{
    private const int AlignmentBytes = 64;

    [ThreadStatic]
    private static float[]? t_buffer;

    /// <summary>At least <paramref name="length"/> floats, starting on a 64-byte boundary.</summary>
    public static Span<float> Get(int length)
    {
        float[]? buffer = t_buffer;
        if (buffer is null || buffer.Length < length + AlignmentBytes / sizeof(float))
        {
            // Pinned, so the alignment computed from its address holds for its whole life.
            buffer = GC.AllocateUninitializedArray<float>(length + AlignmentBytes / sizeof(float), pinned: true);
            t_buffer = buffer;
        }

        return buffer.AsSpan(AlignedOffset(buffer), length);
    }

    internal static unsafe int AlignedOffset(float[] pinned)
    {
        nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
        return (int)((AlignmentBytes - (address % AlignmentBytes)) % AlignmentBytes) / sizeof(float);
    }
}
