using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using CustomizedLinear.Generator.Parsing;
using CustomizedLinear.Testing;
using Microsoft.CodeAnalysis;
using Xunit;

namespace CustomizedLinear.Generator.Tests;

/// <summary>
/// The generator never throws: 10,000 generated inputs each to the parser and to the generator, checked
/// against an independent reading of docs/mask-format.md.
/// </summary>
public sealed class FuzzTests
{
    private const int Inputs = 10_000;
    private const int Batch = 250;
    private static readonly string[] MaskErrorIds = ["CL0002", "CL0003", "CL0004", "CL0005", "CL0011"];

    [Fact]
    public void TheParserAgreesWithAnIndependentReadingOfTheFormatAndNeverThrows()
    {
        var random = new Random(11);
        for (int n = 0; n < Inputs; n++)
        {
            string text = MaskFuzzCorpus.Next(random);
            MaskParseResult result = MaskParser.Parse(text, "/m.txt");
            byte[,]? expected = ReferenceParse(text);
            string what = $"input {n}: {Show(text)}";
            if (expected is null)
            {
                Assert.True(result.HasErrors, $"{what}: the format says invalid, the parser accepted it");
                foreach (var diagnostic in result.Diagnostics)
                {
                    Assert.Contains(diagnostic.Descriptor.Id, MaskErrorIds);
                    var location = diagnostic.Location!;
                    Assert.InRange(location.Span.Start, 0, text.Length);
                    Assert.InRange(location.Span.End, location.Span.Start, text.Length);
                }
            }
            else
            {
                Assert.False(result.HasErrors, $"{what}: the format says valid, the parser said {string.Join("; ", result.Diagnostics.Select(d => d.Descriptor.Id))}");
                Assert.Equal(expected.GetLength(0), result.Rows);
                Assert.Equal(expected.GetLength(1), result.Columns);
                Assert.Equal(expected.Cast<byte>().ToArray(), MaskParserTests.Dense(result));
            }
        }
    }

    [Fact]
    public void TheGeneratorGivesALayerOrTheSpecificDiagnosticsForEveryInput()
    {
        var random = new Random(12);
        string[] catalog = typeof(Diagnostics.DiagnosticDescriptors).GetFields().Select(f => ((DiagnosticDescriptor)f.GetValue(null)!).Id).ToArray();
        for (int first = 0; first < Inputs; first += Batch)
        {
            var masks = Enumerable.Range(first, Batch).Select(_ => MaskFuzzCorpus.Next(random)).ToArray();
            var sources = masks.Select((_, i) => (
                $"{GeneratorHarness.SourceDirectory}/L{first + i}.cs",
                $"namespace Fuzz; [CustomizedLinear.MaskedLinear(\"masks/{first + i}.txt\"{Arguments(random)})] public partial class L{first + i} {{ }}"));
            var files = masks.Select((text, i) => ($"{GeneratorHarness.SourceDirectory}/masks/{first + i}.txt", text));

            GeneratorRun run = GeneratorHarness.Run(sources, files);

            Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id is "CS8784" or "CS8785");
            Assert.All(run.GeneratorDiagnostics, d => Assert.Contains(d.Id, catalog));
            var generated = run.GeneratedSources.Select(s => s.HintName).ToHashSet();
            for (int i = 0; i < Batch; i++)
            {
                string path = $"{GeneratorHarness.SourceDirectory}/masks/{first + i}.txt";
                var errors = run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.GetLineSpan().Path == path).ToList();
                bool valid = ReferenceParse(masks[i]) is not null;
                string what = $"input {first + i}: {Show(masks[i])}";
                Assert.True(valid == generated.Contains($"Fuzz.L{first + i}.MaskedLinear.g.cs"), $"{what}: valid = {valid}, but the layer was {(valid ? "not " : "")}generated");
                Assert.True(valid == (errors.Count == 0), $"{what}: valid = {valid}, errors: {string.Join("; ", errors)}");
                Assert.All(errors, e => Assert.Contains(e.Id, MaskErrorIds));
            }

            // Compiling is the slow part; every fifth batch shows the generated layers compile cleanly.
            if (first / Batch % 5 != 0)
            {
                continue;
            }

            var compileErrors = run.Compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Take(5).ToList();
            Assert.True(compileErrors.Count == 0, string.Join("\n", compileErrors));
        }
    }

    private static string Arguments(Random random) =>
        (random.Next(2) == 0 ? ", Bias = false" : "") + (random.Next(3) == 0 ? ", Layout = CustomizedLinear.MaskLayout.OutputsByInputs" : "");

    /// <summary>docs/mask-format.md read as plainly as possible: null when the text is not a valid mask.</summary>
    private static byte[,]? ReferenceParse(string text)
    {
        if (text.StartsWith('\uFEFF'))
        {
            text = text[1..];
        }

        var rows = new List<List<byte>>();
        foreach (string rawLine in text.Split(["\r\n", "\r", "\n"], StringSplitOptions.None))
        {
            int hash = rawLine.IndexOf('#', StringComparison.Ordinal);
            string line = hash < 0 ? rawLine : rawLine[..hash];
            int close = line.IndexOf(']', StringComparison.Ordinal);
            if (close >= 0 && line.IndexOf('[', close) >= 0)
            {
                return null;
            }

            var cells = new List<byte>();
            foreach (char c in line)
            {
                if (c is '0' or '1')
                {
                    cells.Add((byte)(c - '0'));
                }
                else if (c is not (' ' or '\t' or ',' or '[' or ']'))
                {
                    return null;
                }
            }

            if (cells.Count > 0)
            {
                rows.Add(cells);
            }
        }

        if (rows.Count == 0 || rows.Any(r => r.Count != rows[0].Count))
        {
            return null;
        }

        var mask = new byte[rows.Count, rows[0].Count];
        for (int r = 0; r < rows.Count; r++)
        {
            for (int c = 0; c < rows[0].Count; c++)
            {
                mask[r, c] = rows[r][c];
            }
        }

        return mask;
    }

    private static string Show(string text)
    {
        string shown = string.Concat(text.Take(80).Select(c => c < ' ' || c > '~' ? $"\\u{(int)c:X4}" : c.ToString(CultureInfo.InvariantCulture)));
        return "\"" + shown + (text.Length > 80 ? "…" : "") + "\"";
    }
}
