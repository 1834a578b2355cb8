using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using CustomizedLinear.Generator.Diagnostics;
using CustomizedLinear.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CustomizedLinear.Generator;

/// <summary>Turns one <c>[Sequential]</c> class into a <see cref="NetworkDeclaration"/> of plain values.</summary>
internal static class NetworkDeclarationReader
{
    public const string AttributeMetadataName = "CustomizedLinear.SequentialAttribute";

    public const string HintNameSuffix = ".Sequential.g.cs";

    private const string ActivationInterface = "CustomizedLinear.IActivation";

    /// <summary>The activations the runtime ships, which the generator may fuse into layer kernels and inline.</summary>
    private static readonly string[] BuiltInActivations = ["ReLU", "Tanh", "Sigmoid", "Softplus", "SiLU"];

    /// <summary>What a network class must be; the member names are the ones <c>NetworkEmitter</c> adds (and <c>Layer{i}</c>).</summary>
    public static readonly ClassRules.Kind Rules = new(
        "Sequential",
        "network",
        "a network's shape comes from its layers, so it takes no type parameters",
        "a network holds its layers in instances",
        [
            "InputSize", "OutputSize", "Layers", "NamedLayers", "Forward", "ForwardTraining", "Backward", "ZeroGrad",
            "ForwardCore", "ForwardTrainingCore", "BackwardCore",
            "_layers", "_namedLayers", "_saved", "_grads", "_trainingBatch",
        ],
        "IMaskedNetwork");

    public static NetworkDeclaration Read(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var symbol = (INamedTypeSymbol)context.TargetSymbol;
        var syntax = (TypeDeclarationSyntax)context.TargetNode;
        AttributeData attribute = context.Attributes[0];
        var attributeSyntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
        var diagnostics = new List<DiagnosticInfo>();

        bool autoregressive = false;
        bool interleaved = false;
        LocationInfo? autoregressiveLocation = NamedArgumentLocation(attributeSyntax, "Autoregressive") ?? LocationInfo.From(attributeSyntax);
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            switch (argument.Key)
            {
                case "Autoregressive" when argument.Value.Value is bool value:
                    autoregressive = value;
                    break;
                case "AutoregressiveOutputs" when argument.Value.Value is int order:
                    if (order is not (0 or 1))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidOutputOrder, NamedArgumentLocation(attributeSyntax, argument.Key) ?? autoregressiveLocation, order));
                    }

                    interleaved = order == 1;
                    break;
            }
        }

        if (!autoregressive && attribute.NamedArguments.Any(a => a.Key == "AutoregressiveOutputs"))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OutputOrderWithoutAutoregressive, NamedArgumentLocation(attributeSyntax, "AutoregressiveOutputs") ?? autoregressiveLocation, symbol.Name));
        }

        // A class that is also a layer would get both sets of members.
        if (symbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == LayerDeclarationReader.AttributeMetadataName))
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnsupportedDeclaration, LocationInfo.From(syntax.Identifier), symbol.Name, "it has both [MaskedLinear] and [Sequential]; a network holds its layers, declare them as classes of their own"));
        }

        var modules = ReadModules(symbol, attribute, attributeSyntax, diagnostics, out bool unreadable, cancellationToken);
        var rules = Rules with { MemberNames = [.. Rules.MemberNames, .. modules.Where(m => m.IsLayer).Select(m => "Layer" + m.Index)] };
        ClassRules.Check(rules, symbol, syntax, diagnostics, cancellationToken);
        if (!unreadable && modules.Count > 0 && !modules.Any(m => m.IsLayer))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoMaskedLayer, LocationInfo.From(attributeSyntax) ?? LocationInfo.From(syntax.Identifier), symbol.Name));
        }

        if (!unreadable && modules.Count == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoMaskedLayer, LocationInfo.From(attributeSyntax) ?? LocationInfo.From(syntax.Identifier), symbol.Name));
        }

        return new NetworkDeclaration(
            Keyword(EffectiveAccessibility(symbol)),
            ClassRules.Namespace(symbol),
            ClassRules.ContainingTypes(symbol, cancellationToken),
            ClassRules.Escape(symbol.Name),
            ClassRules.ClassKeyword(syntax),
            ClassRules.HintName(symbol, HintNameSuffix),
            // A typeof(...) the compiler could not bind is its error (CS0246): generate nothing, add nothing.
            unreadable ? EquatableArray<ModuleEntry>.Empty : modules.ToEquatableArray(),
            autoregressive,
            interleaved,
            autoregressiveLocation,
            diagnostics.ToEquatableArray(),
            ClassRules.Site(syntax));
    }

    private static List<ModuleEntry> ReadModules(
        INamedTypeSymbol network, AttributeData attribute, AttributeSyntax? attributeSyntax, List<DiagnosticInfo> diagnostics, out bool unreadable, CancellationToken cancellationToken)
    {
        var modules = new List<ModuleEntry>();
        unreadable = attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Kind != TypedConstantKind.Array;
        if (unreadable)
        {
            return modules;
        }

        // [Sequential(null)]: a null array, whose Values are a default ImmutableArray; it holds no module.
        ImmutableArray<TypedConstant> values = attribute.ConstructorArguments[0].IsNull ? [] : attribute.ConstructorArguments[0].Values;
        IReadOnlyList<SyntaxNode> arguments = EntrySyntax(attributeSyntax, values.Length);
        Accessibility networkAccess = EffectiveAccessibility(network);
        for (int index = 0; index < values.Length; index++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TypedConstant value = values[index];
            LocationInfo? location = index < arguments.Count ? LocationInfo.From(arguments[index]) : LocationInfo.From(attributeSyntax);
            if (value.Kind == TypedConstantKind.Error)
            {
                unreadable = true;
                continue;
            }

            if (value.Value is not ITypeSymbol type || type.TypeKind == TypeKind.Error)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidModule, location, value.Value is null ? "null" : System.Convert.ToString(value.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "null", network.Name, "it is not a type"));
                continue;
            }

            string typeName = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            string display = type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
            string written = $"typeof({type.ToDisplayString()})";
            bool hasLayerAttribute = type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == LayerDeclarationReader.AttributeMetadataName);
            if (hasLayerAttribute && type is INamedTypeSymbol { IsGenericType: false } && type.DeclaringSyntaxReferences.Length > 0)
            {
                // Whether that is lower than the network's is told by the builder, once the layer is known to be generated.
                string access = PropertyAccessibility(networkAccess, EffectiveAccessibility(type));
                modules.Add(new ModuleEntry(index, true, typeName, display, "", access, location));
                continue;
            }

            string? problem = hasLayerAttribute
                ? (type.DeclaringSyntaxReferences.Length == 0
                    ? "it is a masked layer from another assembly, and a network is generated from the masks of its own project's layers"
                    : "it is a generic masked layer, which has no layer generated")
                : ActivationProblem(type);
            if (problem is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidModule, location, written, network.Name, problem));
                continue;
            }

            bool builtIn = type.ContainingNamespace?.ToDisplayString() == "CustomizedLinear"
                && type.ContainingType is null
                && type.ContainingAssembly?.Name == "CustomizedLinear"
                && BuiltInActivations.Contains(type.Name);
            modules.Add(new ModuleEntry(index, false, typeName, display, builtIn ? type.Name : "", "", location));
        }

        return modules;
    }

    /// <summary>Why <paramref name="type"/> cannot be an activation, or <see langword="null"/> when it can.</summary>
    private static string? ActivationProblem(ITypeSymbol type)
    {
        bool implements = type.AllInterfaces.Any(i => i.ToDisplayString() == ActivationInterface);
        string what = type.TypeKind switch
        {
            TypeKind.Class when type.IsRecord => "a record",
            TypeKind.Class => "a class",
            TypeKind.Struct when type.IsRecord => "a record struct",
            TypeKind.Struct => "a struct",
            TypeKind.Interface => "an interface",
            TypeKind.Enum => "an enum",
            TypeKind.Delegate => "a delegate",
            TypeKind.Array => "an array type",
            TypeKind.Pointer or TypeKind.FunctionPointer => "a pointer type",
            _ => "a type",
        };
        if (type.ToDisplayString() == ActivationInterface)
        {
            return "it is the IActivation interface itself; name a type that implements it, such as ReLU";
        }

        if (!implements)
        {
            return $"it is {what} that neither has [MaskedLinear] nor implements IActivation";
        }

        if (type.TypeKind == TypeKind.Interface)
        {
            return "it is an interface, and an activation must be a class or struct whose static Forward and Backward the network calls";
        }

        if (type is INamedTypeSymbol { IsUnboundGenericType: true })
        {
            return "it is an open generic type; give its type arguments";
        }

        for (INamedTypeSymbol? outer = type as INamedTypeSymbol; outer is not null; outer = outer.ContainingType)
        {
            if (outer.IsFileLocal)
            {
                return "it is a 'file' type (or nested in one), which the generated network, in another file, cannot name";
            }
        }

        if (type.IsRefLikeType)
        {
            return "it is a ref struct, which cannot be a type argument of the network's calls (NetworkActivations.Forward<T>)";
        }

        return null;
    }

    /// <summary>The expressions that give the entries, one per entry, when the arguments are written out one by one.</summary>
    private static IReadOnlyList<SyntaxNode> EntrySyntax(AttributeSyntax? syntax, int count)
    {
        var positional = syntax?.ArgumentList?.Arguments.Where(a => a.NameEquals is null && a.NameColon is null).ToList() ?? [];
        if (positional.Count == count)
        {
            return positional.Select(a => (SyntaxNode)a.Expression).ToList();
        }

        // new[] { typeof(A), ... } or [typeof(A), ...] written as one argument.
        if (positional.Count == 1)
        {
            IEnumerable<SyntaxNode> elements = positional[0].Expression switch
            {
                ArrayCreationExpressionSyntax { Initializer: { } initializer } => initializer.Expressions,
                ImplicitArrayCreationExpressionSyntax array => array.Initializer.Expressions,
                CollectionExpressionSyntax collection => collection.Elements,
                _ => [],
            };
            var list = elements.ToList();
            if (list.Count == count)
            {
                return list;
            }
        }

        return [];
    }

    private static LocationInfo? NamedArgumentLocation(AttributeSyntax? syntax, string name) =>
        LocationInfo.From(syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name));

    /// <summary>
    /// The property's keyword: <c>public</c> when the layer type is seen at least as far as the network (the
    /// network's own accessibility already bounds its members), otherwise the layer type's, the lower of the two.
    /// </summary>
    private static string PropertyAccessibility(Accessibility network, Accessibility layer) =>
        Rank(layer) >= Rank(network) ? "public" : Keyword(layer);

    private static int Rank(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Public => 3,
        Accessibility.Internal or Accessibility.ProtectedOrInternal => 2,
        _ => 1,
    };

    private static string Keyword(Accessibility accessibility) => Rank(accessibility) switch
    {
        3 => "public",
        2 => "internal",
        _ => "private",
    };

    /// <summary>How far a type can be seen: the least accessible of it and its containing types.</summary>
    private static Accessibility EffectiveAccessibility(ITypeSymbol type)
    {
        Accessibility result = Accessibility.Public;
        for (ISymbol? current = type; current is INamedTypeSymbol; current = current.ContainingType)
        {
            if (Rank(current.DeclaredAccessibility) < Rank(result))
            {
                result = current.DeclaredAccessibility;
            }
        }

        return result;
    }
}
