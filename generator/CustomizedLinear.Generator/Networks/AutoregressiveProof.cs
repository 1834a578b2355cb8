using System;
using System.Collections.Generic;
using System.Threading;
using CustomizedLinear.Generator.Model;

namespace CustomizedLinear.Generator.Networks;

/// <summary>One masked linear layer of a network: its connections in CSR over outputs, as in <see cref="LayerModel"/>.</summary>
/// <param name="OutputStarts">
/// <c>OutputSize + 1</c> offsets: the connections of output <c>o</c> are <c>OutputStarts[o] .. OutputStarts[o + 1]</c>.
/// </param>
/// <param name="ConnectionInputs">The input of each connection, ascending within an output.</param>
internal readonly record struct LayerConnections(int InputSize, int OutputSize, EquatableArray<int> OutputStarts, EquatableArray<int> ConnectionInputs);

/// <summary>An output of a network that depends on an input its variable must not see, and a path that shows it.</summary>
/// <param name="Path">
/// The unit the path passes through in the output of each layer but the last, from the first layer on
/// (one fewer than the layers; empty for a single layer).
/// </param>
internal sealed record AutoregressiveViolation(int Input, int Output, EquatableArray<int> Path);

/// <summary>
/// Proves a chain of masked layers autoregressive (MADE): each output <c>o</c> depends, through any path of
/// connections, only on the inputs before its variable <c>v(o)</c>. With <c>m = outputs / inputs</c> copies,
/// <c>v(o) = o mod inputs</c> when the copies are concatenated and <c>o / m</c> when they are interleaved.
/// Activations are element-wise and weights may be anything, so only which connections exist matters.
/// </summary>
internal static class AutoregressiveProof
{
    /// <summary>
    /// The words of input bitsets held at once (16 MB). Wider networks are checked in several passes over slices
    /// of their inputs, so memory stays bounded whatever the shape; a 784-input MADE needs one pass of 13 words per unit.
    /// </summary>
    private const int MaxBitsetWords = 1 << 21;

    /// <summary>Word operations between cancellation checks: about a millisecond of work.</summary>
    private const long CancellationStride = 1 << 20;

    /// <summary>
    /// <see langword="null"/> when every output depends only on the inputs before its variable; otherwise the
    /// smallest violating output, the smallest input it must not depend on, and one path from that input to it.
    /// Layers that are not a well-formed chain (<see cref="IsWellFormed"/>, which the caller checks first) are not
    /// judged and give <see langword="null"/> too: the generator must not throw on them.
    /// </summary>
    public static AutoregressiveViolation? FindViolation(IReadOnlyList<LayerConnections> layers, bool interleaved, CancellationToken cancellationToken)
        => FindViolation(layers, interleaved, MaxBitsetWords, cancellationToken);

    /// <summary>
    /// Whether the layers chain (each one's outputs are the next one's inputs), each is valid CSR with inputs in
    /// range and ascending within an output, and the last has a whole number of copies of the first one's inputs.
    /// </summary>
    public static bool IsWellFormed(IReadOnlyList<LayerConnections> layers)
    {
        if (layers is null || layers.Count == 0)
        {
            return false;
        }

        for (int k = 0; k < layers.Count; k++)
        {
            LayerConnections layer = layers[k];
            if (layer.InputSize < 0 || layer.OutputSize < 0 || (k > 0 && layer.InputSize != layers[k - 1].OutputSize))
            {
                return false;
            }

            ReadOnlySpan<int> starts = layer.OutputStarts.AsSpan();
            ReadOnlySpan<int> inputs = layer.ConnectionInputs.AsSpan();
            if (starts.Length != (long)layer.OutputSize + 1 || starts[0] != 0 || starts[layer.OutputSize] != inputs.Length)
            {
                return false;
            }

            for (int output = 0; output < layer.OutputSize; output++)
            {
                if (starts[output + 1] < starts[output] || starts[output + 1] > inputs.Length)
                {
                    return false;
                }

                int previous = -1;
                for (int c = starts[output]; c < starts[output + 1]; c++)
                {
                    if (inputs[c] < previous || inputs[c] >= layer.InputSize)
                    {
                        return false;
                    }

                    previous = inputs[c];
                }
            }
        }

        int networkInputs = layers[0].InputSize;
        int networkOutputs = layers[layers.Count - 1].OutputSize;
        return networkInputs == 0 ? networkOutputs == 0 : networkOutputs >= networkInputs && networkOutputs % networkInputs == 0;
    }

    /// <summary>As the public overload, holding at most <paramref name="maxBitsetWords"/> words (at least one per unit) at once.</summary>
    internal static AutoregressiveViolation? FindViolation(IReadOnlyList<LayerConnections> layers, bool interleaved, int maxBitsetWords, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!IsWellFormed(layers))
        {
            return null;
        }

        int inputs = layers[0].InputSize;
        int outputs = layers[layers.Count - 1].OutputSize;
        if (outputs == 0)
        {
            return null;
        }

        int copies = outputs / inputs;
        int words = (inputs + 63) >> 6;
        int widest = 1;
        for (int k = 0; k < layers.Count - 1; k++)
        {
            widest = Math.Max(widest, layers[k].OutputSize);
        }

        // Two layers of hidden bitsets are alive at once: the one being built and the one it reads.
        int sliceWords = (int)Math.Max(1, Math.Min(words, maxBitsetWords / (2L * widest)));
        var pacer = new Pacer(cancellationToken);
        ulong[] previous = layers.Count > 1 ? new ulong[widest * sliceWords] : [];
        ulong[] current = layers.Count > 1 ? new ulong[widest * sliceWords] : [];
        var outputBits = new ulong[sliceWords];

        int bestOutput = outputs;
        int bestInput = -1;

        // Slices run in input order, so an output's first offending slice holds its smallest offending input,
        // and once an output is found only smaller outputs can still replace it.
        for (int first = 0; first < words && bestOutput > 0; first += sliceWords)
        {
            int count = Math.Min(sliceWords, words - first);
            for (int k = 0; k < layers.Count - 1; k++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                LayerConnections layer = layers[k];
                Array.Clear(current, 0, layer.OutputSize * count);
                for (int unit = 0; unit < layer.OutputSize; unit++)
                {
                    Gather(layer, unit, k == 0, previous, current, unit * count, first, count, pacer);
                }

                (previous, current) = (current, previous);
            }

            cancellationToken.ThrowIfCancellationRequested();
            LayerConnections last = layers[layers.Count - 1];
            long sliceEnd = (first + count) * 64L;
            for (int output = 0; output < bestOutput; output++)
            {
                int allowed = interleaved ? output / copies : output % inputs;
                if (allowed >= sliceEnd)
                {
                    // The output may see every input of this slice.
                    continue;
                }

                Array.Clear(outputBits, 0, count);
                Gather(last, output, layers.Count == 1, previous, outputBits, 0, first, count, pacer);
                int offending = FirstOffending(outputBits, first, count, allowed);
                if (offending >= 0)
                {
                    bestOutput = output;
                    bestInput = offending;
                    break;
                }
            }
        }

        return bestInput < 0 ? null : new AutoregressiveViolation(bestInput, bestOutput, PathOf(layers, bestInput, bestOutput, pacer));
    }

    /// <summary>
    /// ORs into <paramref name="destination"/> the slice of input bits each of <paramref name="unit"/>'s connections
    /// carries: a single bit for a network input, the source unit's slice for a hidden one.
    /// </summary>
    private static void Gather(
        LayerConnections layer, int unit, bool fromNetworkInputs, ulong[] source, ulong[] destination, int offset, int first, int count, Pacer pacer)
    {
        ReadOnlySpan<int> inputs = layer.ConnectionInputs.AsSpan();
        ReadOnlySpan<int> starts = layer.OutputStarts.AsSpan();
        int start = starts[unit];
        int end = starts[unit + 1];
        if (fromNetworkInputs)
        {
            for (int c = start; c < end; c++)
            {
                int word = (inputs[c] >> 6) - first;
                if ((uint)word < (uint)count)
                {
                    destination[offset + word] |= 1UL << (inputs[c] & 63);
                }
            }

            pacer.Add(end - start);
            return;
        }

        for (int c = start; c < end; c++)
        {
            int from = inputs[c] * count;
            for (int w = 0; w < count; w++)
            {
                destination[offset + w] |= source[from + w];
            }
        }

        pacer.Add((long)(end - start) * count);
    }

    /// <summary>The smallest input at or after <paramref name="allowed"/> in the slice, or -1.</summary>
    private static int FirstOffending(ulong[] bits, int first, int count, int allowed)
    {
        for (int w = 0; w < count; w++)
        {
            long low = (first + w) * 64L;
            if (low + 64 <= allowed)
            {
                continue;
            }

            ulong word = allowed > low ? bits[w] & (ulong.MaxValue << (int)(allowed - low)) : bits[w];
            if (word != 0)
            {
                int bit = 0;
                while ((word & 1) == 0)
                {
                    word >>= 1;
                    bit++;
                }

                return (int)(low + bit);
            }
        }

        return -1;
    }

    /// <summary>
    /// Walks back from the output, at each layer to the smallest unit that connects to the unit after it and
    /// depends on the input. Only this input's reach is needed, one flag per unit, so the bitsets of the search
    /// are not kept for it.
    /// </summary>
    private static EquatableArray<int> PathOf(IReadOnlyList<LayerConnections> layers, int input, int output, Pacer pacer)
    {
        int hiddenLayers = layers.Count - 1;
        if (hiddenLayers == 0)
        {
            return EquatableArray<int>.Empty;
        }

        var reaches = new bool[hiddenLayers][];
        for (int k = 0; k < hiddenLayers; k++)
        {
            LayerConnections layer = layers[k];
            ReadOnlySpan<int> starts = layer.OutputStarts.AsSpan();
            ReadOnlySpan<int> inputs = layer.ConnectionInputs.AsSpan();
            reaches[k] = new bool[layer.OutputSize];
            for (int unit = 0; unit < layer.OutputSize; unit++)
            {
                for (int c = starts[unit]; c < starts[unit + 1]; c++)
                {
                    if (k == 0 ? inputs[c] == input : reaches[k - 1][inputs[c]])
                    {
                        reaches[k][unit] = true;
                        break;
                    }
                }
            }

            pacer.Add(inputs.Length);
        }

        var path = new int[hiddenLayers];
        int next = output;
        for (int k = hiddenLayers; k > 0; k--)
        {
            // Inputs ascend within a unit, so the first unit that reaches the input is the smallest. One exists:
            // the search found the input in the bitset of the unit after it.
            ReadOnlySpan<int> starts = layers[k].OutputStarts.AsSpan();
            ReadOnlySpan<int> inputs = layers[k].ConnectionInputs.AsSpan();
            for (int c = starts[next]; c < starts[next + 1]; c++)
            {
                if (reaches[k - 1][inputs[c]])
                {
                    next = inputs[c];
                    break;
                }
            }

            path[k - 1] = next;
        }

        return new EquatableArray<int>(path);
    }

    /// <summary>Checks for cancellation after each stride of work rather than per unit, which may be one connection or thousands.</summary>
    private sealed class Pacer(CancellationToken cancellationToken)
    {
        private long _work;

        public void Add(long work)
        {
            _work += work;
            if (_work >= CancellationStride)
            {
                _work = 0;
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }
}
