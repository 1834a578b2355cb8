using System;
using System.ComponentModel;

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// Per-thread working memory of a generated network's <c>Forward</c>: the values between its layers. Apart from the
/// batch kernels' own scratch because a network holds these across its layers' calls, while each layer's kernel
/// overwrites that one. Rented and returned rather than shared, so that a network whose activation runs another
/// network's <c>Forward</c> on the same thread gets memory of its own. A thread keeps up to
/// <see cref="Slots"/> returned buffers, grown when a larger batch needs more (never shrunk), so steady-state calls
/// allocate nothing and concurrent calls on other threads never share one.
/// </summary>
/// <remarks>Called by generated code; not part of the public contract.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class NetworkScratch
{
    /// <summary>How many networks may be nested on one thread's call stack before the innermost allocates per call.</summary>
    public const int Slots = 4;

    [ThreadStatic]
    private static float[]?[]? t_free;

    /// <summary>
    /// A buffer of at least <paramref name="length"/> floats that no other caller on this thread holds until it is
    /// given back with <see cref="Return"/>; the contents are unspecified. A buffer that is never returned (the
    /// network threw) is only lost: the next call allocates another.
    /// </summary>
    /// <param name="length">How many floats the caller needs.</param>
    public static float[] Rent(int length)
    {
        float[]?[] free = t_free ??= new float[Slots][];
        for (int i = 0; i < free.Length; i++)
        {
            if (free[i] is { } buffer && buffer.Length >= length)
            {
                free[i] = null;
                return buffer;
            }
        }

        // None is large enough: the largest smaller one is dropped, so the slots do not fill with outgrown buffers.
        for (int i = 0; i < free.Length; i++)
        {
            if (free[i] is not null)
            {
                free[i] = null;
                break;
            }
        }

        return GC.AllocateUninitializedArray<float>(length);
    }

    /// <summary>Gives back a buffer from <see cref="Rent"/>, for this thread's next call.</summary>
    /// <param name="buffer">The rented buffer; the caller must not use it afterwards.</param>
    public static void Return(float[] buffer)
    {
        float[]?[] free = t_free ??= new float[Slots][];
        for (int i = 0; i < free.Length; i++)
        {
            if (free[i] is null)
            {
                free[i] = buffer;
                return;
            }
        }
    }
}
