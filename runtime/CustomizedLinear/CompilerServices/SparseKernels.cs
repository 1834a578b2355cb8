using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using CustomizedLinear.CompilerServices.Simd;

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// The entry point generated code calls for kernels over a layer's compile-time index data: the batch path of
/// every layer (<see cref="BatchKernels{TVector}"/>, vectorised across samples with the widest vectors the machine
/// accelerates: 512, 256 or 128 bits) and the per-sample path of table-driven layers (<see cref="PerSampleKernels"/>).
/// Unrolled layers run their own straight-line code per sample.
/// </summary>
/// <remarks>Called by generated code; not part of the public contract.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SparseKernels
{
    /// <summary>
    /// The vector width the batch kernels use here: 512, 256 or 128, or 0 when nothing is accelerated and
    /// every batch takes the per-sample path. A constant for the JIT, so the dispatch below costs nothing.
    /// </summary>
    public static int VectorBits =>
        Vector512.IsHardwareAccelerated ? 512 :
        Vector256.IsHardwareAccelerated ? 256 :
        Vector128.IsHardwareAccelerated ? 128 : 0;

    /// <summary>
    /// The smallest batch the vectorised path takes: one vector's worth of samples. Smaller batches (and
    /// machines without vector units) use the layer's per-sample kernels.
    /// </summary>
    public static int MinBatch =>
        Vector512.IsHardwareAccelerated ? Vector512<float>.Count :
        Vector256.IsHardwareAccelerated ? Vector256<float>.Count :
        Vector128.IsHardwareAccelerated ? Vector128<float>.Count : int.MaxValue;

    /// <summary>
    /// <c>output = input · Wᵀ + b</c> for a whole batch; the spans were checked by <see cref="SpanShapes"/>.
    /// <paramref name="blockCache"/> is where the layer type keeps its <see cref="ConnectionBlocks"/> (built on first use).
    /// </summary>
    public static void Forward(
        ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, ref ConnectionBlocks? blockCache, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> input, Span<float> output, int inputSize, int outputSize) =>
        ForwardCore(outputStarts, connectionInputs, ref blockCache, weights, bias, input, output, inputSize, outputSize, FusedActivation.None);

    /// <summary>
    /// <c>output = activation(input · Wᵀ + b)</c> for a whole batch, the activation applied to each group of samples'
    /// outputs while they are still in L1, before they are written to <paramref name="output"/>: a network's layer
    /// and activation in one sweep over the output. <see cref="FusedActivation.None"/> is the plain forward pass.
    /// </summary>
    public static void Forward(
        ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, ref ConnectionBlocks? blockCache, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> input, Span<float> output, int inputSize, int outputSize, FusedActivation activation) =>
        ForwardCore(outputStarts, connectionInputs, ref blockCache, weights, bias, input, output, inputSize, outputSize, activation);

    /// <summary>Both <c>Forward</c> overloads, inlined into each so that the plain one costs no extra call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ForwardCore(
        ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, ref ConnectionBlocks? blockCache, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> input, Span<float> output, int inputSize, int outputSize, FusedActivation activation)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            BatchKernels<V512>.Forward(connectionInputs, ConnectionBlocks.Get(ref blockCache, outputStarts, connectionInputs, inputSize, BatchKernels<V512>.Group).Forward, weights, bias, input, output, inputSize, outputSize, activation);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            BatchKernels<V256>.Forward(connectionInputs, ConnectionBlocks.Get(ref blockCache, outputStarts, connectionInputs, inputSize, BatchKernels<V256>.Group).Forward, weights, bias, input, output, inputSize, outputSize, activation);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            BatchKernels<V128>.Forward(connectionInputs, ConnectionBlocks.Get(ref blockCache, outputStarts, connectionInputs, inputSize, BatchKernels<V128>.Group).Forward, weights, bias, input, output, inputSize, outputSize, activation);
        }
        else
        {
            throw new PlatformNotSupportedException("No accelerated vectors: use the per-sample kernels (batch < MinBatch).");
        }
    }

    /// <summary>
    /// Adds the batch's gradients into <paramref name="weightGrad"/> and <paramref name="biasGrad"/> (empty
    /// without bias) and, unless <paramref name="inputGrad"/> is empty, overwrites it.
    /// <paramref name="blockCache"/> is the same cache <c>Forward</c> uses.
    /// </summary>
    public static void Backward(
        ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, ref ConnectionBlocks? blockCache, ReadOnlySpan<float> weights,
        ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, Span<float> weightGrad, Span<float> biasGrad,
        int inputSize, int outputSize)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            BatchBackward<V512>(outputStarts, connectionInputs, ref blockCache, weights, input, outputGrad, inputGrad, weightGrad, biasGrad, inputSize, outputSize);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            BatchBackward<V256>(outputStarts, connectionInputs, ref blockCache, weights, input, outputGrad, inputGrad, weightGrad, biasGrad, inputSize, outputSize);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            BatchBackward<V128>(outputStarts, connectionInputs, ref blockCache, weights, input, outputGrad, inputGrad, weightGrad, biasGrad, inputSize, outputSize);
        }
        else
        {
            throw new PlatformNotSupportedException("No accelerated vectors: use the per-sample kernels (batch < MinBatch).");
        }
    }

    /// <summary>
    /// The batch backward pass at one vector width: input by input where the layer has no shared runs and the input
    /// gradient is wanted (measured against the one-output sweep, same runs, B=256: 1024 × 1024 @0.1 0.72–0.81×,
    /// @0.5 0.54–0.81×, @0.01 0.71–0.79× of its time; 784 × 256 @0.1 at B=64 0.96–1.01×); the one-output sweep
    /// otherwise: without an input gradient the input-major pass took 1.2–1.6× the sweep's time at 0.1 and 0.5
    /// (0.9× at 0.01; one rule kept for every density).
    /// </summary>
    private static void BatchBackward<TVector>(
        ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, ref ConnectionBlocks? blockCache, ReadOnlySpan<float> weights,
        ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, Span<float> weightGrad, Span<float> biasGrad,
        int inputSize, int outputSize)
        where TVector : struct, IVector<TVector>
    {
        ConnectionBlocks cut = ConnectionBlocks.Get(ref blockCache, outputStarts, connectionInputs, inputSize, BatchKernels<TVector>.Group);
        if (!inputGrad.IsEmpty && cut.ByInput(outputStarts, connectionInputs, inputSize) is { } byInput)
        {
            BatchKernels<TVector>.BackwardByInput(byInput, weights, input, outputGrad, inputGrad, weightGrad, biasGrad, inputSize, outputSize);
        }
        else
        {
            BatchKernels<TVector>.Backward(cut.Backward, connectionInputs, weights, input, outputGrad, inputGrad, weightGrad, biasGrad, inputSize, outputSize);
        }
    }

    /// <summary>
    /// One sample through a table-driven layer: <c>y = W·x + b</c>. <paramref name="contiguousRuns"/> (set by the
    /// generator when most of the layer's connections come in runs of consecutive inputs) lets the kernel read
    /// such runs with vector loads; on other layers the check would only cost.
    /// </summary>
    public static void ForwardOne(ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ReadOnlySpan<float> x, Span<float> y, bool contiguousRuns = false)
    {
        if (contiguousRuns)
        {
            PerSampleKernels.Forward<Yes>(outputStarts, connectionInputs, weights, bias, x, y);
        }
        else
        {
            PerSampleKernels.Forward<No>(outputStarts, connectionInputs, weights, bias, x, y);
        }
    }

    /// <summary>One sample through a table-driven layer: <c>gw += dy·xᵀ</c> at the connected positions (<paramref name="contiguousRuns"/>: see <see cref="ForwardOne"/>).</summary>
    public static void AccumulateWeightGradOne(ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> gw, bool contiguousRuns = false)
    {
        if (contiguousRuns)
        {
            PerSampleKernels.AccumulateWeightGrad<Yes>(outputStarts, connectionInputs, x, dy, gw);
        }
        else
        {
            PerSampleKernels.AccumulateWeightGrad<No>(outputStarts, connectionInputs, x, dy, gw);
        }
    }

    /// <summary>One sample through a table-driven layer: <c>gw += dy·xᵀ</c> and <c>dx = Wᵀ·dy</c> in one pass (<paramref name="contiguousRuns"/>: see <see cref="ForwardOne"/>).</summary>
    public static void BackwardOne(ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, ReadOnlySpan<float> weights, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> gw, Span<float> dx, bool contiguousRuns = false)
    {
        if (contiguousRuns)
        {
            PerSampleKernels.Backward<Yes>(outputStarts, connectionInputs, weights, x, dy, gw, dx);
        }
        else
        {
            PerSampleKernels.Backward<No>(outputStarts, connectionInputs, weights, x, dy, gw, dx);
        }
    }

    /// <summary>The samples per group of the batch kernels on this machine (the unit a parallel tile is made of).</summary>
    private static int Group =>
        Vector512.IsHardwareAccelerated ? BatchKernels<V512>.Group :
        Vector256.IsHardwareAccelerated ? BatchKernels<V256>.Group :
        BatchKernels<V128>.Group;

    /// <summary>The tiles of a parallel pass over <paramref name="batch"/> samples (<see cref="ParallelTiles.Cut"/>), on a machine with batch kernels.</summary>
    private static int Tiles(int batch, int degreeOfParallelism, out int rows)
    {
        if (VectorBits == 0)
        {
            throw new PlatformNotSupportedException("No accelerated vectors: the caller takes the per-sample kernels.");
        }

        return ParallelTiles.Cut(batch, degreeOfParallelism, Group, out rows);
    }

    /// <summary>The overload that code generated before fused activations had a parallel path calls.</summary>
    public static void ForwardParallel(
        ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, ref ConnectionBlocks? blockCache, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> input, Span<float> output, int inputSize, int outputSize, int degreeOfParallelism) =>
        ForwardParallel(outputStarts, connectionInputs, ref blockCache, weights, bias, input, output, inputSize, outputSize, degreeOfParallelism, FusedActivation.None);

    /// <summary>
    /// <c>Forward</c> (with <paramref name="activation"/> applied in the output pass) with the batch cut into tiles of
    /// whole sample groups on up to <paramref name="degreeOfParallelism"/> threads (<see cref="ParallelTiles"/>).
    /// Each thread has its own scratch and writes its own rows, so the result is bitwise the same as one thread's.
    /// </summary>
    public static void ForwardParallel(
        ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, ref ConnectionBlocks? blockCache, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> input, Span<float> output, int inputSize, int outputSize, int degreeOfParallelism, FusedActivation activation)
    {
        int tiles = Tiles(input.Length / inputSize, degreeOfParallelism, out int rows);
        if (tiles <= 1)
        {
            ForwardCore(outputStarts, connectionInputs, ref blockCache, weights, bias, input, output, inputSize, outputSize, activation);
            return;
        }

        var job = new ForwardJob
        {
            OutputStarts = outputStarts,
            ConnectionInputs = connectionInputs,
            // Built once, before the threads read it.
            Blocks = ConnectionBlocks.Get(ref blockCache, outputStarts, connectionInputs, inputSize, Group),
            Weights = weights,
            Bias = bias,
            Input = input,
            Output = output,
            InputSize = inputSize,
            OutputSize = outputSize,
            Rows = rows,
            Activation = activation,
        };
        ParallelTiles.Run(ref job, tiles, degreeOfParallelism);
    }

    /// <summary>
    /// <c>Backward</c> with the batch cut into tiles of whole sample groups on up to <paramref name="degreeOfParallelism"/>
    /// threads. Each tile writes its own rows of <paramref name="inputGrad"/>; the first adds its weight and bias gradients
    /// straight into <paramref name="weightGrad"/> and <paramref name="biasGrad"/>, the others into their buffers in
    /// <paramref name="gradientCache"/>, which are then added in tile order (in parallel over chunks of the weights). So
    /// a given degree gives the same bits on every run, and one tile per sample group the same bits as one thread when
    /// the gradients start at zero (the input-major pass adds a call's weight gradients in one step, a tile's too).
    /// </summary>
    public static void BackwardParallel(
        ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, ref ConnectionBlocks? blockCache, ref TileGradients? gradientCache, ReadOnlySpan<float> weights,
        ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, Span<float> weightGrad, Span<float> biasGrad,
        int inputSize, int outputSize, int degreeOfParallelism)
    {
        int tiles = Tiles(input.Length / inputSize, degreeOfParallelism, out int rows);
        if (tiles <= 1)
        {
            Backward(outputStarts, connectionInputs, ref blockCache, weights, input, outputGrad, inputGrad, weightGrad, biasGrad, inputSize, outputSize);
            return;
        }

        TileGradients gradients = TileGradients.Get(ref gradientCache, tiles - 1, weightGrad.Length + biasGrad.Length);
        ConnectionBlocks blocks = ConnectionBlocks.Get(ref blockCache, outputStarts, connectionInputs, inputSize, Group);
        if (!inputGrad.IsEmpty)
        {
            // Built here once, not by every tile at once on the first call.
            blocks.ByInput(outputStarts, connectionInputs, inputSize);
        }

        var job = new BackwardJob
        {
            OutputStarts = outputStarts,
            ConnectionInputs = connectionInputs,
            Blocks = blocks,
            Gradients = gradients,
            Weights = weights,
            Input = input,
            OutputGrad = outputGrad,
            InputGrad = inputGrad,
            WeightGrad = weightGrad,
            BiasGrad = biasGrad,
            InputSize = inputSize,
            OutputSize = outputSize,
            Rows = rows,
        };
        // Whatever is thrown (a tile, an interrupt held back until the tiles finished), the extra tiles' buffers are
        // zero again before it leaves: their partial sums must not reach the next call.
        try
        {
            ParallelTiles.Run(ref job, tiles, degreeOfParallelism);
            var bias = new ReduceJob { Gradients = gradients, Into = biasGrad, Offset = weightGrad.Length, Tiles = tiles - 1 };
            for (int chunk = 0; chunk * TileGradients.ChunkLength < biasGrad.Length; chunk++)
            {
                bias.Run(chunk);
            }

            var reduce = new ReduceJob { Gradients = gradients, Into = weightGrad, Tiles = tiles - 1 };
            ParallelTiles.Run(ref reduce, (weightGrad.Length + TileGradients.ChunkLength - 1) / TileGradients.ChunkLength, degreeOfParallelism);
        }
        catch
        {
            gradients.Clear(tiles - 1);
            throw;
        }
    }

    /// <summary>One tile of <c>ForwardParallel</c>: its rows of the batch through the one-thread kernels.</summary>
    private ref struct ForwardJob : ITileJob
    {
        public ReadOnlySpan<int> OutputStarts, ConnectionInputs;
        public ConnectionBlocks Blocks;
        public ReadOnlySpan<float> Weights, Bias, Input;
        public Span<float> Output;
        public int InputSize, OutputSize, Rows;
        public FusedActivation Activation;

        public void Run(int tile)
        {
            int rows = ParallelTiles.Rows(tile, Rows, Input.Length / InputSize, out int first);
            ConnectionBlocks? blocks = Blocks;
            ForwardCore(OutputStarts, ConnectionInputs, ref blocks, Weights, Bias, Input.Slice(first * InputSize, rows * InputSize), Output.Slice(first * OutputSize, rows * OutputSize), InputSize, OutputSize, Activation);
        }
    }

    /// <summary>One tile of <see cref="BackwardParallel"/>: its rows, its own gradients unless it is the first.</summary>
    private ref struct BackwardJob : ITileJob
    {
        public ReadOnlySpan<int> OutputStarts, ConnectionInputs;
        public ConnectionBlocks Blocks;
        public TileGradients Gradients;
        public ReadOnlySpan<float> Weights, Input, OutputGrad;
        public Span<float> InputGrad, WeightGrad, BiasGrad;
        public int InputSize, OutputSize, Rows;

        public void Run(int tile)
        {
            int rows = ParallelTiles.Rows(tile, Rows, Input.Length / InputSize, out int first);
            Span<float> weightGrad = WeightGrad, biasGrad = BiasGrad;
            if (tile > 0)
            {
                Span<float> own = Gradients.Tile(tile - 1);
                weightGrad = own[..WeightGrad.Length];
                biasGrad = own.Slice(WeightGrad.Length, BiasGrad.Length);
            }

            ConnectionBlocks? blocks = Blocks;
            Backward(
                OutputStarts, ConnectionInputs, ref blocks, Weights,
                Input.Slice(first * InputSize, rows * InputSize), OutputGrad.Slice(first * OutputSize, rows * OutputSize),
                InputGrad.IsEmpty ? default : InputGrad.Slice(first * InputSize, rows * InputSize), weightGrad, biasGrad, InputSize, OutputSize);
        }
    }

    /// <summary>One chunk of the tiles' gradients added into the layer's, in tile order.</summary>
    private ref struct ReduceJob : ITileJob
    {
        public TileGradients Gradients;
        public Span<float> Into;
        public int Offset, Tiles;

        public void Run(int chunk) => Gradients.AddChunkInto(Into, Offset, Tiles, chunk);
    }
}
