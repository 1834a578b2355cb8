using System;
using System.ComponentModel;
using System.Threading;

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// The kernel choices for a layer that are made at run time, in one place: the connections cut into blocks of inputs, so that the
/// batch kernels keep one block's transposed inputs in cache while they sweep all outputs (one cut for the
/// forward pass and one for the backward pass, which pay differently for short ranges; one block for both where
/// shared runs take most of the layer), and in each cut the
/// shared runs, where a group of outputs is connected to the same inputs and a register-blocked pass serves the
/// whole group (with the order of outputs that makes the groups); where there are none, the connections input by
/// input in blocks of outputs, for the backward pass with an input gradient. Built once per layer type on first use.
/// </summary>
/// <remarks>
/// <para>
/// Why not when the layer is generated, like the rest of its kernel plan (the generator's
/// <c>Planning/README.md</c>): all of these depend on the vector width of the machine that runs the layer, which
/// the generator cannot know. The width sets the group of samples (64, 32 or 16), so the block size that fills
/// L1; and the register count, so whether shared runs are taken by four outputs or by two, which changes the
/// runs themselves. The same assembly runs on every width (and CI runs every width on one machine). The width
/// itself is the process's (<see cref="SparseKernels.VectorBits"/>), a constant for the JIT, not a choice per layer.
/// </para>
/// <para>Used by generated code; not part of the public contract.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ConnectionBlocks
{
    /// <summary>A block's transposed inputs should take at most this much of the 48 KB L1 data cache.</summary>
    private const int L1Bytes = 32 * 1024;

    /// <summary>
    /// The forward pass takes L1-sized blocks down to 12 connections per output and block: measured on
    /// 1024 × 1024 @0.1, B=256, forward 674 → 601 µs against blocks of at least 48 (with the next ranges
    /// prefetched). Below that (density 0.01) one more block only adds partial sums.
    /// </summary>
    private const int MinForwardConnectionsPerBlock = 12;

    /// <summary>
    /// The input-major backward pass's blocks of outputs hold at least this many connections per input and block:
    /// on 1024 × 1024 @0.1, 0.5 and 0.01 (B=256) and 784 × 256 @0.1 (B=64), 4, 12, 24 and 48 measured alike within
    /// this machine's noise.
    /// </summary>
    private const int MinInputMajorConnectionsPerBlock = 12;

    /// <summary>
    /// The backward pass needs 48: its per-range set-up and weight-gradient reductions cost more, and 48 lets it
    /// reduce most weight gradients 16 at a time. Measured on 1024 × 1024 @0.1, B=256: 6 → 48 took
    /// forward+backward from 3.13 to 2.90 ms; 12 instead of 48 made the backward 15% slower.
    /// </summary>
    private const int MinBackwardConnectionsPerBlock = 48;

    /// <summary>
    /// Shorter shared runs are left to the one-output loop: each run splits the rest of its outputs' ranges into
    /// gaps, and each gap loads and stores its output's row again. On the 64 × 64 autoregressive mask (B=64) 2, 4
    /// and 8 measured alike (forward 1.7 µs, against 2.6 µs without shared spans, the runs' predecessor). A group's runs must also hold
    /// at least half of its connections in the block: random masks have short chance runs that would only split
    /// the one-output sweep.
    /// </summary>
    internal const int MinSharedRun = 4;

    /// <summary>
    /// With four outputs per group (AVX-512), a layer whose shared runs over all of its inputs at once take at least
    /// this share of its connections is not cut into blocks: the run kernels, weight gradients included, load each
    /// input row once for four outputs, so the rows need not stay in L1, while each block boundary splits runs and
    /// stores and reloads the outputs' partial sums. Measured on the MADE sample (784→500→784, B=100, three
    /// interleaved rounds): one block against L1-sized ones, layer 2's backward 0.60–0.62 against 0.66–0.67 ms,
    /// layer 0's 0.33–0.35 against 0.38–0.39 ms, forwards alike; dense 1024 × 1024 at B=256, forward+backward
    /// 9.6–10.1 against 14.1–14.5 ms. Not measured with two outputs per group, where the weight gradients take the
    /// one-output sweep, which wants its rows in L1: those machines keep their blocks.
    /// </summary>
    private const long WholeLayerRunShareNumerator = 3, WholeLayerRunShareDenominator = 4;

    private InputMajorBlocks? _byInput;

    private ConnectionBlocks(int group, InputBlocks forward, InputBlocks backward)
    {
        Group = group;
        Forward = forward;
        Backward = backward;
    }

    /// <summary>
    /// The input-major blocks (<see cref="InputMajorBlocks"/>) of a backward pass with an input gradient, for a layer
    /// whose backward cut has no shared runs; null for one that has (the run kernels load each input row once for
    /// several outputs). Built on the first call (thread-safe), so that a layer only run forward never holds them.
    /// Blocks of outputs sized as the forward pass's blocks of inputs are, the two axes swapped.
    /// </summary>
    internal InputMajorBlocks? ByInput(ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, int inputSize)
    {
        if (Backward.Runs != null)
        {
            return null;
        }

        if (Volatile.Read(ref _byInput) is { } built)
        {
            return built;
        }

        var fresh = InputMajorBlocks.Build(outputStarts, connectionInputs, inputSize, BlockSizeFor(Group, outputStarts.Length - 1, inputSize, connectionInputs.Length, MinInputMajorConnectionsPerBlock));
        return Interlocked.CompareExchange(ref _byInput, fresh, null) ?? fresh;
    }

    /// <summary>The samples per group the blocks were sized for (the vector width is fixed for a process).</summary>
    internal int Group { get; }

    internal InputBlocks Forward { get; }

    internal InputBlocks Backward { get; }

    /// <summary>The cached blocks in <paramref name="cache"/>, built on first use (thread-safe).</summary>
    public static ConnectionBlocks Get(ref ConnectionBlocks? cache, ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, int inputSize, int group)
    {
        if (Volatile.Read(ref cache) is { } built && built.Group == group)
        {
            return built;
        }

        int forwardSize = BlockSizeFor(group, inputSize, outputStarts.Length - 1, connectionInputs.Length, MinForwardConnectionsPerBlock);
        int backwardSize = BlockSizeFor(group, inputSize, outputStarts.Length - 1, connectionInputs.Length, MinBackwardConnectionsPerBlock);
        // The register blocks over shared runs take four outputs where there are 32 vector registers (512-bit
        // groups of 64 samples), two where there are 16.
        int outputsPerGroup = group >= 64 ? 4 : 2;
        InputBlocks forward = InputBlocks.Cut(outputStarts, connectionInputs, inputSize, forwardSize, outputsPerGroup);
        InputBlocks backward = backwardSize == forwardSize ? forward : InputBlocks.Cut(outputStarts, connectionInputs, inputSize, backwardSize, outputsPerGroup);
        if (outputsPerGroup == 4 && (forwardSize < inputSize || backwardSize < inputSize))
        {
            InputBlocks whole = InputBlocks.Cut(outputStarts, connectionInputs, inputSize, inputSize, outputsPerGroup);
            if (whole.Covered * WholeLayerRunShareDenominator >= (long)connectionInputs.Length * WholeLayerRunShareNumerator)
            {
                forward = backward = whole;
            }
        }

        var fresh = new ConnectionBlocks(group, forward, backward);
        Volatile.Write(ref cache, fresh);
        return fresh;
    }

    private static int BlockSizeFor(int group, int inputSize, int outputs, int connections, int minConnectionsPerBlock)
    {
        int fits = Math.Max(1, L1Bytes / (group * sizeof(float)));
        double perOutputAndInput = (double)connections / ((double)outputs * inputSize);
        // Too sparse for blocks of that size to pay: grow them until each holds enough work.
        int size = perOutputAndInput * fits >= minConnectionsPerBlock ? fits : (int)Math.Min(inputSize, Math.Ceiling(minConnectionsPerBlock / Math.Max(perOutputAndInput, 1e-9)));
        return Math.Max(1, Math.Min(size, inputSize));
    }
}
