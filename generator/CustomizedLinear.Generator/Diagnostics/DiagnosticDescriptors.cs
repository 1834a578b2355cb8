using Microsoft.CodeAnalysis;

namespace CustomizedLinear.Generator.Diagnostics;

/// <summary>Every diagnostic the generator reports. IDs are stable: track them in AnalyzerReleases.*.md.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "CustomizedLinear";

    public static readonly DiagnosticDescriptor MaskFileNotFound = new(
        id: "CL0001",
        title: "Mask file not found",
        messageFormat: "Mask file '{0}' was not found: no AdditionalFiles item has the path '{1}'. Add <AdditionalFiles Include=\"{2}\" /> to the project file.",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The mask path is resolved relative to the directory of the source file that holds [MaskedLinear], and the file must be an AdditionalFiles item of the project.");

    public static readonly DiagnosticDescriptor InvalidMaskCell = new(
        id: "CL0002",
        title: "Invalid mask cell",
        messageFormat: "'{0}' is not a mask cell (in '{1}'): a cell is 0 or 1, separated by spaces, tabs or commas",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor RaggedMaskRow = new(
        id: "CL0003",
        title: "Mask rows differ in length",
        messageFormat: "Mask row has the wrong number of cells: expected {0} cells, found {1} (the first row, on line {2}, has {0})",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor EmptyMask = new(
        id: "CL0004",
        title: "Mask file has no rows",
        messageFormat: "Mask file '{0}' has no rows: write one row of 0/1 cells per line",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor TwoRowsOnOneLine = new(
        id: "CL0005",
        title: "Two mask rows on one line",
        messageFormat: "']' closes a row and '[' opens another on the same line: write one row per line",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ClassNotPartial = new(
        id: "CL0006",
        title: "Masked linear class must be partial",
        messageFormat: "Class '{0}' has [MaskedLinear] but is not partial: declare it 'partial class {0}' so the generator can add the layer's members",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor MaskPathMissing = new(
        id: "CL0007",
        title: "Mask path is empty",
        messageFormat: "[MaskedLinear] needs the path of a mask file, relative to this source file",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = new(
        id: "CL0008",
        title: "Containing type must be partial",
        messageFormat: "Class '{0}' is nested in '{1}', which is not partial: declare '{1}' partial so the generator can add to '{0}'",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor GenericClass = new(
        id: "CL0009",
        title: "Masked linear class cannot be generic",
        messageFormat: "Class '{0}' has [MaskedLinear] but is generic: a layer's shape comes from its mask file, so it takes no type parameters",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor StaticClass = new(
        id: "CL0010",
        title: "Masked linear class cannot be static",
        messageFormat: "Class '{0}' has [MaskedLinear] but is static: a layer holds its weights in instances",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor MaskTooLarge = new(
        id: "CL0011",
        title: "Mask is larger than the supported limit",
        messageFormat: "Mask is larger than the supported limit: it has {0}; the limit is {1}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor MemberNameCollision = new(
        id: "CL0012",
        title: "Member name collides with a generated member",
        messageFormat: "'{0}' already has {1}, which the generator adds to every layer: rename or remove it",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor OutputWithoutConnections = new(
        id: "CL0013",
        title: "Output has no connections",
        messageFormat: "Output {0} (mask {1} {0}) has no connections: it is always {2}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "MADE and pathway masks have such outputs by design, so this is information only.");

    public static readonly DiagnosticDescriptor InputWithoutConnections = new(
        id: "CL0014",
        title: "Input has no connections",
        messageFormat: "Input {0} (mask {1} {0}) has no connections: the layer ignores it",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "MADE and pathway masks have such inputs by design, so this is information only.");

    public static readonly DiagnosticDescriptor NoConnections = new(
        id: "CL0015",
        title: "Mask has no connections",
        messageFormat: "Mask '{0}' has no connections: every output is always {1}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor TableDrivenKernel = new(
        id: "CL0016",
        title: "Layer too large to unroll",
        messageFormat: "Layer '{0}' is too large to unroll into straight-line code ({1}; at most {2} are unrolled): it uses a table-driven kernel over compile-time index data, about {3} bytes of source per connection",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnsupportedDeclaration = new(
        id: "CL0017",
        title: "Class cannot take the generated members",
        messageFormat: "Class '{0}' cannot take the generated members: {1}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidLayout = new(
        id: "CL0018",
        title: "Layout is not a MaskLayout value",
        messageFormat: "Layout = {0} is not a MaskLayout value: use MaskLayout.InputsByOutputs or MaskLayout.OutputsByInputs",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);
}
