namespace CustomizedLinear.Generator.Model;

/// <summary>
/// Everything about a layer's kernels that is decided when the layer is generated, in one value: made by
/// <see cref="Planning.KernelPlanner"/> before anything is emitted, rendered as it is by the emitters. The
/// crossovers behind each choice, and what is left to run time, are in <c>Planning/README.md</c>.
/// </summary>
/// <param name="Shape">Straight-line code per connection, or loops over compile-time index tables.</param>
/// <param name="ContiguousRuns">
/// Table-driven layers only: most of the layer's connections come in runs of consecutive inputs within an
/// output, so its per-sample kernels read such a run with one vector load (<c>contiguousRuns: true</c>).
/// </param>
/// <param name="InputGradByOutput">
/// Unrolled layers only: at least half of the layer's four-connection chunks are four consecutive inputs, so the per-sample
/// input gradient is written output by output (<c>dx[i..i+3] += w[k..k+3]·dy[o]</c> as one vector) instead of input
/// by input (one scalar sum per input, its weights scattered).
/// </param>
/// <param name="ForwardParts">
/// Unrolled layers only: the statement at which each part of the per-sample forward starts; one entry means
/// one method. Empty for table-driven layers.
/// </param>
/// <param name="InputGradParts">As <paramref name="ForwardParts"/>, for the per-sample input gradient.</param>
/// <param name="WeightGradParts">As <paramref name="ForwardParts"/>, for the per-sample weight gradient.</param>
/// <param name="BatchThreshold">
/// The batch from which the generated <c>Forward</c> and <c>Backward</c> take the batch kernels, vectorised across
/// samples; below it, the per-sample kernels.
/// </param>
internal sealed record KernelPlan(
    KernelShape Shape,
    bool ContiguousRuns,
    bool InputGradByOutput,
    EquatableArray<int> ForwardParts,
    EquatableArray<int> InputGradParts,
    EquatableArray<int> WeightGradParts,
    BatchThreshold BatchThreshold)
{
    public bool Unrolled => Shape == KernelShape.Unrolled;
}

/// <summary>Where a layer switches from its per-sample kernels to the batch kernels.</summary>
internal enum BatchThreshold
{
    /// <summary>
    /// One vector's worth of samples (<c>SparseKernels.MinBatch</c>: 16, 8 or 4), known only on the machine that
    /// runs the layer: a padded group of that many already beats the per-sample code, unrolled or not.
    /// </summary>
    OneVectorOfSamples,
}

/// <summary>The two ways a layer's per-sample kernels are written.</summary>
internal enum KernelShape
{
    /// <summary>Straight-line code written for the mask (<c>Emitting/VectorSums</c>), nothing for a missing connection.</summary>
    Unrolled,

    /// <summary>Shared loops over the layer's index tables, for layers too large to unroll.</summary>
    TableDriven,
}
