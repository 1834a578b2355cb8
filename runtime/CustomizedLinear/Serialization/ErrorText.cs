using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace CustomizedLinear;

/// <summary>Writes numbers, shapes and lists of tensor names the way the load errors quote them.</summary>
internal static class ErrorText
{
    /// <summary>Names as <c>'a', 'b'</c>; past ten, the rest only counted, so a huge file cannot make a huge message.</summary>
    public static string Names(IEnumerable<string> names)
    {
        const int Shown = 10;
        var list = names.ToList();
        string shown = string.Join(", ", list.Take(Shown).Select(n => $"'{n}'"));
        return list.Count > Shown ? $"{shown} and {list.Count - Shown} more" : shown;
    }

    /// <summary>Round-trip text, so the message shows the exact value that was refused.</summary>
    public static string Number(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Round-trip text, so the message shows the exact value that was refused.</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Shape(ReadOnlySpan<ulong> shape)
    {
        var text = new StringBuilder("[");
        for (int k = 0; k < shape.Length; k++)
        {
            text.Append(k == 0 ? "" : ", ").Append(shape[k].ToString(CultureInfo.InvariantCulture));
        }

        return text.Append(']').ToString();
    }
}
