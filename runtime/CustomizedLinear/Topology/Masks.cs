// The mask builders: MADE, random, fixed fan-in, banded, block-diagonal, image patches and the
// degree-preserving shuffle (topology.md, "Mask builders").
using System;
using System.Collections.Generic;

namespace CustomizedLinear;

/// <summary>
/// Builds connectivity masks for masked linear layers. Every mask is <c>bool[inputs, outputs]</c> (<c>[in, out]</c>,
/// the mask file's orientation): <c>mask[i, o]</c> is true when input <c>i</c> connects to output <c>o</c>.
/// </summary>
/// <remarks>
/// Seeded builders use the library's own generator (xoshiro256** seeded by SplitMix64), so a seed gives the same
/// mask on every machine and every .NET version.
/// </remarks>
public static class Masks
{
    /// <summary>
    /// The masks of a MADE network (Germain et al., "MADE: Masked Autoencoder for Distribution Estimation", 2015):
    /// one per layer, inputs → hidden layers → outputs, such that output <c>o</c> depends only on the inputs
    /// before its variable.
    /// </summary>
    /// <param name="inputSize">The number of input variables, at least 2. Input <c>i</c> has degree <c>i + 1</c>.</param>
    /// <param name="hiddenSizes">The hidden layers' sizes, each at least 1; may be empty (inputs straight to outputs).</param>
    /// <param name="seed">The seed of <see cref="MadeDegrees.Random"/>; unused with <see cref="MadeDegrees.Cyclic"/>.</param>
    /// <param name="outputMultiplier">
    /// k, at least 1: there are <c>k · inputSize</c> outputs, k per variable (e.g. a mean and a scale each).
    /// </param>
    /// <param name="hiddenDegrees">How hidden units get their degrees.</param>
    /// <param name="outputOrder">
    /// Which variable an output belongs to: <c>o mod inputSize</c> (<see cref="MadeOutputOrder.Concatenated"/>) or
    /// <c>o / k</c> (<see cref="MadeOutputOrder.Interleaved"/>).
    /// </param>
    /// <returns>
    /// <c>hiddenSizes.Count + 1</c> masks; mask <c>l</c> is <c>[size of layer l − 1, size of layer l]</c> with the
    /// inputs as layer −1 and the outputs last. A hidden unit connects to a unit of the layer below when its degree
    /// is at least that unit's; an output, whose degree is its variable's index + 1, when its degree is greater.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="hiddenSizes"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size, the multiplier or an enum value is out of range.</exception>
    public static bool[][,] Made(int inputSize, IReadOnlyList<int> hiddenSizes, ulong seed = 0,
        int outputMultiplier = 1, MadeDegrees hiddenDegrees = MadeDegrees.Random,
        MadeOutputOrder outputOrder = MadeOutputOrder.Concatenated)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 2);
        ArgumentNullException.ThrowIfNull(hiddenSizes);
        for (int l = 0; l < hiddenSizes.Count; l++)
        {
            if (hiddenSizes[l] < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(hiddenSizes), hiddenSizes[l],
                    $"Hidden layer {l} has size {hiddenSizes[l]}; every hidden layer needs at least one unit.");
            }
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(outputMultiplier, 1);
        if (hiddenDegrees is not (MadeDegrees.Random or MadeDegrees.Cyclic))
        {
            throw new ArgumentOutOfRangeException(nameof(hiddenDegrees), hiddenDegrees, "Unknown MadeDegrees value.");
        }
        if (outputOrder is not (MadeOutputOrder.Concatenated or MadeOutputOrder.Interleaved))
        {
            throw new ArgumentOutOfRangeException(nameof(outputOrder), outputOrder, "Unknown MadeOutputOrder value.");
        }
        if ((long)inputSize * outputMultiplier > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(outputMultiplier), outputMultiplier,
                "inputSize × outputMultiplier outputs are more than an array can hold.");
        }

        var previous = new int[inputSize];
        for (int i = 0; i < inputSize; i++)
        {
            previous[i] = i + 1;
        }

        var masks = new bool[hiddenSizes.Count + 1][,];
        TopologyRandom? random = hiddenDegrees == MadeDegrees.Random ? new TopologyRandom(seed) : null;
        int previousMin = 1;
        for (int l = 0; l < hiddenSizes.Count; l++)
        {
            var degrees = new int[hiddenSizes[l]];
            int min = int.MaxValue;
            for (int j = 0; j < degrees.Length; j++)
            {
                degrees[j] = random is null ? j % (inputSize - 1) + 1 : random.NextInt(previousMin, inputSize - 1);
                min = Math.Min(min, degrees[j]);
            }

            var mask = new bool[previous.Length, degrees.Length];
            for (int v = 0; v < previous.Length; v++)
            {
                for (int u = 0; u < degrees.Length; u++)
                {
                    mask[v, u] = degrees[u] >= previous[v];
                }
            }
            masks[l] = mask;
            previous = degrees;
            previousMin = min;
        }

        int k = outputMultiplier;
        int outputs = inputSize * k;
        var outputMask = new bool[previous.Length, outputs];
        for (int o = 0; o < outputs; o++)
        {
            int variable = outputOrder == MadeOutputOrder.Concatenated ? o % inputSize : o / k;
            // Degree variable + 1 with a strict ">" lets output o see exactly the units that see inputs < variable.
            int degree = variable + 1;
            for (int v = 0; v < previous.Length; v++)
            {
                outputMask[v, o] = degree > previous[v];
            }
        }
        masks[^1] = outputMask;
        return masks;
    }

    /// <summary>A random mask: each connection exists independently with probability <paramref name="density"/>.</summary>
    /// <param name="inputSize">Rows, at least 1.</param>
    /// <param name="outputSize">Columns, at least 1.</param>
    /// <param name="density">The probability of each connection, in [0, 1].</param>
    /// <param name="seed">The seed; cells are drawn row by row (input 0's outputs first).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or the density is out of range (NaN included).</exception>
    public static bool[,] Random(int inputSize, int outputSize, double density, ulong seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputSize, 1);
        if (!(density >= 0 && density <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(density), density, "The density must be in [0, 1].");
        }

        var random = new TopologyRandom(seed);
        var mask = new bool[inputSize, outputSize];
        for (int i = 0; i < inputSize; i++)
        {
            for (int o = 0; o < outputSize; o++)
            {
                // NextDouble is < 1, so density 1 connects everything and density 0 nothing.
                mask[i, o] = random.NextDouble() < density;
            }
        }
        return mask;
    }

    /// <summary>A random mask in which every output has exactly <paramref name="fanIn"/> distinct inputs, chosen uniformly.</summary>
    /// <param name="inputSize">Rows, at least 1.</param>
    /// <param name="outputSize">Columns, at least 1.</param>
    /// <param name="fanIn">Inputs per output, in [1, <paramref name="inputSize"/>].</param>
    /// <param name="seed">The seed; outputs are drawn in order.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or the fan-in is out of range.</exception>
    public static bool[,] RandomFanIn(int inputSize, int outputSize, int fanIn, ulong seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(fanIn, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fanIn, inputSize);

        var random = new TopologyRandom(seed);
        var mask = new bool[inputSize, outputSize];
        var order = new int[inputSize];
        for (int i = 0; i < inputSize; i++)
        {
            order[i] = i;
        }
        for (int o = 0; o < outputSize; o++)
        {
            // A partial Fisher–Yates shuffle of whatever permutation the last output left: its first fanIn entries
            // are a uniform subset whatever the starting order, and no reset is needed.
            for (int j = 0; j < fanIn; j++)
            {
                int pick = random.NextInt(j, inputSize - 1);
                (order[j], order[pick]) = (order[pick], order[j]);
                mask[order[j], o] = true;
            }
        }
        return mask;
    }

    /// <summary>
    /// A banded mask: output <c>o</c> is centred on input
    /// <c>c = round((o + 0.5) · inputSize / outputSize − 0.5)</c> (ties to even) and sees inputs
    /// <c>max(0, c − halfWidth) … min(inputSize − 1, c + halfWidth)</c>.
    /// </summary>
    /// <param name="inputSize">Rows, at least 1.</param>
    /// <param name="outputSize">Columns, at least 1.</param>
    /// <param name="halfWidth">Inputs on each side of the centre, at least 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or the half-width is out of range.</exception>
    public static bool[,] Banded(int inputSize, int outputSize, int halfWidth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(halfWidth);

        var mask = new bool[inputSize, outputSize];
        for (int o = 0; o < outputSize; o++)
        {
            int c = (int)Math.Round((o + 0.5) * inputSize / outputSize - 0.5, MidpointRounding.ToEven);
            // long: c ± halfWidth may pass int's range when halfWidth is huge.
            int first = (int)Math.Max(0L, (long)c - halfWidth);
            int last = (int)Math.Min(inputSize - 1L, (long)c + halfWidth);
            for (int i = first; i <= last; i++)
            {
                mask[i, o] = true;
            }
        }
        return mask;
    }

    /// <summary>
    /// A block-diagonal mask: block <c>b</c> connects its <c>Inputs</c> inputs to all its <c>Outputs</c> outputs, the
    /// blocks placed one after another along the diagonal, nothing between blocks.
    /// </summary>
    /// <param name="blocks">The blocks in order; at least one, each with at least one input and one output.</param>
    /// <exception cref="ArgumentNullException"><paramref name="blocks"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="blocks"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A block has a size below 1, or the total is too large.</exception>
    public static bool[,] BlockDiagonal(IReadOnlyList<(int Inputs, int Outputs)> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        if (blocks.Count == 0)
        {
            throw new ArgumentException("At least one block is needed.", nameof(blocks));
        }
        long inputs = 0, outputs = 0;
        for (int b = 0; b < blocks.Count; b++)
        {
            if (blocks[b].Inputs < 1 || blocks[b].Outputs < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(blocks), blocks[b],
                    $"Block {b} is {blocks[b].Inputs} × {blocks[b].Outputs}; a block needs at least one input and one output.");
            }
            inputs += blocks[b].Inputs;
            outputs += blocks[b].Outputs;
        }
        if (inputs > Array.MaxLength || outputs > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(blocks), "The blocks add up to more inputs or outputs than an array can hold.");
        }

        var mask = new bool[inputs, outputs];
        int row = 0, column = 0;
        foreach ((int blockInputs, int blockOutputs) in blocks)
        {
            for (int i = row; i < row + blockInputs; i++)
            {
                for (int o = column; o < column + blockOutputs; o++)
                {
                    mask[i, o] = true;
                }
            }
            row += blockInputs;
            column += blockOutputs;
        }
        return mask;
    }

    /// <summary>
    /// Local patches of an image, like a Conv2d without padding: the inputs are the
    /// <paramref name="width"/> × <paramref name="height"/> pixels row by row, and each output sees one
    /// <paramref name="patch"/> × <paramref name="patch"/> square. Outputs are the patch positions row by row, top-left
    /// first, <c>(width − patch) / stride + 1</c> per row and <c>(height − patch) / stride + 1</c> rows; pixels past the
    /// last whole stride are dropped.
    /// </summary>
    /// <param name="width">Image width in pixels, at least <paramref name="patch"/>.</param>
    /// <param name="height">Image height in pixels, at least <paramref name="patch"/>.</param>
    /// <param name="patch">The side of a patch, at least 1.</param>
    /// <param name="stride">The step between patch positions, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range, or the image is too large.</exception>
    public static bool[,] LocalPatches(int width, int height, int patch, int stride = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(patch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, patch);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, patch);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        if ((long)width * height > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, "width × height pixels are more than an array can hold.");
        }

        int across = (width - patch) / stride + 1;
        int down = (height - patch) / stride + 1;
        var mask = new bool[width * height, across * down];
        for (int py = 0; py < down; py++)
        {
            for (int px = 0; px < across; px++)
            {
                int output = py * across + px;
                for (int y = py * stride; y < py * stride + patch; y++)
                {
                    for (int x = px * stride; x < px * stride + patch; x++)
                    {
                        mask[y * width + x, output] = true;
                    }
                }
            }
        }
        return mask;
    }

    /// <summary>
    /// A random control for a mask: the same number of connections at every input and every output, placed at random
    /// by edge swaps. Each swap picks two connections <c>(i₁, o₁)</c>, <c>(i₂, o₂)</c> uniformly and, when
    /// <c>(i₁, o₂)</c> and <c>(i₂, o₁)</c> are both absent, replaces them by those two.
    /// </summary>
    /// <param name="mask">The mask to shuffle (<c>[in, out]</c>); not modified.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="swaps">
    /// The number of swaps attempted (a swap that would duplicate a connection is skipped and still counts, so a mask
    /// with no possible swap ends too); <see langword="null"/> means 10 × the number of connections.
    /// </param>
    /// <returns>A new mask with the same row and column sums.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="mask"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="swaps"/> is negative.</exception>
    public static bool[,] ShufflePreservingDegrees(bool[,] mask, ulong seed = 0, int? swaps = null)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (swaps is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(swaps), swaps, "The number of swaps must not be negative.");
        }

        int inputs = mask.GetLength(0), outputs = mask.GetLength(1);
        var result = (bool[,])mask.Clone();
        // Connections in canonical order (output by output, inputs ascending) so that the seed's meaning does not
        // depend on how the mask is stored.
        var edgeInputs = new List<int>();
        var edgeOutputs = new List<int>();
        for (int o = 0; o < outputs; o++)
        {
            for (int i = 0; i < inputs; i++)
            {
                if (mask[i, o])
                {
                    edgeInputs.Add(i);
                    edgeOutputs.Add(o);
                }
            }
        }

        int edges = edgeInputs.Count;
        long attempts = swaps ?? 10L * edges;
        if (edges < 2)
        {
            return result;
        }
        var random = new TopologyRandom(seed);
        for (long s = 0; s < attempts; s++)
        {
            int a = (int)random.NextBelow((ulong)edges);
            int b = (int)random.NextBelow((ulong)edges);
            int i1 = edgeInputs[a], o1 = edgeOutputs[a];
            int i2 = edgeInputs[b], o2 = edgeOutputs[b];
            if (i1 == i2 || o1 == o2 || result[i1, o2] || result[i2, o1])
            {
                continue;
            }
            result[i1, o1] = false;
            result[i2, o2] = false;
            result[i1, o2] = true;
            result[i2, o1] = true;
            edgeOutputs[a] = o2;
            edgeOutputs[b] = o1;
        }
        return result;
    }
}
