using System;
using System.IO;
using System.Linq;
using System.Text;
using CustomizedLinear.Generator.Parsing;
using Xunit;

namespace CustomizedLinear.Layers.Tests;

/// <summary>
/// <see cref="MaskFile"/> against the generator's own parser: on a corpus of random mask texts (cells, every
/// separator, brackets, comments, CRLF, a BOM, stray characters, ragged rows), both accept the same texts with the
/// same mask and refuse the others at the same line and column.
/// </summary>
public sealed class MaskFileTests
{
    private static readonly string[] Pieces = ["0", "1", "1", "0", " ", "  ", "\t", ",", ", ", "[", "]", "# note", "x", "2", ".", "\u00A0", "0.5", "\r", "\u0000", "\uFFFD", "\u200B"];

    [Fact]
    public void ReadAgreesWithTheGeneratorOnRandomTexts()
    {
        var random = new Random(13);
        int accepted = 0, refused = 0;
        for (int n = 0; n < 3000; n++)
        {
            string text = RandomText(random);
            string what = $"text {n}: {text.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal)}";
            if (Agree(text, what))
            {
                accepted++;
            }
            else
            {
                refused++;
            }
        }

        // The corpus reaches both sides.
        Assert.InRange(accepted, 300, 2700);
        Assert.InRange(refused, 300, 2700);
    }

    [Fact]
    public void ReadAgreesWithTheGeneratorOnItsFuzzCorpus()
    {
        // The generator's own fuzz corpus (tests/Shared/MaskFuzzCorpus.cs): random bytes, NUL, 40k-character lines,
        // random edits of valid masks.
        var random = new Random(29);
        int accepted = 0, refused = 0;
        for (int n = 0; n < 1500; n++)
        {
            string text = CustomizedLinear.Testing.MaskFuzzCorpus.Next(random);
            if (Agree(text, $"corpus text {n}"))
            {
                accepted++;
            }
            else
            {
                refused++;
            }
        }

        Assert.InRange(accepted, 150, 1350);
        Assert.InRange(refused, 150, 1350);
    }

    [Fact]
    public void WriteThenReadGivesTheSameMaskAndTheGeneratorReadsTheSame()
    {
        var random = new Random(5);
        for (int n = 0; n < 100; n++)
        {
            var mask = new bool[random.Next(1, 20), random.Next(1, 20)];
            for (int i = 0; i < mask.GetLength(0); i++)
            {
                for (int o = 0; o < mask.GetLength(1); o++)
                {
                    mask[i, o] = random.Next(3) == 0;
                }
            }

            var text = new StringWriter();
            MaskFile.Write(text, mask, n % 2 == 0 ? $"mask {n}\nsecond line" : null);
            Assert.Equal(mask, MaskFile.Read(new StringReader(text.ToString())));
            MaskParseResult parsed = MaskParser.Parse(text.ToString(), "/m.txt");
            Assert.False(parsed.HasErrors);
            Assert.Equal((mask.GetLength(0), mask.GetLength(1)), (parsed.Rows, parsed.Columns));
        }

        Assert.Throws<ArgumentException>(() => MaskFile.Write(new StringWriter(), new bool[0, 3]));

        // A comment's line breaks, a lone CR included, all stay comment lines.
        var commented = new StringWriter();
        MaskFile.Write(commented, new bool[,] { { true, false } }, "made by x\r1 1\n1 1\r\n1 1");
        Assert.Equal(new bool[,] { { true, false } }, MaskFile.Read(new StringReader(commented.ToString())));
    }

    [Theory]
    [InlineData("")]
    [InlineData("x\n")]
    [InlineData("1 1\n")]
    public void AMaskOverTheSizeLimitIsReportedWhereTheGeneratorReportsIt(string after)
    {
        // 65,537 rows: one over the limit of rows. The generator keeps reading and reports another mistake first.
        string text = string.Concat(Enumerable.Repeat("1\n", 65_537)) + after;
        MaskParseResult parsed = MaskParser.Parse(text, "/m.txt");
        var e = Assert.Throws<InvalidDataException>(() => MaskFile.Read(new StringReader(text)));
        var start = parsed.Diagnostics[0].Location!.LineSpan.Start;
        Assert.StartsWith($"line {start.Line + 1}, column {start.Character + 1}: ", e.Message, StringComparison.Ordinal);
        Assert.EndsWith(parsed.Diagnostics[0].ToDiagnostic().GetMessage(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Both read <paramref name="text"/>: the same mask when the generator accepts it, an error at the generator's
    /// first diagnostic's line and column when it refuses it. Returns whether it was accepted.
    /// </summary>
    private static bool Agree(string text, string what)
    {
        MaskParseResult parsed = MaskParser.Parse(text, "/m.txt");
        bool[,]? read = null;
        InvalidDataException? error = null;
        try
        {
            read = MaskFile.Read(new StringReader(text));
        }
        catch (InvalidDataException e)
        {
            error = e;
        }

        if (parsed.HasErrors)
        {
            Assert.True(error is not null, $"{what}\nthe generator refuses it ({parsed.Diagnostics[0].Descriptor.Id}), Read accepts it");
            var start = parsed.Diagnostics[0].Location!.LineSpan.Start;
            Assert.StartsWith($"line {start.Line + 1}, column {start.Character + 1}: ", error!.Message, StringComparison.Ordinal);
            return false;
        }

        Assert.True(read is not null, $"{what}\nthe generator accepts it, Read says: {error?.Message}");
        Assert.Equal((parsed.Rows, parsed.Columns), (read!.GetLength(0), read.GetLength(1)));
        for (int r = 0; r < parsed.Rows; r++)
        {
            var ones = Enumerable.Range(parsed.RowStarts[r], parsed.RowStarts[r + 1] - parsed.RowStarts[r]).Select(k => parsed.OnesColumns[k]).ToList();
            Assert.Equal(ones, Enumerable.Range(0, parsed.Columns).Where(c => read[r, c]).ToList());
        }

        return true;
    }

    private static string RandomText(Random random)
    {
        var text = new StringBuilder();
        if (random.Next(20) == 0)
        {
            text.Append('\uFEFF');
        }

        int columns = random.Next(1, 6);
        int lines = random.Next(0, 6);
        for (int line = 0; line < lines; line++)
        {
            if (random.Next(4) == 0)
            {
                // A free-form line: any pieces.
                for (int p = random.Next(0, 6); p > 0; p--)
                {
                    text.Append(Pieces[random.Next(Pieces.Length)]);
                }
            }
            else
            {
                // A row, sometimes of another length, with random separators and brackets.
                int cells = random.Next(10) == 0 ? random.Next(1, 7) : columns;
                if (random.Next(5) == 0)
                {
                    text.Append('[');
                }

                for (int c = 0; c < cells; c++)
                {
                    text.Append(random.Next(2) == 0 ? '0' : '1');
                    text.Append(random.Next(4) switch { 0 => "", 1 => " ", 2 => ", ", _ => "\t" });
                }

                if (random.Next(5) == 0)
                {
                    text.Append(random.Next(2) == 0 ? "]," : "]");
                }

                if (random.Next(8) == 0)
                {
                    text.Append(Pieces[random.Next(Pieces.Length)]);
                }
            }

            text.Append(random.Next(5) == 0 ? "\r\n" : "\n");
        }

        return text.ToString();
    }
}
