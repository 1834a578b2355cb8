using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace CustomizedLinear.Tool;

/// <summary>What <c>inspect</c> prints about a mask.</summary>
internal static class Inspection
{
    /// <summary>The most unconnected indices listed; the rest are counted.</summary>
    public const int ListedIndices = 20;

    /// <summary>The largest side drawn as a picture.</summary>
    public const int MaxPictureSide = 64;

    public static string Describe(string name, bool[,] mask)
    {
        int inputs = mask.GetLength(0), outputs = mask.GetLength(1);
        var fanOut = new int[inputs];
        var fanIn = new int[outputs];
        for (int i = 0; i < inputs; i++)
        {
            for (int o = 0; o < outputs; o++)
            {
                if (mask[i, o])
                {
                    fanOut[i]++;
                    fanIn[o]++;
                }
            }
        }

        long connections = fanIn.Sum(f => (long)f);
        var text = new StringBuilder();
        text.Append($"{name}\n");
        text.Append($"shape: {inputs} inputs × {outputs} outputs ([in, out], one row per input)\n");
        text.Append($"connections: {Program.N(connections)} of {Program.N((long)inputs * outputs)} (density {Density(connections, mask)})\n");
        text.Append($"fan-in (inputs per output): {Range(fanIn)}\n");
        text.Append($"fan-out (outputs per input): {Range(fanOut)}\n");
        text.Append($"unconnected inputs: {Unconnected(fanOut)}\n");
        text.Append($"unconnected outputs: {Unconnected(fanIn)}\n");
        if (inputs <= MaxPictureSide && outputs <= MaxPictureSide)
        {
            text.Append("picture (a row per input, a column per output; # connected, . not):\n");
            for (int i = 0; i < inputs; i++)
            {
                text.Append("  ");
                for (int o = 0; o < outputs; o++)
                {
                    text.Append(mask[i, o] ? '#' : '.');
                }

                text.Append('\n');
            }
        }
        else
        {
            text.Append($"picture: none (drawn up to {MaxPictureSide} × {MaxPictureSide})\n");
        }

        return text.ToString();
    }

    public static string Density(long connections, bool[,] mask) =>
        ((double)connections / ((double)mask.GetLength(0) * mask.GetLength(1))).ToString("0.####", CultureInfo.InvariantCulture);

    private static string Range(int[] counts) =>
        $"min {counts.Min()}, max {counts.Max()}, mean {counts.Average().ToString("0.##", CultureInfo.InvariantCulture)}";

    private static string Unconnected(int[] counts)
    {
        List<int> indices = [.. Enumerable.Range(0, counts.Length).Where(k => counts[k] == 0)];
        if (indices.Count == 0)
        {
            return "none";
        }

        string listed = string.Join(", ", indices.Take(ListedIndices));
        return indices.Count > ListedIndices
            ? $"{indices.Count} ({listed}, … and {indices.Count - ListedIndices} more)"
            : $"{indices.Count} ({listed})";
    }
}
