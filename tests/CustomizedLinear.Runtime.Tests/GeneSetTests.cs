using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace CustomizedLinear.Runtime.Tests;

/// <summary>
/// <see cref="GeneSets"/> on a hand-written MSigDB-style file (Fixtures/gmt/msigdb_style.gmt: URLs as descriptions,
/// a gene listed twice as written and one twice in mixed case, empty trailing fields, a blank line, a padded name, a set with no genes, a
/// CRLF line end), with every expected mask cell written out here.
/// </summary>
public sealed class GeneSetTests
{
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "gmt", "msigdb_style.gmt");

    private static readonly string[] Genes = ["TP53", "Bcl2", "casp3", "MDM2", "CDK1", "EGFR", "bax"];

    [Fact]
    public void TheFileReadsAsWritten()
    {
        GeneSetCollection sets = GeneSets.ReadGmt(Fixture);
        Assert.Equal(["HALLMARK_APOPTOSIS", "KEGG_CELL_CYCLE", "REACTOME_TINY", "EMPTY_SET", "WNT_SIGNALING"], sets.Select(s => s.Name));
        Assert.Equal("http://www.gsea-msigdb.org/gsea/msigdb/human/geneset/HALLMARK_APOPTOSIS", sets[0].Description);
        // "casp3" is another string than "CASP3": the file keeps both; matching decides whether they are one gene.
        Assert.Equal(["CASP3", "BCL2", "TP53", "casp3", "BAX"], sets[0].Genes);
        Assert.Equal(["CDK1", "TP53", "CCNB1", "MDM2"], sets[1].Genes); // TP53 is listed twice: kept once
        Assert.Empty(sets[3].Genes);
        Assert.Equal(["CTNNB1", "APC", "AXIN1", "GSK3B", "Bcl2"], sets[4].Genes);
    }

    [Fact]
    public void TheMaskConnectsEachGeneToTheSetsListingItIgnoringCase()
    {
        GeneSetMask m = GeneSets.ToMask(Genes, GeneSets.ReadGmt(Fixture));

        // Kept (at least one input gene): apoptosis (TP53, Bcl2, casp3, bax), cell cycle (TP53, MDM2, CDK1), tiny (MDM2), wnt (Bcl2).
        Assert.Equal(["HALLMARK_APOPTOSIS", "KEGG_CELL_CYCLE", "REACTOME_TINY", "WNT_SIGNALING"], m.OutputNames);
        Assert.Equal(Genes, m.InputNames);
        bool[,] expected =
        {
            // apoptosis, cell cycle, tiny, wnt
            { true, true, false, false },   // TP53
            { true, false, false, true },   // Bcl2
            { true, false, false, false },  // casp3
            { false, true, true, false },   // MDM2
            { false, true, false, false },  // CDK1
            { false, false, false, false }, // EGFR: in no set, an unconnected input
            { true, false, false, false },  // bax
        };
        Assert.Equal(expected, m.Mask);
    }

    [Fact]
    public void SetsAreKeptByTheirNumberOfDistinctInputGenes()
    {
        GeneSetCollection sets = GeneSets.ReadGmt(Fixture);

        // Distinct input genes per set: apoptosis 4 (CASP3 and casp3 are one), cell cycle 3, tiny 1, empty 0, wnt 1.
        Assert.Equal(["HALLMARK_APOPTOSIS", "KEGG_CELL_CYCLE"], GeneSets.ToMask(Genes, sets, minGenes: 2).OutputNames);
        Assert.Equal(["KEGG_CELL_CYCLE", "REACTOME_TINY", "WNT_SIGNALING"], GeneSets.ToMask(Genes, sets, maxGenes: 3).OutputNames);
        Assert.Equal(["HALLMARK_APOPTOSIS"], GeneSets.ToMask(Genes, sets, minGenes: 4, maxGenes: 4).OutputNames);
        Assert.Equal(["HALLMARK_APOPTOSIS", "KEGG_CELL_CYCLE", "REACTOME_TINY", "EMPTY_SET", "WNT_SIGNALING"], GeneSets.ToMask(Genes, sets, minGenes: 0).OutputNames);

        // Case-sensitive: only "TP53" and "MDM2", "CDK1" match as written; "Bcl2" only in WNT, "casp3" in apoptosis.
        GeneSetMask exact = GeneSets.ToMask(Genes, sets, ignoreCase: false);
        Assert.Equal(["HALLMARK_APOPTOSIS", "KEGG_CELL_CYCLE", "REACTOME_TINY", "WNT_SIGNALING"], exact.OutputNames);
        Assert.False(exact.Mask[1, 0]); // Bcl2 is not BCL2
        Assert.True(exact.Mask[1, 3]);
        Assert.False(exact.Mask[6, 0]); // bax is not BAX
    }

    [Theory]
    [InlineData("GOOD\tdesc\tA\nNO_TABS_HERE\n", 2)]
    [InlineData("\n\nGOOD\tdesc\tA\n\t\tB\n", 4)]
    public void AMalformedLineIsReportedByItsNumber(string text, int line)
    {
        var e = Assert.Throws<InvalidDataException>(() => GeneSets.ReadGmt(new StringReader(text)));
        Assert.Contains($"Line {line}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadArgumentsAreReported()
    {
        GeneSetCollection sets = GeneSets.ReadGmt(new StringReader("S\td\tA\n"));
        Assert.Throws<ArgumentNullException>(() => GeneSets.ToMask(null!, sets));
        Assert.Throws<ArgumentNullException>(() => GeneSets.ToMask(["A"], null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => GeneSets.ToMask(["A"], sets, minGenes: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => GeneSets.ToMask(["A"], sets, minGenes: 3, maxGenes: 2));
        Assert.Equal("inputGenes", Assert.Throws<ArgumentException>(() => GeneSets.ToMask(["A", null!], sets)).ParamName);
    }
}
