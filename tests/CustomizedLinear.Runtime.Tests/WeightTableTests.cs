using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;

namespace CustomizedLinear.Runtime.Tests;

/// <summary>
/// <see cref="WeightTable.WriteCsv"/> read back with an RFC 4180 parser written here, and every row checked against
/// the layers' dense weights and masks.
/// </summary>
public sealed class WeightTableTests
{

    private static NamedNetwork TwoLayers() => new(
    [
        ("0.", new RuntimeMaskedLinear(StLayers.Mask("101", "011", "110", "111"), bias: true, seed: 3)),
        ("2.", new RuntimeMaskedLinear(StLayers.Mask("10", "01", "11"), bias: false, seed: 5)),
    ]);

    [Fact]
    public void EveryConnectionIsOneRowInCanonicalOrderWithItsDenseWeight()
    {
        NamedNetwork net = TwoLayers();
        var text = new StringWriter();
        WeightTable.WriteCsv(text, net);
        List<string[]> rows = ParseCsv(text.ToString());

        Assert.Equal(["layer", "input", "output", "weight"], rows[0]);
        var expected = new List<(string Layer, int Input, int Output)>();
        foreach ((string prefix, IMaskedLinear layer) in net.NamedLayers)
        {
            for (int o = 0; o < layer.OutputSize; o++)
            {
                for (int i = 0; i < layer.InputSize; i++)
                {
                    if (layer.IsConnected(i, o))
                    {
                        expected.Add((prefix.TrimEnd('.'), i, o));
                    }
                }
            }
        }

        Assert.Equal(expected, rows.Skip(1).Select(r => (r[0], int.Parse(r[1], CultureInfo.InvariantCulture), int.Parse(r[2], CultureInfo.InvariantCulture))));
        foreach (string[] row in rows.Skip(1))
        {
            IMaskedLinear layer = net.NamedLayers.Single(n => n.Prefix == row[0] + ".").Layer;
            var dense = new float[layer.OutputSize * layer.InputSize];
            layer.CopyDenseWeight(dense);
            float weight = float.Parse(row[3], CultureInfo.InvariantCulture);
            Assert.Equal(BitConverter.SingleToInt32Bits(dense[(int.Parse(row[2], CultureInfo.InvariantCulture) * layer.InputSize) + int.Parse(row[1], CultureInfo.InvariantCulture)]), BitConverter.SingleToInt32Bits(weight));
        }

        Assert.EndsWith("\r\n", text.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\n", text.ToString().Replace("\r\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void NamesAreQuotedAsRfc4180SaysAndReadBackExactly()
    {
        NamedNetwork net = TwoLayers();
        string[] genes = ["TP53", "BRCA1, isoform 2", "say \"hi\"", "line\nbreak"];
        string[] pathways = ["p53 signalling", "DNA repair", "apoptosis"];
        var text = new StringWriter();
        WeightTable.WriteCsv(text, net, [genes, pathways, null!]);
        List<string[]> rows = ParseCsv(text.ToString());

        Assert.All(rows, r => Assert.Equal(4, r.Length));
        var layer0 = rows.Skip(1).Where(r => r[0] == "0").ToList();
        Assert.Equal(net.NamedLayers[0].Layer.ConnectionCount, layer0.Count);
        Assert.Contains(layer0, r => r[1] == "BRCA1, isoform 2" && r[2] == "DNA repair");
        Assert.Contains(layer0, r => r[1] == "line\nbreak" && r[2] == "p53 signalling");
        Assert.Contains(layer0, r => r[1] == "say \"hi\"");
        Assert.Contains("\"say \"\"hi\"\"\"", text.ToString(), StringComparison.Ordinal);

        // The last boundary has no names: indices.
        Assert.All(rows.Skip(1).Where(r => r[0] == "2"), r => Assert.True(int.TryParse(r[2], out _)));
        Assert.All(rows.Skip(1).Where(r => r[0] == "2"), r => Assert.Contains(r[1], pathways));
    }

    [Fact]
    public void WrongNamesAndNullsAreReported()
    {
        NamedNetwork net = TwoLayers();
        var e = Assert.Throws<ArgumentException>(() => WeightTable.WriteCsv(new StringWriter(), net, [["a", "b", "c", "d"]]));
        Assert.Equal("unitNames", e.ParamName);
        Assert.Contains("3", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => WeightTable.WriteCsv(new StringWriter(), net, [["a", "b", "c", "d"], ["x", "y"], null!]));
        Assert.Equal("unitNames", e.ParamName);
        Assert.Contains("expected 3", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => WeightTable.WriteCsv(new StringWriter(), net, [["a", null!, "c", "d"], null!, null!]));
        Assert.Equal("unitNames", e.ParamName);
        Assert.Contains("unitNames[0][1]", e.Message, StringComparison.Ordinal);
        Assert.Equal("writer", Assert.Throws<ArgumentNullException>(() => WeightTable.WriteCsv(null!, net)).ParamName);
        Assert.Equal("network", Assert.Throws<ArgumentNullException>(() => WeightTable.WriteCsv(new StringWriter(), null!)).ParamName);
    }

    /// <summary>An RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks.</summary>
    private static List<string[]> ParseCsv(string text)
    {
        var rows = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                fields.Add(field.ToString());
                field.Clear();
                rows.Add([.. fields]);
                fields.Clear();
                i++;
            }
            else
            {
                field.Append(c);
            }
        }

        Assert.False(quoted, "an unterminated quoted field");
        Assert.True(field.Length == 0 && fields.Count == 0, "the last record has no CRLF");
        return rows;
    }
}
