using CustomizedLinear.Generator.Model;

namespace CustomizedLinear.Generator.Parsing;

/// <summary>
/// A parsed mask file, <see cref="Rows"/> × <see cref="Columns"/>, stored sparse: the columns holding a 1
/// in row <c>r</c> are <c>OnesColumns[RowStarts[r] .. RowStarts[r + 1]]</c>, ascending. Memory grows with
/// the connections, not with the cells.
/// </summary>
/// <param name="RowSpans">Where each row is written: its line and the span from its first to its last cell.</param>
/// <param name="FirstRowCells">Where each cell of the first row is written, so a column can be pointed at.</param>
/// <param name="Diagnostics">Errors found; when there are any, the other members are incomplete.</param>
internal sealed record MaskParseResult(
    int Rows,
    int Columns,
    EquatableArray<int> RowStarts,
    EquatableArray<int> OnesColumns,
    EquatableArray<TextPosition> RowSpans,
    EquatableArray<TextPosition> FirstRowCells,
    EquatableArray<DiagnosticInfo> Diagnostics)
{
    public bool HasErrors => Diagnostics.Count > 0;

    public long Ones => OnesColumns.Count;
}

/// <summary>A place in the mask file: 0-based line, 0-based column, absolute offset and length.</summary>
internal readonly record struct TextPosition(int Line, int Column, int Offset, int Length)
{
    public LocationInfo ToLocation(string path) => new(
        path,
        new Microsoft.CodeAnalysis.Text.TextSpan(Offset, Length),
        new Microsoft.CodeAnalysis.Text.LinePositionSpan(
            new Microsoft.CodeAnalysis.Text.LinePosition(Line, Column),
            new Microsoft.CodeAnalysis.Text.LinePosition(Line, Column + Length)));
}
