using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace CustomizedLinear.Benchmarks;

/// <summary>
/// What the batch kernels' one-output loop can reach on this machine, whatever the layer: the same instruction
/// shape as <c>BatchKernels.Forward</c> (per pair of connections two index loads, two weight broadcasts and
/// eight 512-bit multiply-adds reading 64-sample transposed input rows) over <see cref="Connections"/> rows
/// drawn at random from a region of <see cref="RegionKB"/> KB, against the same multiply-adds over the region's
/// rows in order (one load per multiply-add, nothing else), and against the same loop over the same rows with
/// each row number computed in registers instead of loaded from the index table (<see cref="ComputedRows"/>: is
/// it the table loads that cost?). 24 KB is an L1 block of the forward pass, 120 KB
/// the backward pass's block at density 0.1, 256 KB a whole 1024-input group (density 0.01). Read against
/// <see cref="PeakProbe"/>; <c>report.py</c> prints the table. AVX-512 machines only.
/// </summary>
public unsafe class SparseLoopCeilingBenchmarks
{
    public const int Connections = 4096;
    private const int RowFloats = 64;

    /// <summary>Useful flops of one call of either method: four 16-lane multiply-adds per connection.</summary>
    public const long Flops = (long)Connections * 4 * 16 * 2;

    private float* _rows, _weights;
    private int* _inputs;
    private int _rowCount;

    [Params(24, 120, 256)]
    public int RegionKB { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            throw new NotSupportedException("The ceiling benchmarks measure the 512-bit loop.");
        }

        _rowCount = RegionKB * 1024 / (RowFloats * sizeof(float));
        _rows = (float*)NativeMemory.AlignedAlloc((nuint)(_rowCount * RowFloats * sizeof(float)), 64);
        _weights = (float*)NativeMemory.AlignedAlloc(Connections * sizeof(float), 64);
        _inputs = (int*)NativeMemory.AlignedAlloc(Connections * sizeof(int), 64);
        new Span<float>(_rows, _rowCount * RowFloats).Fill(1e-3f);
        var random = new Random(3);
        for (int k = 0; k < Connections; k++)
        {
            _weights[k] = (float)random.NextDouble();
            _inputs[k] = (int)Hash((uint)k, (uint)_rowCount);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        NativeMemory.AlignedFree(_rows);
        NativeMemory.AlignedFree(_weights);
        NativeMemory.AlignedFree(_inputs);
    }

    [Benchmark]
    public float RandomRows() => OneOutputLoop<RowsFromTable>();

    [Benchmark]
    public float ComputedRows() => OneOutputLoop<RowsFromHash>();

    /// <summary>
    /// The one-output loop, one specialised copy per source of row numbers, so both benchmarks run the same
    /// instructions apart from where a row number comes from.
    /// </summary>
    private float OneOutputLoop<TRows>()
        where TRows : struct, IRowNumbers
    {
        float* x = _rows, w = _weights;
        int* inputs = _inputs;
        uint rows = (uint)_rowCount;
        Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, a2 = a0, a3 = a0, e0 = a0, e1 = a0, e2 = a0, e3 = a0;
        for (int k = 0; k < Connections; k += 2)
        {
            Vector512<float> wk = Vector512.Create(w[k]), wl = Vector512.Create(w[k + 1]);
            float* p = x + (TRows.Row(inputs, k, rows) * RowFloats), q = x + (TRows.Row(inputs, k + 1, rows) * RowFloats);
            a0 = Vector512.FusedMultiplyAdd(Vector512.Load(p), wk, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 16), wk, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 32), wk, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 48), wk, a3);
            e0 = Vector512.FusedMultiplyAdd(Vector512.Load(q), wl, e0);
            e1 = Vector512.FusedMultiplyAdd(Vector512.Load(q + 16), wl, e1);
            e2 = Vector512.FusedMultiplyAdd(Vector512.Load(q + 32), wl, e2);
            e3 = Vector512.FusedMultiplyAdd(Vector512.Load(q + 48), wl, e3);
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + e0 + e1 + e2 + e3);
    }

    private interface IRowNumbers
    {
        static abstract nint Row(int* inputs, int k, uint rows);
    }

    /// <summary>As the batch kernels do: the row number is loaded from the index table.</summary>
    private struct RowsFromTable : IRowNumbers
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static nint Row(int* inputs, int k, uint rows) => inputs[k];
    }

    /// <summary>The same row number computed in registers: no load, nothing for its address to wait on.</summary>
    private struct RowsFromHash : IRowNumbers
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static nint Row(int* inputs, int k, uint rows) => (nint)Hash((uint)k, rows);
    }

    /// <summary>
    /// The row of connection <paramref name="k"/>: a multiplicative hash of it scaled to <paramref name="rows"/>,
    /// random-looking like a random mask's inputs, and the same in the table and in <see cref="ComputedRows"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(uint k, uint rows)
    {
        uint h = k * 0x9E3779B1u;
        h ^= h >> 15;
        h *= 0x2C1B3C6Du;
        h ^= h >> 12;
        return (uint)(((ulong)h * rows) >> 32);
    }

    [Benchmark]
    public float RowsInOrder()
    {
        float* x = _rows;
        int rows = _rowCount;
        Vector512<float> w = Vector512.Create(0.5f);
        Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, a2 = a0, a3 = a0, e0 = a0, e1 = a0, e2 = a0, e3 = a0;
        for (int k = 0, row = 0; k < Connections; k += 2, row = row + 2 < rows ? row + 2 : 0)
        {
            float* p = x + ((nint)row * RowFloats);
            a0 = Vector512.FusedMultiplyAdd(Vector512.Load(p), w, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 16), w, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 32), w, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 48), w, a3);
            e0 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 64), w, e0);
            e1 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 80), w, e1);
            e2 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 96), w, e2);
            e3 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 112), w, e3);
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + e0 + e1 + e2 + e3);
    }
}
