namespace CustomizedLinear.Generator.Model;

/// <summary>A declaration paired with the additional file its mask path resolves to, if any.</summary>
/// <param name="ProjectDirectory">The project directory (for the AdditionalFiles line in "not found"), when known.</param>
internal sealed record LayerInput(LayerDeclaration Declaration, MaskFileText? Mask, string? ProjectDirectory);
