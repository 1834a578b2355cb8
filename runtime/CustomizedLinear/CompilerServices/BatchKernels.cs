using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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

    public static void Forward(
        ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> input, Span<float> output, int inputSize, int outputSize)
    {
        int group = Group;
        int batch = input.Length / inputSize;
        Span<float> scratch = Scratch.Get((inputSize + outputSize) * group);
        Span<float> xT = scratch[..(inputSize * group)];
        Span<float> yT = scratch.Slice(inputSize * group, outputSize * group);
        ref readonly float w = ref MemoryMarshal.GetReference(weights);
        ref readonly int inputs = ref MemoryMarshal.GetReference(connectionInputs);
        ref readonly int starts = ref MemoryMarshal.GetReference(outputStarts);
        ref float x = ref MemoryMarshal.GetReference(xT);
        ref float y = ref MemoryMarshal.GetReference(yT);
        nuint c = (nuint)TVector.Count, g = (nuint)group;

        for (int first = 0; first < batch; first += group)
        {
            int samples = Math.Min(group, batch - first);
            Transpose(input.Slice(first * inputSize, samples * inputSize), inputSize, samples, xT);
            for (int o = 0; o < outputSize; o++)
            {
                TVector b = bias.IsEmpty ? TVector.Zero : TVector.Broadcast(bias[o]);
                TVector a0 = b, a1 = b, a2 = b, a3 = b;
                int end = Unsafe.Add(ref Unsafe.AsRef(in starts), o + 1);
                for (int k = Unsafe.Add(ref Unsafe.AsRef(in starts), o); k < end; k++)
                {
                    TVector wk = TVector.Broadcast(Unsafe.Add(ref Unsafe.AsRef(in w), k));
                    nuint at = (nuint)Unsafe.Add(ref Unsafe.AsRef(in inputs), k) * g;
                    a0 = TVector.MultiplyAdd(wk, TVector.Load(in x, at), a0);
                    a1 = TVector.MultiplyAdd(wk, TVector.Load(in x, at + c), a1);
                    a2 = TVector.MultiplyAdd(wk, TVector.Load(in x, at + 2 * c), a2);
                    a3 = TVector.MultiplyAdd(wk, TVector.Load(in x, at + 3 * c), a3);
                }

                nuint to = (nuint)o * g;
                TVector.Store(a0, ref y, to);
                TVector.Store(a1, ref y, to + c);
                TVector.Store(a2, ref y, to + 2 * c);
                TVector.Store(a3, ref y, to + 3 * c);
            }

            TransposeBack(yT, outputSize, samples, output.Slice(first * outputSize, samples * outputSize));
        }
    }

    public static void Backward(
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
        ref readonly int inputs = ref MemoryMarshal.GetReference(connectionInputs);
        ref readonly int starts = ref MemoryMarshal.GetReference(outputStarts);
        ref float x = ref MemoryMarshal.GetReference(xT);
        ref float dy = ref MemoryMarshal.GetReference(dyT);
        ref float gw = ref MemoryMarshal.GetReference(weightGrad);
        nuint c = (nuint)TVector.Count, g = (nuint)group;

        for (int first = 0; first < batch; first += group)
        {
            int samples = Math.Min(group, batch - first);
            Transpose(input.Slice(first * inputSize, samples * inputSize), inputSize, samples, xT);
            Transpose(outputGrad.Slice(first * outputSize, samples * outputSize), outputSize, samples, dyT);

            // Weight gradient: for each connection, the dot product of its output's gradient and its input over the group.
            for (int o = 0; o < outputSize; o++)
            {
                nuint at = (nuint)o * g;
                TVector d0 = TVector.Load(in dy, at), d1 = TVector.Load(in dy, at + c), d2 = TVector.Load(in dy, at + 2 * c), d3 = TVector.Load(in dy, at + 3 * c);
                if (!biasGrad.IsEmpty)
                {
                    biasGrad[o] += TVector.Sum(TVector.Add(TVector.Add(d0, d1), TVector.Add(d2, d3)));
                }

                int end = Unsafe.Add(ref Unsafe.AsRef(in starts), o + 1);
                for (int k = Unsafe.Add(ref Unsafe.AsRef(in starts), o); k < end; k++)
                {
                    nuint xi = (nuint)Unsafe.Add(ref Unsafe.AsRef(in inputs), k) * g;
                    TVector sum = TVector.Multiply(d0, TVector.Load(in x, xi));
                    sum = TVector.MultiplyAdd(d1, TVector.Load(in x, xi + c), sum);
                    sum = TVector.MultiplyAdd(d2, TVector.Load(in x, xi + 2 * c), sum);
                    sum = TVector.MultiplyAdd(d3, TVector.Load(in x, xi + 3 * c), sum);
                    Unsafe.Add(ref gw, k) += TVector.Sum(sum);
                }
            }

            if (byInput is null)
            {
                continue;
            }

            // Input gradient: by input, so that each input's four accumulators stay in registers.
            ref readonly float w = ref MemoryMarshal.GetReference(weights);
            ref readonly int inputStarts = ref MemoryMarshal.GetArrayDataReference(byInput.InputStarts);
            ref readonly int outputs = ref MemoryMarshal.GetArrayDataReference(byInput.Outputs);
            ref readonly int connections = ref MemoryMarshal.GetArrayDataReference(byInput.Connections);
            ref float dx = ref MemoryMarshal.GetReference(dxT);
            for (int i = 0; i < inputSize; i++)
            {
                TVector a0 = TVector.Zero, a1 = TVector.Zero, a2 = TVector.Zero, a3 = TVector.Zero;
                int end = Unsafe.Add(ref Unsafe.AsRef(in inputStarts), i + 1);
                for (int j = Unsafe.Add(ref Unsafe.AsRef(in inputStarts), i); j < end; j++)
                {
                    TVector wk = TVector.Broadcast(Unsafe.Add(ref Unsafe.AsRef(in w), Unsafe.Add(ref Unsafe.AsRef(in connections), j)));
                    nuint at = (nuint)Unsafe.Add(ref Unsafe.AsRef(in outputs), j) * g;
                    a0 = TVector.MultiplyAdd(wk, TVector.Load(in dy, at), a0);
                    a1 = TVector.MultiplyAdd(wk, TVector.Load(in dy, at + c), a1);
                    a2 = TVector.MultiplyAdd(wk, TVector.Load(in dy, at + 2 * c), a2);
                    a3 = TVector.MultiplyAdd(wk, TVector.Load(in dy, at + 3 * c), a3);
                }

                nuint to = (nuint)i * g;
                TVector.Store(a0, ref dx, to);
                TVector.Store(a1, ref dx, to + c);
                TVector.Store(a2, ref dx, to + 2 * c);
                TVector.Store(a3, ref dx, to + 3 * c);
            }

            TransposeBack(dxT, inputSize, samples, inputGrad.Slice(first * inputSize, samples * inputSize));
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

        ref float destination = ref MemoryMarshal.GetReference(transposed);
        for (int s = 0; s < samples; s++)
        {
            ReadOnlySpan<float> row = rows.Slice(s * width, width);
            ref float column = ref Unsafe.Add(ref destination, s);
            for (int i = 0; i < row.Length; i++)
            {
                Unsafe.Add(ref column, (nint)i * group) = row[i];
            }
        }
    }

    /// <summary><paramref name="transposed"/> [width, group] → the first <paramref name="samples"/> rows of [samples, width].</summary>
    private static void TransposeBack(ReadOnlySpan<float> transposed, int width, int samples, Span<float> rows)
    {
        int group = Group;
        ref readonly float source = ref MemoryMarshal.GetReference(transposed);
        for (int s = 0; s < samples; s++)
        {
            Span<float> row = rows.Slice(s * width, width);
            ref readonly float column = ref Unsafe.Add(ref Unsafe.AsRef(in source), s);
            for (int i = 0; i < row.Length; i++)
            {
                row[i] = Unsafe.Add(ref Unsafe.AsRef(in column), (nint)i * group);
            }
        }
    }
}
