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

    public static LayerDeclaration Read(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var symbol = (INamedTypeSymbol)context.TargetSymbol;
        var syntax = (ClassDeclarationSyntax)context.TargetNode;
        AttributeData attribute = context.Attributes[0];
        var diagnostics = new List<DiagnosticInfo>();

        string maskPath = attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string path ? path : "";
        bool hasBias = true;
        bool outputsByInputs = false;
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            switch (argument.Key)
            {
                case "Bias" when argument.Value.Value is bool bias:
                    hasBias = bias;
                    break;
                case "Layout" when argument.Value.Value is int layout:
                    outputsByInputs = layout == 1;
                    break;
            }
        }

        LocationInfo? argumentLocation = MaskArgumentLocation(attribute, cancellationToken) ?? LocationInfo.From(syntax.Identifier);
        if (maskPath.Trim().Length == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MaskPathMissing, argumentLocation));
        }

        LocationInfo? identifier = LocationInfo.From(syntax.Identifier);
        if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClassNotPartial, identifier, symbol.Name));
        }

        if (symbol.Arity > 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GenericClass, identifier, symbol.Name));
        }

        if (symbol.IsStatic)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.StaticClass, identifier, symbol.Name));
        }

        AddCollisions(symbol, identifier, diagnostics, cancellationToken);

        var containingTypes = new List<ContainingTypeInfo>();
        for (INamedTypeSymbol? outer = symbol.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            var declarations = outer.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<TypeDeclarationSyntax>().ToList();
            if (declarations.Count == 0 || declarations.Any(d => !d.Modifiers.Any(SyntaxKind.PartialKeyword)))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ContainingTypeNotPartial, identifier, symbol.Name, outer.Name));
            }

            containingTypes.Insert(0, new ContainingTypeInfo(Keyword(declarations.FirstOrDefault()), NameWithTypeParameters(outer)));
        }

        string? ns = symbol.ContainingNamespace.IsGlobalNamespace ? null : symbol.ContainingNamespace.ToDisplayString();
        return new LayerDeclaration(
            ns,
            containingTypes.ToEquatableArray(),
            symbol.Name,
            HintName(ns, containingTypes, symbol.Name),
            maskPath,
            MaskPaths.Resolve(syntax.SyntaxTree.FilePath, maskPath),
            hasBias,
            outputsByInputs,
            argumentLocation,
            diagnostics.ToEquatableArray());
    }

    /// <summary>Names of the members the emitter adds (see <c>LayerEmitter</c>).</summary>
    public static readonly string[] GeneratedMemberNames =
    [
        "InputSize", "OutputSize", "ConnectionCount", "HasBias", "Weights", "Bias", "WeightGrad", "BiasGrad",
        "Forward", "Backward", "ZeroGrad", "LoadDenseWeight", "CopyDenseWeight", "IsConnected",
        "_weights", "_bias", "_weightGrad", "_biasGrad",
    ];

    /// <summary>User members (declared or inherited) that a generated member would clash with or hide.</summary>
    private static void AddCollisions(INamedTypeSymbol symbol, LocationInfo? identifier, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        foreach (string name in GeneratedMemberNames)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ISymbol? own = symbol.GetMembers(name).FirstOrDefault(m => !m.IsImplicitlyDeclared);
            if (own is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.MemberNameCollision, LocationInfo.From(own.Locations.FirstOrDefault()) ?? identifier, symbol.Name, $"a member named '{name}'"));
                continue;
            }

            for (INamedTypeSymbol? type = symbol.BaseType; type is not null && type.SpecialType != SpecialType.System_Object; type = type.BaseType)
            {
                if (type.GetMembers(name).Any(m => m.DeclaredAccessibility != Accessibility.Private && !m.IsImplicitlyDeclared))
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.MemberNameCollision, identifier, symbol.Name, $"a member named '{name}' inherited from '{type.Name}'"));
                    break;
                }
            }
        }

        foreach (IMethodSymbol constructor in symbol.InstanceConstructors.Where(c => !c.IsImplicitlyDeclared))
        {
            bool parameterless = constructor.Parameters.Length == 0;
            bool seeded = constructor.Parameters.Length == 1 && constructor.Parameters[0].Type.SpecialType == SpecialType.System_Int32;
            if (parameterless || seeded)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.MemberNameCollision,
                    LocationInfo.From(constructor.Locations.FirstOrDefault()) ?? identifier,
                    symbol.Name,
                    $"the constructor '{symbol.Name}({(seeded ? "int" : "")})'"));
            }
        }
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

    private static string Keyword(TypeDeclarationSyntax? declaration) => declaration switch
    {
        RecordDeclarationSyntax record when record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) => "record struct",
        RecordDeclarationSyntax => "record",
        StructDeclarationSyntax => "struct",
        InterfaceDeclarationSyntax => "interface",
        _ => "class",
    };

    private static string NameWithTypeParameters(INamedTypeSymbol type) =>
        type.TypeParameters.Length == 0 ? type.Name : type.Name + "<" + string.Join(", ", type.TypeParameters.Select(p => p.Name)) + ">";

    private static string HintName(string? ns, List<ContainingTypeInfo> containingTypes, string name)
    {
        var builder = new StringBuilder();
        var parts = containingTypes.Select(t => t.NameWithTypeParameters).Prepend(ns ?? "").Append(name);
        foreach (string part in parts.Where(p => p.Length > 0))
        {
            foreach (char c in part)
            {
                builder.Append(char.IsLetterOrDigit(c) || c is '_' or '.' ? c : '_');
            }

            builder.Append('.');
        }

        return builder.Append("MaskedLinear.g.cs").ToString();
    }
}
