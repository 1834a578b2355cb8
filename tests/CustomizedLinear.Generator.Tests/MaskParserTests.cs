using System.Linq;
using CustomizedLinear.Generator.Parsing;
using Xunit;

namespace CustomizedLinear.Generator.Tests;

/// <summary>The mask text format of docs/mask-format.md.</summary>
public sealed class MaskParserTests
{
    private static readonly byte[] Seed = [1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 1];

    [Theory]
    [InlineData("1 0 1\n0 1 0\n1 0 1\n1 0 1\n")]
    [InlineData("1 0 1\r\n0 1 0\r\n1 0 1\r\n1 0 1")]
    [InlineData("\uFEFF1 0 1\n0 1 0\n1 0 1\n1 0 1\n")]
    [InlineData("101\n010\n101\n101\n")]
    [InlineData("1,0,1\n0,1,0\n1,0,1\n1,0,1\n")]
    [InlineData("\t1\t0\t1\n 0 ,1, 0 \n1  0\t\t1,\n,1,0,1\n")]
    [InlineData("[[1, 0, 1],\n [0, 1, 0],\n [1, 0, 1],\n [1, 0, 1],]\n")]
    [InlineData("# inputs x outputs\n\n1 0 1 # first\n0 1 0\n   \n[]\n1 0 1\n1 0 1 # last\n# end")]
    [InlineData("10 1\n0 10\n1, 01\n[1 0 1]")]
    public void EveryAllowedSpellingOfTheSeedMaskParsesTheSame(string text)
    {
        MaskParseResult result = MaskParser.Parse(text, "/m.txt");
        Assert.Empty(result.Diagnostics);
        Assert.Equal(4, result.Rows);
        Assert.Equal(3, result.Columns);
        Assert.Equal(Seed, Dense(result));
    }

    /// <summary>The parsed cells as a dense row-major 0/1 array.</summary>
    internal static byte[] Dense(MaskParseResult result)
    {
        var cells = new byte[result.Rows * result.Columns];
        for (int row = 0; row < result.Rows; row++)
        {
            for (int k = result.RowStarts[row]; k < result.RowStarts[row + 1]; k++)
            {
                cells[row * result.Columns + result.OnesColumns[k]] = 1;
            }
        }

        return cells;
    }

    [Fact]
    public void ColumnsCountUtf16CharactersAndATabCountsAsOne()
    {
        MaskParseResult result = MaskParser.Parse("1\t0\t1\n\t1\t0\t?\n", "/m.txt");
        var location = Assert.Single(result.Diagnostics).Location!;
        Assert.Equal(1, location.LineSpan.Start.Line);
        Assert.Equal(5, location.LineSpan.Start.Character); // 0-based: the '?' is the sixth character
        Assert.Equal(11, location.Span.Start);
    }

    [Fact]
    public void AnEmptyFileHasNoRows()
    {
        MaskParseResult result = MaskParser.Parse("", "/m.txt");
        Assert.Equal("CL0004", Assert.Single(result.Diagnostics).Descriptor.Id);
    }
}
