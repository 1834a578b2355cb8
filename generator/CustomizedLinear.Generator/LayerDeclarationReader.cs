using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using CustomizedLinear.Generator.Diagnostics;
using CustomizedLinear.Generator.Model;
using CustomizedLinear.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CustomizedLinear.Generator;

/// <summary>Turns one <c>[MaskedLinear]</c> class into a <see cref="LayerDeclaration"/> of plain values.</summary>
internal static class LayerDeclarationReader
{
    public const string AttributeMetadataName = "CustomizedLinear.MaskedLinearAttribute";

    public const string HintNameSuffix = ".MaskedLinear.g.cs";

    /// <summary>What a layer class must be; the member names are the ones <c>LayerEmitter</c> adds.</summary>
    public static readonly ClassRules.Kind Rules = new(
        "MaskedLinear",
        "layer",
        "a layer's shape comes from its mask file, so it takes no type parameters",
        "a layer holds its weights in instances",
        [
            "InputSize", "OutputSize", "ConnectionCount", "HasBias", "Weights", "Bias", "WeightGrad", "BiasGrad",
            "Forward", "Backward", "ZeroGrad", "LoadDenseWeight", "CopyDenseWeight", "IsConnected",
            "_weights", "_bias", "_weightGrad", "_biasGrad", "_tileGradients",
        ],
        "IMaskedLinear");

    /// <summary>Classes and record classes; <c>AttributeTargets.Class</c> admits both.</summary>
    public static bool IsCandidate(SyntaxNode node) =>
        node is ClassDeclarationSyntax || (node is RecordDeclarationSyntax record && !record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword));

    public static LayerDeclaration Read(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var symbol = (INamedTypeSymbol)context.TargetSymbol;
        var syntax = (TypeDeclarationSyntax)context.TargetNode;
        AttributeData attribute = context.Attributes[0];
        var diagnostics = new List<DiagnosticInfo>();

        string maskPath = attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string path ? path : "";
        bool hasBias = true;
        bool outputsByInputs = false;
        LocationInfo? argumentLocation = MaskArgumentLocation(attribute, cancellationToken) ?? LocationInfo.From(syntax.Identifier);
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            switch (argument.Key)
            {
                case "Bias" when argument.Value.Value is bool bias:
                    hasBias = bias;
                    break;
                case "Layout" when argument.Value.Value is int layout:
                    if (layout is not (0 or 1))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayout, argumentLocation, layout));
                    }

                    outputsByInputs = layout == 1;
                    break;
            }
        }

        if (maskPath.Trim().Length == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MaskPathMissing, argumentLocation));
        }

        ClassRules.Check(Rules, symbol, syntax, diagnostics, cancellationToken);
        return new LayerDeclaration(
            ClassRules.Namespace(symbol),
            ClassRules.ContainingTypes(symbol, cancellationToken),
            ClassRules.Escape(symbol.Name),
            symbol.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            ClassRules.ClassKeyword(syntax),
            ClassRules.HintName(symbol, HintNameSuffix),
            maskPath,
            MaskPaths.Resolve(syntax.SyntaxTree.FilePath, maskPath),
            hasBias,
            outputsByInputs,
            argumentLocation,
            diagnostics.ToEquatableArray(),
            ClassRules.Site(syntax));
    }

    private static LocationInfo? MaskArgumentLocation(AttributeData attribute, CancellationToken cancellationToken)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax)
        {
            return null;
        }

        return syntax.ArgumentList is { Arguments.Count: > 0 } arguments
            ? LocationInfo.From(arguments.Arguments[0])
            : LocationInfo.From(syntax);
    }
}
