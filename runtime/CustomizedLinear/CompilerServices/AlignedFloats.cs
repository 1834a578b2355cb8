using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// A float buffer whose first element sits on a 64-byte boundary, for a layer's weights: unaligned
/// 512-bit loads cost up to 1.6× on these machines. A pinned array (it never moves, so the alignment
/// holds) with at most 15 floats of slack.
/// </summary>
/// <remarks>Used by generated code; not part of the public contract.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct AlignedFloats
{
    private readonly float[] _storage;
    private readonly int _offset;
    private readonly int _length;

    /// <summary>A zeroed buffer of <paramref name="length"/> floats.</summary>
    public AlignedFloats(int length)
    {
        _storage = GC.AllocateArray<float>(length + 15, pinned: true);
        _offset = Scratch.AlignedOffset(_storage);
        _length = length;
    }

    /// <summary>The floats.</summary>
    /// <remarks>
    /// Made without the array constructor's range check (the constructor placed the range inside the array): this
    /// is on the path of every batch-1 call, where the check is a fifth of a 4 × 3 layer's time. Generated code
    /// only reads buffers it constructed; on a <c>default</c> value, which has no array, this throws
    /// <see cref="NullReferenceException"/>.
    /// </remarks>
    public Span<float> Span
    {
        get
        {
            System.Diagnostics.Debug.Assert(_storage is not null, "AlignedFloats must be constructed with a length before use.");
            return MemoryMarshal.CreateSpan(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_storage), _offset), _length);
        }
    }
}
