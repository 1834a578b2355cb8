namespace CustomizedLinear.Generator.Model;

/// <summary>What a <c>[Sequential]</c> class declares, read from syntax and symbols once.</summary>
/// <param name="Accessibility">How far the network class can be seen, as a keyword: <c>public</c>, <c>internal</c> or <c>private</c>.</param>
/// <param name="Namespace">The containing namespace, or <see langword="null"/> for the global namespace.</param>
/// <param name="ContainingTypes">Enclosing types, outermost first.</param>
/// <param name="ClassName">The class's name as written in code.</param>
/// <param name="Keyword">How the class is declared: <c>class</c> or <c>record</c>.</param>
/// <param name="HintName">A file-name-safe name for the generated source; made unique across networks later.</param>
/// <param name="Modules">The entries of the attribute, in order; empty when one of them is not a module.</param>
/// <param name="Autoregressive">The attribute's <c>Autoregressive</c>.</param>
/// <param name="Interleaved">Whether <c>AutoregressiveOutputs</c> is <c>MadeOutputOrder.Interleaved</c>.</param>
/// <param name="AutoregressiveLocation">Where <c>Autoregressive = true</c> is written, for its errors.</param>
/// <param name="Diagnostics">Problems with the declaration itself; when any is an error nothing is generated.</param>
/// <param name="Site">Where this declaration is (file and position), to order several declarations of one class.</param>
internal sealed record NetworkDeclaration(
    string Accessibility,
    string? Namespace,
    EquatableArray<ContainingTypeInfo> ContainingTypes,
    string ClassName,
    string Keyword,
    string HintName,
    EquatableArray<ModuleEntry> Modules,
    bool Autoregressive,
    bool Interleaved,
    LocationInfo? AutoregressiveLocation,
    EquatableArray<DiagnosticInfo> Diagnostics,
    string Site);

/// <summary>One entry of <c>[Sequential]</c>: a masked layer or an activation.</summary>
/// <param name="Index">The entry's index in the attribute, as in <c>nn.Sequential</c> (names <c>Layer{Index}</c>, <c>"{Index}."</c>).</param>
/// <param name="IsLayer">A <c>[MaskedLinear]</c> class of this compilation; otherwise an <c>IActivation</c>.</param>
/// <param name="TypeName">The type's fully qualified name (<c>global::…</c>).</param>
/// <param name="DisplayName">The type's name as a reader knows it, for documentation and messages.</param>
/// <param name="BuiltIn">For a built-in activation, its <c>FusedActivation</c> member name (<c>ReLU</c>, …); otherwise empty.</param>
/// <param name="Accessibility">
/// For a layer, the keyword of its <c>Layer{Index}</c> property: <c>public</c> unless the layer type is seen less far
/// than the network, then the layer type's (the lower of the two, as the contract says).
/// </param>
/// <param name="Location">Where the entry's <c>typeof(...)</c> is written.</param>
internal sealed record ModuleEntry(
    int Index,
    bool IsLayer,
    string TypeName,
    string DisplayName,
    string BuiltIn,
    string Accessibility,
    LocationInfo? Location);
