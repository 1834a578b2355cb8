using System;
using System.ComponentModel;

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// A generated layer's <c>Forward</c> followed by a built-in activation, with the activation applied in the
/// kernel's output pass where the batch kernels run (on each group of samples' outputs while they are still in
/// L1, before they are written back), and after the per-sample kernels otherwise. Implemented explicitly by every
/// generated layer, so it stays out of the layer's own members; a generated network calls it for a layer followed
/// by a built-in activation.
/// </summary>
/// <remarks>Called by generated code; not part of the public contract.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IFusedLayer
{
    /// <summary>
    /// <c>output = activation(input · Wᵀ + b)</c> for a batch, <c>[batch, InputSize]</c> to <c>[batch, OutputSize]</c>
    /// row-major, with the span checks of <c>Forward</c>.
    /// </summary>
    /// <param name="input">The batch of inputs.</param>
    /// <param name="output">Receives the activated outputs; must not overlap <paramref name="input"/>.</param>
    /// <param name="activation">The built-in activation to apply; <see cref="FusedActivation.None"/> is plain <c>Forward</c>.</param>
    void ForwardActivated(ReadOnlySpan<float> input, Span<float> output, FusedActivation activation);

    /// <summary>
    /// The same with the batch cut into tiles of whole sample groups on up to <paramref name="degreeOfParallelism"/>
    /// threads (bitwise the same result); a network's <c>degreeOfParallelism</c> overloads run their layers through this.
    /// </summary>
    /// <param name="input">The batch of inputs.</param>
    /// <param name="output">Receives the activated outputs; must not overlap <paramref name="input"/>.</param>
    /// <param name="activation">The built-in activation to apply; <see cref="FusedActivation.None"/> is plain <c>Forward</c>.</param>
    /// <param name="degreeOfParallelism">At most this many threads; 1 (or less) runs on the calling thread only.</param>
    void ForwardActivated(ReadOnlySpan<float> input, Span<float> output, FusedActivation activation, int degreeOfParallelism);
}
