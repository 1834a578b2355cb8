using System;
using System.Globalization;
using System.Text;

namespace CustomizedLinear.GeneratorBenchmarks;

/// <summary>
/// Reproducible masks with an exact number of connections: about half of the cells of a square-ish
/// layer are 1, chosen with a fixed seed.
/// </summary>
public static class ScaleMasks
{
    public static (int Inputs, int Outputs) Shape(int connections)
    {
        int side = (int)Math.Ceiling(Math.Sqrt(2.0 * connections));
        return (side, side);
    }

    /// <summary>The mask as text, <c>[in, out]</c>, one row per line with no separators.</summary>
    public static string Create(int connections)
    {
        (int inputs, int outputs) = Shape(connections);
        int cells = inputs * outputs;
        // Partial Fisher-Yates: the first `connections` cells of a seeded permutation are the ones.
        var order = new int[cells];
        for (int i = 0; i < cells; i++)
        {
            order[i] = i;
        }

        var random = new Random(connections);
        var ones = new bool[cells];
        for (int i = 0; i < connections; i++)
        {
            int j = random.Next(i, cells);
            (order[i], order[j]) = (order[j], order[i]);
            ones[order[i]] = true;
        }

        var text = new StringBuilder(cells + inputs + 64);
        text.Append(CultureInfo.InvariantCulture, $"# {inputs} inputs x {outputs} outputs, {connections} connections\n");
        for (int input = 0; input < inputs; input++)
        {
            for (int output = 0; output < outputs; output++)
            {
                text.Append(ones[input * outputs + output] ? '1' : '0');
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}
