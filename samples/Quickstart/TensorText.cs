using System;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Quickstart;

/// <summary>Prints a matrix the way PyTorch prints a tensor, right-aligned.</summary>
public static class TensorText
{
    public static string Format(float[] values, int rows, int columns, string format)
    {
        // Adding 0 turns -0 into +0, so an unconnected weight never prints as "-0.0000".
        string[] cells = values.Select(v => (v + 0f).ToString(format, CultureInfo.InvariantCulture)).ToArray();
        int width = cells.Max(c => c.Length);
        var text = new StringBuilder("tensor([");
        for (int r = 0; r < rows; r++)
        {
            text.Append(r == 0 ? "[" : ",\n        [");
            text.Append(string.Join(", ", cells.Skip(r * columns).Take(columns).Select(c => c.PadLeft(width))));
            text.Append(']');
        }

        return text.Append("])").ToString();
    }
}
