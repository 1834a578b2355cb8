using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CustomizedLinear.CompilerServices.Simd;

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// Batch kernels vectorised across samples. A group of <c>4 × lanes</c> samples (64 with 512-bit vectors)
/// is transposed once into scratch, so that input <c>i</c> of the whole group is four contiguous vectors;
/// then each connection is one broadcast of its weight and four fused multiply-adds into accumulators that
/// stay in registers for a whole output. A last, partial group is padded with zeros.
/// </summary>
internal static class BatchKernels<TVector>
    where TVector : struct, IVector<TVector>
{
    private const int Tiles = 4;

    /// <summary>Samples per group.</summary>
    public static int Group => Tiles * TVector.Count;

    public static unsafe void Forward(
        ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, ConnectionBlocks blocks, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> input, Span<float> output, int inputSize, int outputSize)
    {
        int group = Group;
        int batch = input.Length / inputSize;
        Span<float> scratch = Scratch.Get((inputSize + outputSize) * group);
        Span<float> xT = scratch[..(inputSize * group)];
        Span<float> yT = scratch.Slice(inputSize * group, outputSize * group);
        int c = TVector.Count;

        // Raw pointers in the inner loop: with refs and offsets the JIT kept base pointers on the stack.
        // Every index was checked when the layer's tables were built (ConnectionBlocks, SpanShapes).
        fixed (float* w = weights)
        fixed (int* inputs = connectionInputs)
        fixed (int* starts = blocks.Starts)
        fixed (float* x = xT)
        fixed (float* y = yT)
        {
            for (int first = 0; first < batch; first += group)
            {
                int samples = Math.Min(group, batch - first);
                Transpose(input.Slice(first * inputSize, samples * inputSize), inputSize, samples, xT);

                // Block by block of inputs, so that the block's transposed inputs stay in L1; the outputs'
                // partial sums wait in yT between blocks.
                for (int block = 0; block < blocks.BlockCount; block++)
                {
                    int* blockStarts = starts + ((nint)block * outputSize);
                    for (int o = 0; o < outputSize; o++)
                    {
                        float* to = y + ((nint)o * group);
                        TVector a0, a1, a2, a3;
                        if (block == 0)
                        {
                            a0 = a1 = a2 = a3 = bias.IsEmpty ? TVector.Zero : TVector.Broadcast(bias[o]);
                        }
                        else
                        {
                            a0 = TVector.Load(to);
                            a1 = TVector.Load(to + c);
                            a2 = TVector.Load(to + (2 * c));
                            a3 = TVector.Load(to + (3 * c));
                        }

                        // Two sets of accumulators, even and odd connections: four chains alone would wait on
                        // the multiply-add latency.
                        TVector e0 = TVector.Zero, e1 = TVector.Zero, e2 = TVector.Zero, e3 = TVector.Zero;
                        int k = blockStarts[o];
                        int end = blockStarts[outputSize + o];
                        for (; k + 1 < end; k += 2)
                        {
                            TVector wk = TVector.Broadcast(w[k]);
                            TVector wl = TVector.Broadcast(w[k + 1]);
                            float* p = x + ((nint)inputs[k] * group);
                            float* q = x + ((nint)inputs[k + 1] * group);
                            a0 = TVector.MultiplyAdd(TVector.Load(p), wk, a0);
                            a1 = TVector.MultiplyAdd(TVector.Load(p + c), wk, a1);
                            a2 = TVector.MultiplyAdd(TVector.Load(p + (2 * c)), wk, a2);
                            a3 = TVector.MultiplyAdd(TVector.Load(p + (3 * c)), wk, a3);
                            e0 = TVector.MultiplyAdd(TVector.Load(q), wl, e0);
                            e1 = TVector.MultiplyAdd(TVector.Load(q + c), wl, e1);
                            e2 = TVector.MultiplyAdd(TVector.Load(q + (2 * c)), wl, e2);
                            e3 = TVector.MultiplyAdd(TVector.Load(q + (3 * c)), wl, e3);
                        }

                        if (k < end)
                        {
                            TVector wk = TVector.Broadcast(w[k]);
                            float* p = x + ((nint)inputs[k] * group);
                            a0 = TVector.MultiplyAdd(TVector.Load(p), wk, a0);
                            a1 = TVector.MultiplyAdd(TVector.Load(p + c), wk, a1);
                            a2 = TVector.MultiplyAdd(TVector.Load(p + (2 * c)), wk, a2);
                            a3 = TVector.MultiplyAdd(TVector.Load(p + (3 * c)), wk, a3);
                        }

                        TVector.Store(TVector.Add(a0, e0), to);
                        TVector.Store(TVector.Add(a1, e1), to + c);
                        TVector.Store(TVector.Add(a2, e2), to + (2 * c));
                        TVector.Store(TVector.Add(a3, e3), to + (3 * c));
                    }
                }

                TransposeBack(yT, outputSize, samples, output.Slice(first * outputSize, samples * outputSize));
            }
        }
    }

    public static unsafe void Backward(
        ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, ConnectionsByInput? byInput, ReadOnlySpan<float> weights,
        ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, Span<float> weightGrad, Span<float> biasGrad,
        int inputSize, int outputSize)
    {
        int group = Group;
        int batch = input.Length / inputSize;
        Span<float> scratch = Scratch.Get((2 * inputSize + outputSize) * group);
        Span<float> xT = scratch[..(inputSize * group)];
        Span<float> dyT = scratch.Slice(inputSize * group, outputSize * group);
        Span<float> dxT = scratch.Slice((inputSize + outputSize) * group, inputSize * group);
        int c = TVector.Count;
        LaneVectors<TVector> laneVectors = default;
        Span<TVector> laneSums = laneVectors;

        fixed (int* inputs = connectionInputs)
        fixed (int* starts = outputStarts)
        fixed (float* w = weights)
        fixed (float* x = xT)
        fixed (float* dy = dyT)
        fixed (float* dx = dxT)
        fixed (float* gw = weightGrad)
        fixed (int* inputStarts = byInput?.InputStarts)
        fixed (int* outputs = byInput?.Outputs)
        fixed (int* connections = byInput?.Connections)
        {
            for (int first = 0; first < batch; first += group)
            {
                int samples = Math.Min(group, batch - first);
                Transpose(input.Slice(first * inputSize, samples * inputSize), inputSize, samples, xT);
                Transpose(outputGrad.Slice(first * outputSize, samples * outputSize), outputSize, samples, dyT);

                // Weight gradient: for each connection, the dot product of its output's gradient and its input over the group.
                for (int o = 0; o < outputSize; o++)
                {
                    float* at = dy + ((nint)o * group);
                    TVector d0 = TVector.Load(at), d1 = TVector.Load(at + c), d2 = TVector.Load(at + (2 * c)), d3 = TVector.Load(at + (3 * c));
                    if (!biasGrad.IsEmpty)
                    {
                        biasGrad[o] += TVector.Sum(TVector.Add(TVector.Add(d0, d1), TVector.Add(d2, d3)));
                    }

                    // One lane-sum vector per connection, reduced a vector's worth of connections at a time.
                    int k = starts[o];
                    int end = starts[o + 1];
                    for (; k + c <= end; k += c)
                    {
                        for (int j = 0; j < c; j++)
                        {
                            float* p = x + ((nint)inputs[k + j] * group);
                            TVector sum = TVector.Multiply(d0, TVector.Load(p));
                            sum = TVector.MultiplyAdd(d1, TVector.Load(p + c), sum);
                            sum = TVector.MultiplyAdd(d2, TVector.Load(p + (2 * c)), sum);
                            laneSums[j] = TVector.MultiplyAdd(d3, TVector.Load(p + (3 * c)), sum);
                        }

                        TVector.AddLaneSums(laneSums, gw + k);
                    }

                    for (; k < end; k++)
                    {
                        float* p = x + ((nint)inputs[k] * group);
                        TVector sum = TVector.Multiply(d0, TVector.Load(p));
                        sum = TVector.MultiplyAdd(d1, TVector.Load(p + c), sum);
                        sum = TVector.MultiplyAdd(d2, TVector.Load(p + (2 * c)), sum);
                        sum = TVector.MultiplyAdd(d3, TVector.Load(p + (3 * c)), sum);
                        gw[k] += TVector.Sum(sum);
                    }
                }

                if (byInput is null)
                {
                    continue;
                }

                // Input gradient: by input, so that each input's four accumulators stay in registers.
                for (int i = 0; i < inputSize; i++)
                {
                    TVector a0 = TVector.Zero, a1 = TVector.Zero, a2 = TVector.Zero, a3 = TVector.Zero;
                    int end = inputStarts[i + 1];
                    for (int j = inputStarts[i]; j < end; j++)
                    {
                        TVector wk = TVector.Broadcast(w[connections[j]]);
                        float* p = dy + ((nint)outputs[j] * group);
                        a0 = TVector.MultiplyAdd(TVector.Load(p), wk, a0);
                        a1 = TVector.MultiplyAdd(TVector.Load(p + c), wk, a1);
                        a2 = TVector.MultiplyAdd(TVector.Load(p + (2 * c)), wk, a2);
                        a3 = TVector.MultiplyAdd(TVector.Load(p + (3 * c)), wk, a3);
                    }

                    float* to = dx + ((nint)i * group);
                    TVector.Store(a0, to);
                    TVector.Store(a1, to + c);
                    TVector.Store(a2, to + (2 * c));
                    TVector.Store(a3, to + (3 * c));
                }

                TransposeBack(dxT, inputSize, samples, inputGrad.Slice(first * inputSize, samples * inputSize));
            }
        }
    }

    /// <summary><paramref name="rows"/> [samples, width] → <paramref name="transposed"/> [width, group], zero-padded past <paramref name="samples"/>.</summary>
    private static void Transpose(ReadOnlySpan<float> rows, int width, int samples, Span<float> transposed)
    {
        int group = Group;
        if (samples < group)
        {
            transposed.Clear();
        }

        BlockTranspose.Transpose(rows, width, transposed, group, samples, width);
    }

    /// <summary><paramref name="transposed"/> [width, group] → the first <paramref name="samples"/> rows of [samples, width].</summary>
    private static void TransposeBack(ReadOnlySpan<float> transposed, int width, int samples, Span<float> rows) =>
        BlockTranspose.Transpose(transposed, Group, rows, width, width, samples);
}
