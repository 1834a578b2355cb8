using System.Collections.Generic;
using System.Linq;
using System.Threading;
using CustomizedLinear.Generator.Diagnostics;
using CustomizedLinear.Generator.Limits;
using CustomizedLinear.Generator.Model;
using CustomizedLinear.Generator.Parsing;
using CustomizedLinear.Generator.Planning;
using Microsoft.CodeAnalysis;

namespace CustomizedLinear.Generator;

/// <summary>Checks a declaration against its mask file and builds the layer to emit.</summary>
internal static class LayerBuilder
{
    /// <summary>Per kind, report this many outputs or inputs without connections; a MADE mask has a few, a pathway mask may have hundreds.</summary>
    private const int MaxUnconnectedReports = 20;

    /// <summary>Pairs a declaration with the additional file its mask path resolves to.</summary>
    public static LayerInput Match(LayerDeclaration declaration, IReadOnlyList<MaskFileText> files, string? projectDirectory)
    {
        // Exact match only, letter case included (docs/api.md): a path no AdditionalFile has is an error on every OS.
        MaskFileText? mask = files.FirstOrDefault(f => string.Equals(f.NormalizedPath, declaration.ResolvedMaskPath, System.StringComparison.Ordinal));
        return new LayerInput(declaration, mask, projectDirectory);
    }

    public static LayerResult Build(LayerInput input, CancellationToken cancellationToken)
    {
        LayerDeclaration declaration = input.Declaration;
        var diagnostics = new List<DiagnosticInfo>(declaration.Diagnostics);
        if (declaration.MaskPath.Trim().Length == 0 || declaration.HintName.Length == 0)
        {
            // No path, or a repeated attribute on a class that already has one (CS0579).
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

        LayerModel layer = ToLayer(declaration, input.Mask.Path, mask);
        AddStructureDiagnostics(layer, declaration, mask, input.Mask.Path, diagnostics);
        return new LayerResult(layer, diagnostics.ToEquatableArray());
    }

    /// <summary>Lists the connections in canonical order: output by output, inputs ascending.</summary>
    private static LayerModel ToLayer(LayerDeclaration declaration, string maskFilePath, MaskParseResult mask)
    {
        int inputs = declaration.OutputsByInputs ? mask.Columns : mask.Rows;
        int outputs = declaration.OutputsByInputs ? mask.Rows : mask.Columns;
        int[] starts;
        int[] connectionInputs;
        if (declaration.OutputsByInputs)
        {
            // Rows are already outputs, with their inputs ascending.
            starts = mask.RowStarts.ToArray();
            connectionInputs = mask.OnesColumns.ToArray();
        }
        else
        {
            // Rows are inputs: transpose with a counting sort; visiting rows in order keeps inputs ascending.
            starts = new int[outputs + 1];
            foreach (int output in mask.OnesColumns)
            {
                starts[output + 1]++;
            }

            for (int o = 0; o < outputs; o++)
            {
                starts[o + 1] += starts[o];
            }

            connectionInputs = new int[mask.OnesColumns.Count];
            int[] next = starts.Take(outputs).ToArray();
            for (int row = 0; row < mask.Rows; row++)
            {
                for (int k = mask.RowStarts[row]; k < mask.RowStarts[row + 1]; k++)
                {
                    connectionInputs[next[mask.OnesColumns[k]]++] = row;
                }
            }
        }

        var outputStarts = new EquatableArray<int>(starts);
        var inputsOfConnections = new EquatableArray<int>(connectionInputs);
        return new LayerModel(
            declaration.Namespace,
            declaration.ContainingTypes,
            declaration.ClassName,
            declaration.TypeName,
            declaration.Keyword,
            declaration.HintName,
            MaskParser.FileName(maskFilePath),
            declaration.HasBias,
            inputs,
            outputs,
            outputStarts,
            inputsOfConnections,
            KernelPlanner.Plan(inputs, outputs, outputStarts, inputsOfConnections));
    }

    /// <summary>Information about the mask's shape that is worth knowing but never an error.</summary>
    private static void AddStructureDiagnostics(LayerModel layer, LayerDeclaration declaration, MaskParseResult mask, string path, List<DiagnosticInfo> diagnostics)
    {
        string constant = layer.HasBias ? "its bias" : "0";
        if (layer.ConnectionCount == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoConnections, mask.RowSpans[0].ToLocation(path), layer.MaskFileName, constant));
            return;
        }

        // Outputs are the file's columns unless the layout makes them its rows; inputs the other way round.
        bool outputsAreRows = declaration.OutputsByInputs;
        int reported = 0;
        for (int output = 0; output < layer.OutputSize && reported < MaxUnconnectedReports; output++)
        {
            if (layer.OutputStarts[output] == layer.OutputStarts[output + 1])
            {
                TextPosition where = outputsAreRows ? mask.RowSpans[output] : mask.FirstRowCells[output];
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OutputWithoutConnections, where.ToLocation(path), output, outputsAreRows ? "row" : "column", constant));
                reported++;
            }
        }

        var connectedInputs = new bool[layer.InputSize];
        foreach (int input in layer.ConnectionInputs)
        {
            connectedInputs[input] = true;
        }

        reported = 0;
        for (int input = 0; input < layer.InputSize && reported < MaxUnconnectedReports; input++)
        {
            if (!connectedInputs[input])
            {
                TextPosition where = outputsAreRows ? mask.FirstRowCells[input] : mask.RowSpans[input];
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InputWithoutConnections, where.ToLocation(path), input, outputsAreRows ? "column" : "row"));
                reported++;
            }
        }

        if (!layer.Kernels.Unrolled)
        {
            (string size, string limit) = KernelPlanner.TableDrivenReason(layer.ConnectionCount, layer.InputSize, layer.OutputSize);
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.TableDrivenKernel, declaration.MaskArgumentLocation, layer.ClassName, size, limit, KernelLimits.TableBytesPerConnection));
        }
    }
}
