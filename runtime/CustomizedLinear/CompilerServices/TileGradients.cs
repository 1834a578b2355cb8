using System;
using System.ComponentModel;
using System.Numerics.Tensors;

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// A layer's weight and bias gradients for the tiles of a parallel backward pass after the first (the first adds
/// straight into the layer's own gradients): one zeroed buffer per tile, added into the layer's gradients in tile
/// order and zeroed again. Kept by the layer instance between calls, so that steady-state calls allocate nothing;
/// the price is memory: (degree − 1) × the layer's weights and biases, for as long as the layer lives.
/// </summary>
/// <remarks>Used by generated code; not part of the public contract.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TileGradients
{
    /// <summary>Floats reduced per work item: small enough that a chunk's buffers stay in L2 between the add and the clear.</summary>
    internal const int ChunkLength = 16 * 1024;

    private readonly float[][] _tiles;

    /// <summary>Buffers for <paramref name="tiles"/> extra tiles: those of <paramref name="earlier"/> (zero between calls), then new ones.</summary>
    private TileGradients(int tiles, int length, TileGradients? earlier)
    {
        _tiles = new float[tiles][];
        int kept = earlier is null || earlier.Length != length ? 0 : Math.Min(tiles, earlier._tiles.Length);
        for (int t = 0; t < tiles; t++)
        {
            _tiles[t] = t < kept ? earlier!._tiles[t] : new float[length];
        }

        Length = length;
    }

    /// <summary>Floats per tile: the weight gradients, then the bias gradients.</summary>
    internal int Length { get; }

    /// <summary>The buffers in <paramref name="cache"/>, made (zeroed) or grown for <paramref name="tiles"/> extra tiles of <paramref name="length"/> floats.</summary>
    internal static TileGradients Get(ref TileGradients? cache, int tiles, int length)
    {
        if (cache is { } built && built._tiles.Length >= tiles && built.Length == length)
        {
            return built;
        }

        return cache = new TileGradients(tiles, length, cache);
    }

    /// <summary>Zeroes the buffers of extra tiles <c>0 … tiles − 1</c>: after a tile threw, its partial sums must not reach the next call.</summary>
    internal void Clear(int tiles)
    {
        for (int t = 0; t < tiles; t++)
        {
            _tiles[t].AsSpan().Clear();
        }
    }

    /// <summary>Extra tile <paramref name="tile"/>'s buffer (zero unless its backward pass has run since the last reduction).</summary>
    internal Span<float> Tile(int tile) => _tiles[tile];

    /// <summary>
    /// Chunk <paramref name="chunk"/> of <c>gradients</c> (the layer's weight gradients, then its bias gradients, at
    /// <paramref name="offset"/> in this buffer's layout) plus extra tiles <c>0 … tiles − 1</c>, added in tile order;
    /// the tiles' chunk is zeroed for the next call.
    /// </summary>
    internal void AddChunkInto(Span<float> gradients, int offset, int tiles, int chunk)
    {
        int start = chunk * ChunkLength;
        int length = Math.Min(ChunkLength, gradients.Length - start);
        Span<float> into = gradients.Slice(start, length);
        for (int t = 0; t < tiles; t++)
        {
            Span<float> from = _tiles[t].AsSpan(offset + start, length);
            TensorPrimitives.Add(into, from, into);
            from.Clear();
        }
    }
}
