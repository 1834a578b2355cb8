using CustomizedLinear.Generator.Model;

namespace CustomizedLinear.Generator.Parsing;

/// <summary>A parsed mask file: <paramref name="Rows"/> × <paramref name="Columns"/> cells of 0/1, row-major.</summary>
/// <param name="Diagnostics">Errors found; when there are any, the cells are incomplete.</param>
internal sealed record MaskParseResult(
    int Rows,
    int Columns,
    EquatableArray<byte> Cells,
    EquatableArray<DiagnosticInfo> Diagnostics)
{
    public bool HasErrors => Diagnostics.Count > 0;
}
