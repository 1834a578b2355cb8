namespace CustomizedLinear.Generator.Model;

/// <summary>What a <c>[MaskedLinear]</c> class declares, read from syntax and symbols once.</summary>
/// <param name="Namespace">The containing namespace, or <see langword="null"/> for the global namespace.</param>
/// <param name="ContainingTypes">Enclosing types, outermost first.</param>
/// <param name="ClassName">The class's name as written in code (<c>@</c>-escaped if it is a keyword).</param>
/// <param name="TypeName">The class's fully qualified name (<c>global::…</c>), for networks that hold it.</param>
/// <param name="Keyword">How the class is declared: <c>class</c> or <c>record</c>.</param>
/// <param name="HintName">A file-name-safe name for the generated source; made unique across layers later.</param>
/// <param name="MaskPath">The mask path as written in the attribute.</param>
/// <param name="ResolvedMaskPath">The normalized full path the mask is expected at.</param>
/// <param name="HasBias">The attribute's <c>Bias</c>.</param>
/// <param name="OutputsByInputs">Whether the attribute's <c>Layout</c> is <c>OutputsByInputs</c>.</param>
/// <param name="MaskArgumentLocation">Where the mask path is written, for "mask not found".</param>
/// <param name="Diagnostics">Problems with the declaration itself; when any is an error nothing is generated.</param>
/// <param name="Site">Where this declaration is (file and position), to order several declarations of one class.</param>
internal sealed record LayerDeclaration(
    string? Namespace,
    EquatableArray<ContainingTypeInfo> ContainingTypes,
    string ClassName,
    string TypeName,
    string Keyword,
    string HintName,
    string MaskPath,
    string ResolvedMaskPath,
    bool HasBias,
    bool OutputsByInputs,
    LocationInfo? MaskArgumentLocation,
    EquatableArray<DiagnosticInfo> Diagnostics,
    string Site);

/// <summary>An enclosing type the generated class must be nested in, e.g. <c>partial struct Outer&lt;T&gt;</c>.</summary>
internal sealed record ContainingTypeInfo(string Keyword, string NameWithTypeParameters);
