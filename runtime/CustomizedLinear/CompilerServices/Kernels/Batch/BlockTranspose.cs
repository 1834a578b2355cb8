using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// The transposes around the batch kernels, in 8 × 8 tiles of AVX shuffles. Measured on a 64 × 1024 tile
/// (Zen 5): 12.7 µs, against 26 µs for scalar moves and 108 µs for AVX2 gathers, which made the
/// transposes cost more than the multiply-adds of a layer at density 0.1. On ARM64, 4 × 4 tiles of NEON zips
/// (no machine here to time them: 16 instructions a tile in place of 32 scalar moves and their addressing).
/// </summary>
internal static unsafe class BlockTranspose
{
    /// <summary>
    /// <c>destination[c * destinationStride + r] = source[r * sourceStride + c]</c> for
    /// <c>r &lt; rows</c>, <c>c &lt; columns</c>; the caller has checked that both spans hold those elements.
    /// </summary>
    public static void Transpose(ReadOnlySpan<float> source, int sourceStride, Span<float> destination, int destinationStride, int rows, int columns)
    {
        if (rows == 0 || columns == 0)
        {
            return;
        }

        // The last element read and written: spans shorter than that would be a caller bug.
        if ((long)(rows - 1) * sourceStride + columns > source.Length || (long)(columns - 1) * destinationStride + rows > destination.Length)
        {
            throw new ArgumentException("The transpose does not fit the spans it was given.");
        }

        fixed (float* s = source)
        fixed (float* d = destination)
        {
            int fullRows = 0, fullColumns = 0;
            if (Avx.IsSupported)
            {
                fullRows = rows & ~7;
                fullColumns = columns & ~7;

                // The inner loop walks along the rows of whichever side has the long stride, so that its eight
                // rows fill whole cache lines one after another. The other way round, rows a page apart
                // (a 1024-wide layer) all land in one L1 set and the tiles evict each other.
                if (sourceStride >= destinationStride)
                {
                    // Two tiles down per step, so that each destination line (16 floats) is written whole:
                    // 64 × 1024 in 5.2 µs instead of 6.3 (784 wide: 3.0 instead of 4.5).
                    int r = 0;
                    for (; r + 16 <= fullRows; r += 16)
                    {
                        for (int c = 0; c < fullColumns; c += 8)
                        {
                            Tile8x8(s + ((nint)r * sourceStride) + c, sourceStride, d + ((nint)c * destinationStride) + r, destinationStride);
                            Tile8x8(s + ((nint)(r + 8) * sourceStride) + c, sourceStride, d + ((nint)c * destinationStride) + r + 8, destinationStride);
                        }
                    }

                    for (; r < fullRows; r += 8)
                    {
                        for (int c = 0; c < fullColumns; c += 8)
                        {
                            Tile8x8(s + ((nint)r * sourceStride) + c, sourceStride, d + ((nint)c * destinationStride) + r, destinationStride);
                        }
                    }
                }
                else
                {
                    for (int c = 0; c < fullColumns; c += 8)
                    {
                        for (int r = 0; r < fullRows; r += 8)
                        {
                            Tile8x8(s + ((nint)r * sourceStride) + c, sourceStride, d + ((nint)c * destinationStride) + r, destinationStride);
                        }
                    }
                }
            }
            else if (AdvSimd.Arm64.IsSupported)
            {
                fullRows = rows & ~3;
                fullColumns = columns & ~3;
                for (int r = 0; r < fullRows; r += 4)
                {
                    for (int c = 0; c < fullColumns; c += 4)
                    {
                        Tile4x4(s + ((nint)r * sourceStride) + c, sourceStride, d + ((nint)c * destinationStride) + r, destinationStride);
                    }
                }
            }

            // The edges (and everything on machines without AVX or NEON), 16 columns at a time so that the
            // destination rows being written stay in L1.
            Scalar(s, sourceStride, d, destinationStride, 0, fullRows, fullColumns, columns);
            Scalar(s, sourceStride, d, destinationStride, fullRows, rows, 0, columns);
        }
    }

    private static void Scalar(float* s, int sourceStride, float* d, int destinationStride, int rowStart, int rowEnd, int columnStart, int columnEnd)
    {
        for (int c0 = columnStart; c0 < columnEnd; c0 += 16)
        {
            int c1 = Math.Min(columnEnd, c0 + 16);
            for (int r = rowStart; r < rowEnd; r++)
            {
                float* row = s + ((nint)r * sourceStride);
                for (int c = c0; c < c1; c++)
                {
                    d[((nint)c * destinationStride) + r] = row[c];
                }
            }
        }
    }

    /// <summary>
    /// One 4 × 4 tile with NEON: zips of 32-bit lanes pair the rows, zips of 64-bit halves make the columns. Inlined:
    /// the Tier1 listing under qemu showed a call with a frame per 16 floats. (The AVX path's choice of walking
    /// direction against cache-set conflicts is not made here: nothing ARM was here to measure it on.)
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Tile4x4(float* s, int sourceStride, float* d, int destinationStride)
    {
        Vector128<float> r0 = AdvSimd.LoadVector128(s);
        Vector128<float> r1 = AdvSimd.LoadVector128(s + sourceStride);
        Vector128<float> r2 = AdvSimd.LoadVector128(s + (2 * (nint)sourceStride));
        Vector128<float> r3 = AdvSimd.LoadVector128(s + (3 * (nint)sourceStride));
        Vector128<ulong> t0 = AdvSimd.Arm64.ZipLow(r0, r1).AsUInt64(), t1 = AdvSimd.Arm64.ZipHigh(r0, r1).AsUInt64();
        Vector128<ulong> t2 = AdvSimd.Arm64.ZipLow(r2, r3).AsUInt64(), t3 = AdvSimd.Arm64.ZipHigh(r2, r3).AsUInt64();
        AdvSimd.Store(d, AdvSimd.Arm64.ZipLow(t0, t2).AsSingle());
        AdvSimd.Store(d + destinationStride, AdvSimd.Arm64.ZipHigh(t0, t2).AsSingle());
        AdvSimd.Store(d + (2 * (nint)destinationStride), AdvSimd.Arm64.ZipLow(t1, t3).AsSingle());
        AdvSimd.Store(d + (3 * (nint)destinationStride), AdvSimd.Arm64.ZipHigh(t1, t3).AsSingle());
    }

    private static void Tile8x8(float* s, int sourceStride, float* d, int destinationStride)
    {
        Vector256<float> r0 = Avx.LoadVector256(s);
        Vector256<float> r1 = Avx.LoadVector256(s + sourceStride);
        Vector256<float> r2 = Avx.LoadVector256(s + (2 * (nint)sourceStride));
        Vector256<float> r3 = Avx.LoadVector256(s + (3 * (nint)sourceStride));
        Vector256<float> r4 = Avx.LoadVector256(s + (4 * (nint)sourceStride));
        Vector256<float> r5 = Avx.LoadVector256(s + (5 * (nint)sourceStride));
        Vector256<float> r6 = Avx.LoadVector256(s + (6 * (nint)sourceStride));
        Vector256<float> r7 = Avx.LoadVector256(s + (7 * (nint)sourceStride));

        // Pairs of rows interleaved, then pairs of pairs, then the 128-bit halves exchanged.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);

        Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(d + destinationStride, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(d + (2 * (nint)destinationStride), Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(d + (3 * (nint)destinationStride), Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(d + (4 * (nint)destinationStride), Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(d + (5 * (nint)destinationStride), Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(d + (6 * (nint)destinationStride), Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(d + (7 * (nint)destinationStride), Avx.Permute2x128(u3, u7, 0x31));
    }
}
