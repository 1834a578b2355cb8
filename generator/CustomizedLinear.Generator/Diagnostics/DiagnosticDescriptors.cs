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
        title: "Generated class must be partial",
        messageFormat: "Class '{0}' has [{1}] but is not partial: declare it 'partial class {0}' so the generator can add the {2}'s members",
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
        title: "Generated class cannot be generic",
        messageFormat: "Class '{0}' has [{1}] but is generic: {2}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor StaticClass = new(
        id: "CL0010",
        title: "Generated class cannot be static",
        messageFormat: "Class '{0}' has [{1}] but is static: {2}",
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
        messageFormat: "'{0}' already has {1}, which the generator adds to every {2}: rename or remove it",
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

    public static readonly DiagnosticDescriptor InvalidModule = new(
        id: "CL0019",
        title: "Network entry is neither a masked layer nor an activation",
        messageFormat: "{0} cannot be a module of '{1}': {2}; an entry of [Sequential] is a [MaskedLinear] class of this project or a type implementing IActivation",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NoMaskedLayer = new(
        id: "CL0020",
        title: "Network has no masked layer",
        messageFormat: "[Sequential] on '{0}' has no masked layer: a network needs at least one [MaskedLinear] class among its modules",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor SizesDoNotChain = new(
        id: "CL0021",
        title: "Layer sizes do not chain",
        messageFormat: "'{0}' (module {1}) takes {2} inputs, but {3} reach it from '{4}' (module {5}): each layer's InputSize must equal the size before it",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Activations keep the size, so the size that reaches a layer is the OutputSize of the masked layer before it.");

    public static readonly DiagnosticDescriptor NotAutoregressive = new(
        id: "CL0022",
        title: "Network is not autoregressive",
        messageFormat: "'{0}' is not autoregressive: output {1} (variable {2}) depends on input {3} through {4}, but may depend only on inputs before {2}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Proved from the masks by boolean reachability: a connection path from an input to an output means the output can depend on it, whatever the weights.");

    public static readonly DiagnosticDescriptor AutoregressiveOutputSize = new(
        id: "CL0023",
        title: "Autoregressive output size is not a multiple of the input size",
        messageFormat: "'{0}' cannot be autoregressive: its {1} outputs are not a multiple of its {2} inputs (a MADE network has OutputSize = k · InputSize)",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor LayerPropertyLessAccessible = new(
        id: "CL0024",
        title: "Layer property is less accessible than its network",
        messageFormat: "'{0}.{1}' is {2}, not {3} like '{0}': its type '{4}' is {2}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "A property cannot be more accessible than its type; the network still exposes every layer through Layers and NamedLayers.");

    public static readonly DiagnosticDescriptor InvalidOutputOrder = new(
        id: "CL0025",
        title: "AutoregressiveOutputs is not a MadeOutputOrder value",
        messageFormat: "AutoregressiveOutputs = {0} is not a MadeOutputOrder value: use MadeOutputOrder.Concatenated or MadeOutputOrder.Interleaved",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor OutputOrderWithoutAutoregressive = new(
        id: "CL0026",
        title: "AutoregressiveOutputs without Autoregressive = true",
        messageFormat: "AutoregressiveOutputs on '{0}' has no effect without Autoregressive = true: nothing is checked; add Autoregressive = true or remove it",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true);
}
