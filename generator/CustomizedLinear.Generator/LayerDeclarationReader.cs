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

    /// <summary>Names of the members the emitter adds (see <c>LayerEmitter</c>).</summary>
    public static readonly string[] GeneratedMemberNames =
    [
        "InputSize", "OutputSize", "ConnectionCount", "HasBias", "Weights", "Bias", "WeightGrad", "BiasGrad",
        "Forward", "Backward", "ZeroGrad", "LoadDenseWeight", "CopyDenseWeight", "IsConnected",
        "_weights", "_bias", "_weightGrad", "_biasGrad",
    ];

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

        AddUnsupported(symbol, syntax, identifier, diagnostics, cancellationToken);
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
            Escape(symbol.Name),
            syntax is RecordDeclarationSyntax ? "record" : "class",
            HintName(symbol),
            maskPath,
            MaskPaths.Resolve(syntax.SyntaxTree.FilePath, maskPath),
            hasBias,
            outputsByInputs,
            argumentLocation,
            diagnostics.ToEquatableArray(),
            $"{syntax.SyntaxTree.FilePath}:{syntax.Identifier.SpanStart:D9}");
    }

    /// <summary>Declarations that are legal C# but leave the generated members no way to compile.</summary>
    private static void AddUnsupported(INamedTypeSymbol symbol, TypeDeclarationSyntax syntax, LocationInfo? identifier, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        void Report(string reason) => diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedDeclaration, identifier, symbol.Name, reason));

        for (INamedTypeSymbol? type = symbol; type is not null; type = type.ContainingType)
        {
            if (type.IsFileLocal)
            {
                Report(ReferenceEquals(type, symbol)
                    ? "it is a 'file' type, which can only be extended in its own file, and the members are generated in another"
                    : $"it is nested in the 'file' type '{type.Name}', which can only be extended in its own file");
                break;
            }
        }

        if (symbol.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<TypeDeclarationSyntax>().Any(d => d.ParameterList is not null))
        {
            Report("it has a primary constructor, which the generated constructors L() and L(int seed) cannot call; remove the parameter list");
        }

        if (symbol.BaseType is { SpecialType: not SpecialType.System_Object } baseType
            && !baseType.InstanceConstructors.Any(c => c.Parameters.All(p => p.IsOptional || p.IsParams) && c.DeclaredAccessibility is not Accessibility.Private))
        {
            Report($"its base class '{baseType.Name}' has no accessible parameterless constructor for the generated constructors to call");
        }

        if (syntax.SyntaxTree.Options is CSharpParseOptions { LanguageVersion: < LanguageVersion.CSharp11 } options)
        {
            Report($"the project uses C# {options.LanguageVersion.ToDisplayString()}, and the generated code needs C# 11 or later (it uses file-local types)");
        }
    }

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

        foreach (ISymbol member in symbol.GetMembers())
        {
            ISymbol? implemented = member switch
            {
                IPropertySymbol property => property.ExplicitInterfaceImplementations.FirstOrDefault(),
                IMethodSymbol method when method.MethodKind == MethodKind.ExplicitInterfaceImplementation => method.ExplicitInterfaceImplementations.FirstOrDefault(),
                _ => null,
            };
            if (implemented?.ContainingType.ToDisplayString() == "CustomizedLinear.IMaskedLinear")
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.MemberNameCollision,
                    LocationInfo.From(member.Locations.FirstOrDefault()) ?? identifier,
                    symbol.Name,
                    $"an explicit implementation of 'IMaskedLinear.{implemented.Name}'"));
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

    /// <summary>A name as C# code: keywords get an <c>@</c>.</summary>
    private static string Escape(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    private static string NameWithTypeParameters(INamedTypeSymbol type) =>
        type.TypeParameters.Length == 0 ? Escape(type.Name) : Escape(type.Name) + "<" + string.Join(", ", type.TypeParameters.Select(p => Escape(p.Name))) + ">";

    /// <summary>
    /// <c>Namespace.Outer`1.Name.MaskedLinear.g.cs</c>: metadata names, so <c>O&lt;T&gt;</c> and <c>O_T_</c> differ.
    /// Names that still clash (they differ only in case) are told apart in <see cref="HintNames"/>.
    /// </summary>
    private static string HintName(INamedTypeSymbol symbol)
    {
        var parts = new List<string> { symbol.MetadataName };
        for (INamedTypeSymbol? outer = symbol.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            parts.Insert(0, outer.MetadataName);
        }

        if (!symbol.ContainingNamespace.IsGlobalNamespace)
        {
            parts.Insert(0, symbol.ContainingNamespace.ToDisplayString());
        }

        var builder = new StringBuilder();
        foreach (char c in string.Join(".", parts))
        {
            builder.Append(char.IsLetterOrDigit(c) || c is '_' or '.' or '`' ? c : '_');
        }

        return builder.Append(".MaskedLinear.g.cs").ToString();
    }
}
