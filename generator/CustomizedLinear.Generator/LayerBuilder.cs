using System.Collections.Generic;
using System.Linq;
using System.Threading;
using CustomizedLinear.Generator.Diagnostics;
using CustomizedLinear.Generator.Model;
using CustomizedLinear.Generator.Parsing;
using Microsoft.CodeAnalysis;

namespace CustomizedLinear.Generator;

/// <summary>Checks a declaration against its mask file and builds the layer to emit.</summary>
internal static class LayerBuilder
{
    /// <summary>Pairs a declaration with the additional file its mask path resolves to.</summary>
    public static LayerInput Match(LayerDeclaration declaration, IReadOnlyList<MaskFileText> files, string? projectDirectory)
    {
        MaskFileText? mask = files.FirstOrDefault(f => string.Equals(f.NormalizedPath, declaration.ResolvedMaskPath, System.StringComparison.Ordinal))
            ?? files.FirstOrDefault(f => string.Equals(f.NormalizedPath, declaration.ResolvedMaskPath, System.StringComparison.OrdinalIgnoreCase));
        return new LayerInput(declaration, mask, projectDirectory);
    }

    public static LayerResult Build(LayerInput input, CancellationToken cancellationToken)
    {
        LayerDeclaration declaration = input.Declaration;
        var diagnostics = new List<DiagnosticInfo>(declaration.Diagnostics);
        if (declaration.MaskPath.Trim().Length == 0)
        {
            return new LayerResult(null, diagnostics.ToEquatableArray());
        }

        if (input.Mask?.Text is not { } text)
        {
            string include = MaskPaths.RelativeTo(input.ProjectDirectory, declaration.ResolvedMaskPath);
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.MaskFileNotFound, declaration.MaskArgumentLocation, declaration.MaskPath, declaration.ResolvedMaskPath, include));
            return new LayerResult(null, diagnostics.ToEquatableArray());
        }

        MaskParseResult mask = MaskParser.Parse(text, input.Mask.Path, cancellationToken);
        diagnostics.AddRange(mask.Diagnostics);
        if (diagnostics.Any(d => d.Descriptor.DefaultSeverity == DiagnosticSeverity.Error))
        {
            return new LayerResult(null, diagnostics.ToEquatableArray());
        }

        return new LayerResult(ToLayer(declaration, input.Mask.Path, mask), diagnostics.ToEquatableArray());
    }

    /// <summary>Lists the connections in canonical order: output by output, inputs ascending.</summary>
    private static LayerModel ToLayer(LayerDeclaration declaration, string maskFilePath, MaskParseResult mask)
    {
        // The file's rows are inputs unless the layout says they are outputs.
        int inputs = declaration.OutputsByInputs ? mask.Columns : mask.Rows;
        int outputs = declaration.OutputsByInputs ? mask.Rows : mask.Columns;
        var starts = new int[outputs + 1];
        var connectionInputs = new List<int>();
        for (int output = 0; output < outputs; output++)
        {
            starts[output] = connectionInputs.Count;
            for (int input = 0; input < inputs; input++)
            {
                int cell = declaration.OutputsByInputs ? output * mask.Columns + input : input * mask.Columns + output;
                if (mask.Cells[cell] != 0)
                {
                    connectionInputs.Add(input);
                }
            }
        }

        starts[outputs] = connectionInputs.Count;
        int slash = maskFilePath.LastIndexOfAny(['/', '\\']);
        return new LayerModel(
            declaration.Namespace,
            declaration.ContainingTypes,
            declaration.ClassName,
            declaration.HintName,
            slash < 0 ? maskFilePath : maskFilePath.Substring(slash + 1),
            declaration.HasBias,
            inputs,
            outputs,
            new EquatableArray<int>(starts),
            connectionInputs.ToEquatableArray());
    }
}
