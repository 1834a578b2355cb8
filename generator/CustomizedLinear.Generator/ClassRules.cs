using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using CustomizedLinear.Generator.Diagnostics;
using CustomizedLinear.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CustomizedLinear.Generator;

/// <summary>
/// What a class must be for the generator to add members to it, shared by <c>[MaskedLinear]</c> layers and
/// <c>[Sequential]</c> networks, and how its name and nesting are written into generated code.
/// </summary>
internal static class ClassRules
{
    /// <summary>What the checks say about one kind of generated class.</summary>
    /// <param name="Attribute">The attribute as written in messages: <c>MaskedLinear</c>.</param>
    /// <param name="Noun">What the class becomes: <c>layer</c>.</param>
    /// <param name="WhyNotGeneric">Why the class takes no type parameters.</param>
    /// <param name="WhyNotStatic">Why the class cannot be static.</param>
    /// <param name="MemberNames">The members the emitter adds, which user members must not clash with.</param>
    /// <param name="Interface">The interface the class implements, whose explicit implementations would clash.</param>
    public sealed record Kind(string Attribute, string Noun, string WhyNotGeneric, string WhyNotStatic, IReadOnlyList<string> MemberNames, string Interface);

    /// <summary>Partial, not generic, not static, nested only in partial types, and able to take the members.</summary>
    public static void Check(Kind kind, INamedTypeSymbol symbol, TypeDeclarationSyntax syntax, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        LocationInfo? identifier = LocationInfo.From(syntax.Identifier);
        if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClassNotPartial, identifier, symbol.Name, kind.Attribute, kind.Noun));
        }

        if (symbol.Arity > 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GenericClass, identifier, symbol.Name, kind.Attribute, kind.WhyNotGeneric));
        }

        if (symbol.IsStatic)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.StaticClass, identifier, symbol.Name, kind.Attribute, kind.WhyNotStatic));
        }

        AddUnsupported(symbol, syntax, identifier, diagnostics, cancellationToken);
        AddCollisions(kind, symbol, identifier, diagnostics, cancellationToken);

        for (INamedTypeSymbol? outer = symbol.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            var declarations = outer.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<TypeDeclarationSyntax>().ToList();
            if (declarations.Count == 0 || declarations.Any(d => !d.Modifiers.Any(SyntaxKind.PartialKeyword)))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ContainingTypeNotPartial, identifier, symbol.Name, outer.Name));
            }
        }
    }

    /// <summary>The enclosing types the generated class is nested in, outermost first.</summary>
    public static EquatableArray<ContainingTypeInfo> ContainingTypes(INamedTypeSymbol symbol, CancellationToken cancellationToken)
    {
        var containingTypes = new List<ContainingTypeInfo>();
        for (INamedTypeSymbol? outer = symbol.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            TypeDeclarationSyntax? declaration = outer.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<TypeDeclarationSyntax>().FirstOrDefault();
            containingTypes.Insert(0, new ContainingTypeInfo(Keyword(declaration), NameWithTypeParameters(outer)));
        }

        return containingTypes.ToEquatableArray();
    }

    public static string? Namespace(INamedTypeSymbol symbol) =>
        symbol.ContainingNamespace.IsGlobalNamespace ? null : symbol.ContainingNamespace.ToDisplayString();

    /// <summary>How the class is declared: <c>class</c> or <c>record</c>.</summary>
    public static string ClassKeyword(TypeDeclarationSyntax syntax) => syntax is RecordDeclarationSyntax ? "record" : "class";

    /// <summary>Where this declaration is (file and position), to order several declarations of one class.</summary>
    public static string Site(TypeDeclarationSyntax syntax) => $"{syntax.SyntaxTree.FilePath}:{syntax.Identifier.SpanStart:D9}";

    /// <summary>A name as C# code: keywords get an <c>@</c>.</summary>
    public static string Escape(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>
    /// <c>Namespace.Outer`1.Name</c> + <paramref name="suffix"/>: metadata names, so <c>O&lt;T&gt;</c> and <c>O_T_</c> differ.
    /// Names that still clash (they differ only in case) are told apart in <see cref="HintNames"/>.
    /// </summary>
    public static string HintName(INamedTypeSymbol symbol, string suffix)
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

        return builder.Append(suffix).ToString();
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
    private static void AddCollisions(Kind kind, INamedTypeSymbol symbol, LocationInfo? identifier, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        void Report(LocationInfo? where, string what) =>
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MemberNameCollision, where ?? identifier, symbol.Name, what, kind.Noun));

        foreach (string name in kind.MemberNames)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ISymbol? own = symbol.GetMembers(name).FirstOrDefault(m => !m.IsImplicitlyDeclared);
            if (own is not null)
            {
                Report(LocationInfo.From(own.Locations.FirstOrDefault()), $"a member named '{name}'");
                continue;
            }

            for (INamedTypeSymbol? type = symbol.BaseType; type is not null && type.SpecialType != SpecialType.System_Object; type = type.BaseType)
            {
                if (type.GetMembers(name).Any(m => m.DeclaredAccessibility != Accessibility.Private && !m.IsImplicitlyDeclared))
                {
                    Report(identifier, $"a member named '{name}' inherited from '{type.Name}'");
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
            if (implemented?.ContainingType.ToDisplayString() == "CustomizedLinear." + kind.Interface)
            {
                Report(LocationInfo.From(member.Locations.FirstOrDefault()), $"an explicit implementation of '{kind.Interface}.{implemented.Name}'");
            }
        }

        foreach (IMethodSymbol constructor in symbol.InstanceConstructors.Where(c => !c.IsImplicitlyDeclared))
        {
            bool parameterless = constructor.Parameters.Length == 0;
            bool seeded = constructor.Parameters.Length == 1 && constructor.Parameters[0].Type.SpecialType == SpecialType.System_Int32;
            if (parameterless || seeded)
            {
                Report(LocationInfo.From(constructor.Locations.FirstOrDefault()), $"the constructor '{symbol.Name}({(seeded ? "int" : "")})'");
            }
        }
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
        type.TypeParameters.Length == 0 ? Escape(type.Name) : Escape(type.Name) + "<" + string.Join(", ", type.TypeParameters.Select(p => Escape(p.Name))) + ">";
}
