using System;
using System.ComponentModel;

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// Per-thread working memory of a generated network: the intermediate activations between its layers. Apart from
/// the batch kernels' own scratch because a network holds these across its layers' calls, while each layer's
/// kernel overwrites that one. Made on a thread's first call and grown when a larger batch needs more (never
/// shrunk), so steady-state calls allocate nothing and concurrent calls on other threads never share it.
/// </summary>
/// <remarks>Called by generated code; not part of the public contract.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class NetworkScratch
{
    [ThreadStatic]
    private static float[]? t_buffer;

    /// <summary>
    /// The first <paramref name="length"/> floats of this thread's buffer; the contents are unspecified (whatever
    /// the last call left, or nothing when the buffer was just grown). The same memory on every call from one
    /// thread, so one network on the call stack at a time owns it.
    /// </summary>
    /// <param name="length">How many floats the caller needs.</param>
    public static Span<float> Get(int length)
    {
        float[]? buffer = t_buffer;
        if (buffer is null || buffer.Length < length)
        {
            buffer = GC.AllocateUninitializedArray<float>(length);
            t_buffer = buffer;
        }

        return buffer.AsSpan(0, length);
    }
}
