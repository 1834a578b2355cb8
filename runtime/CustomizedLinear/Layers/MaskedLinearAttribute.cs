using System;

namespace CustomizedLinear;

/// <summary>
/// Turns a <see langword="partial"/> class into a masked linear layer generated at compile time
/// from a 0/1 mask file.
/// </summary>
/// <remarks>
/// The mask file must be an <c>&lt;AdditionalFiles Include="…" /&gt;</c> item of the project.
/// <paramref name="maskPath"/> is resolved relative to the directory of the source file that holds
/// the attribute.
/// </remarks>
/// <param name="maskPath">Path of the mask file, relative to the declaring source file.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class MaskedLinearAttribute(string maskPath) : Attribute
{
    /// <summary>Path of the mask file, relative to the declaring source file.</summary>
    public string MaskPath { get; } = maskPath;

    /// <summary>Whether the layer has a bias vector, like <c>nn.Linear(bias=True)</c>. Default <see langword="true"/>.</summary>
    public bool Bias { get; set; } = true;

    /// <summary>How the mask file's rows and columns map to inputs and outputs.</summary>
    public MaskLayout Layout { get; set; } = MaskLayout.InputsByOutputs;
}
