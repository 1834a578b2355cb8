using System;
using System.IO;
using System.Linq;
using System.Text;
using BenchmarkDotNet.Attributes;

namespace CustomizedLinear.Benchmarks;

/// <summary>
/// A synthetic MSigDB-sized gene-set file, 300 sets over 20,000 genes (set sizes 10–500, as in the curated
/// collections), read and turned into a gene × pathway mask. The baseline is splitting the same text into lines
/// and tab-separated fields, the least any reader does, so the ratio says what parsing, matching and the mask add.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class GeneSetBenchmarks
{
    private string _text = "";
    private string[] _genes = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20_000);
        _genes = Enumerable.Range(0, 20_000).Select(g => "GENE" + g).ToArray();
        var text = new StringBuilder();
        for (int s = 0; s < 300; s++)
        {
            text.Append("SET_").Append(s).Append("\thttp://example.org/geneset/SET_").Append(s);
            int size = random.Next(10, 501);
            for (int k = 0; k < size; k++)
            {
                // Mixed case, as files from different sources are, and a few genes measured nowhere.
                string gene = random.Next(50) == 0 ? "UNMEASURED" + k : _genes[random.Next(_genes.Length)];
                text.Append('\t').Append(random.Next(2) == 0 ? gene : gene.ToLowerInvariant());
            }

            text.Append('\n');
        }

        _text = text.ToString();
        GeneSetMask check = Convert();
        if (check.Mask.GetLength(0) != 20_000 || check.OutputNames.Count != 300)
        {
            throw new InvalidOperationException("the synthetic file did not convert to 20,000 × 300");
        }
    }

    [Benchmark(Baseline = true)]
    public int SplitLinesAndFields()
    {
        int fields = 0;
        using var reader = new StringReader(_text);
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            fields += line.Split('\t').Length;
        }

        return fields;
    }

    [Benchmark]
    public GeneSetMask ReadGmtAndToMask() => Convert();

    private GeneSetMask Convert() => GeneSets.ToMask(_genes, GeneSets.ReadGmt(new StringReader(_text)), minGenes: 5, maxGenes: 500);
}
