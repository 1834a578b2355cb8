using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace CustomizedLinear;

/// <summary>One gene set of a <c>.gmt</c> file: its name, its description (often a URL) and its genes.</summary>
/// <param name="Name">The set's name, the first field of its line.</param>
/// <param name="Description">The second field.</param>
/// <param name="Genes">The genes as written, each once (a gene listed twice counts once), in file order.</param>
public sealed record GeneSet(string Name, string Description, IReadOnlyList<string> Genes);

/// <summary>The gene sets of a <c>.gmt</c> file, in file order.</summary>
public sealed class GeneSetCollection(IReadOnlyList<GeneSet> sets) : IReadOnlyList<GeneSet>
{
    /// <inheritdoc />
    public int Count => sets.Count;

    /// <inheritdoc />
    public GeneSet this[int index] => sets[index];

    /// <inheritdoc />
    public IEnumerator<GeneSet> GetEnumerator() => sets.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A gene × pathway mask with the names of its rows and columns, so weights can be read as "gene → pathway".</summary>
/// <param name="Mask">The mask, <c>[genes, kept sets]</c>: the mask files' <c>[in, out]</c> orientation.</param>
/// <param name="InputNames">The genes, one per row (the <c>inputGenes</c> given).</param>
/// <param name="OutputNames">The kept sets' names, one per column, in file order.</param>
public sealed record GeneSetMask(bool[,] Mask, IReadOnlyList<string> InputNames, IReadOnlyList<string> OutputNames);

/// <summary>
/// Gene sets for pathway layers (P-NET, BINN, expiMap, …): read MSigDB-style <c>.gmt</c> files and turn them into
/// a gene → pathway mask.
/// </summary>
public static class GeneSets
{
    /// <summary>
    /// Reads a <c>.gmt</c> file: one set per line, tab-separated name, description and genes. Blank lines are
    /// skipped, empty fields (a trailing tab) ignored, a gene listed twice in a set kept once.
    /// </summary>
    /// <exception cref="InvalidDataException">A line has fewer than two fields or no name; the message names the line.</exception>
    public static GeneSetCollection ReadGmt(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var sets = new List<GeneSet>();
        int number = 0;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            string[] fields = line.Split('\t');
            if (fields.Length < 2)
            {
                throw new InvalidDataException(
                    $"Line {number} of the gene-set file has {fields.Length} tab-separated field; expected a name, a description and the genes, separated by tabs.");
            }

            string name = fields[0].Trim();
            if (name.Length == 0)
            {
                throw new InvalidDataException($"Line {number} of the gene-set file has no set name in its first field.");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            var genes = new List<string>();
            foreach (string field in fields.Skip(2))
            {
                string gene = field.Trim();
                if (gene.Length > 0 && seen.Add(gene))
                {
                    genes.Add(gene);
                }
            }

            sets.Add(new GeneSet(name, fields[1].Trim(), genes.AsReadOnly()));
        }

        return new GeneSetCollection(sets.AsReadOnly());
    }

    /// <summary>Reads the <c>.gmt</c> file at <paramref name="path"/> (see <see cref="ReadGmt(TextReader)"/>).</summary>
    public static GeneSetCollection ReadGmt(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new StreamReader(path);
        return ReadGmt(reader);
    }

    /// <summary>
    /// The mask <c>[inputGenes, kept sets]</c>: gene <c>g</c> feeds set <c>s</c> when <c>s</c> lists it. A set is
    /// kept when the number of distinct input genes it lists is within [<paramref name="minGenes"/>,
    /// <paramref name="maxGenes"/>]; genes in no kept set are unconnected inputs.
    /// </summary>
    /// <param name="inputGenes">The layer's inputs, in order (e.g. the columns of an expression matrix).</param>
    /// <param name="sets">The gene sets.</param>
    /// <param name="minGenes">The fewest input genes a kept set lists.</param>
    /// <param name="maxGenes">The most input genes a kept set lists.</param>
    /// <param name="ignoreCase">Whether genes match ignoring case (ordinal), as gene symbols usually should.</param>
    public static GeneSetMask ToMask(IReadOnlyList<string> inputGenes, GeneSetCollection sets, int minGenes = 1, int maxGenes = int.MaxValue, bool ignoreCase = true)
    {
        ArgumentNullException.ThrowIfNull(inputGenes);
        ArgumentNullException.ThrowIfNull(sets);
        ArgumentOutOfRangeException.ThrowIfNegative(minGenes);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxGenes, minGenes);
        if (inputGenes.Any(g => g is null))
        {
            throw new ArgumentException("inputGenes holds a null gene name.", nameof(inputGenes));
        }

        StringComparer comparer = ignoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        var rows = new Dictionary<string, List<int>>(comparer);
        for (int i = 0; i < inputGenes.Count; i++)
        {
            if (!rows.TryGetValue(inputGenes[i], out List<int>? list))
            {
                rows[inputGenes[i]] = list = [];
            }

            list.Add(i);
        }

        var kept = new List<(string Name, List<int> Rows)>();
        foreach (GeneSet set in sets)
        {
            // Distinct under the comparer: "TP53" and "tp53" in one set are one gene when case is ignored.
            var genes = set.Genes.Where(rows.ContainsKey).Distinct(comparer).ToList();
            if (genes.Count >= minGenes && genes.Count <= maxGenes)
            {
                kept.Add((set.Name, genes.SelectMany(g => rows[g]).ToList()));
            }
        }

        var mask = new bool[inputGenes.Count, kept.Count];
        for (int s = 0; s < kept.Count; s++)
        {
            foreach (int row in kept[s].Rows)
            {
                mask[row, s] = true;
            }
        }

        return new GeneSetMask(mask, inputGenes.ToArray(), kept.Select(k => k.Name).ToArray());
    }
}
