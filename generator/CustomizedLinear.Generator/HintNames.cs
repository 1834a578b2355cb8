using System;
using System.Collections.Immutable;
using System.Linq;

namespace CustomizedLinear.Generator;

/// <summary>
/// Makes hint names unique. The compiler compares them ignoring case and throws on a clash, which would
/// drop every layer. Classes whose names differ only in case get a numbered suffix, in a stable order;
/// a second <c>[MaskedLinear]</c> or <c>[Sequential]</c> on another part of the same class (CS0579) generates nothing.
/// </summary>
internal static class HintNames
{
    /// <param name="hintName">This declaration's hint name.</param>
    /// <param name="site">Where its attribute is, to order several attributes on one class.</param>
    /// <param name="all">Every declaration's hint name and site.</param>
    /// <param name="suffix">What every hint name of this kind ends with: <c>.MaskedLinear.g.cs</c> or <c>.Sequential.g.cs</c>.</param>
    /// <returns>The unique hint name, or <see langword="null"/> for a repeated attribute on the same class.</returns>
    public static string? Unique(string hintName, string site, ImmutableArray<(string HintName, string Site)> all, string suffix)
    {
        string first = all.Where(a => a.HintName == hintName).Select(a => a.Site).OrderBy(s => s, StringComparer.Ordinal).First();
        if (first != site)
        {
            return null;
        }

        var clashing = all.Select(a => a.HintName)
            .Where(h => string.Equals(h, hintName, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.Ordinal)
            .OrderBy(h => h, StringComparer.Ordinal)
            .ToList();
        if (clashing.Count <= 1)
        {
            return hintName;
        }

        string stem = hintName.Substring(0, hintName.Length - suffix.Length);
        return $"{stem}.{clashing.IndexOf(hintName) + 1}{suffix}";
    }
}
