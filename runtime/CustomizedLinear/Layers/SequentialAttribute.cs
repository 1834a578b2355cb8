using System;

namespace CustomizedLinear;

/// <summary>
/// Turns a <see langword="partial"/> class into a network generated at compile time from its modules in order,
/// like <c>nn.Sequential(...)</c>: each entry is a <c>[MaskedLinear]</c> class of this project or an
/// <see cref="IActivation"/> type.
/// </summary>
/// <remarks>
/// The generator adds <c>InputSize</c>, <c>OutputSize</c>, one <c>Layer{index}</c> property per masked layer,
/// <c>Layers</c>, <c>NamedLayers</c>, <c>Forward</c>, <c>ForwardTraining</c>, <c>Backward</c>, <c>ZeroGrad</c> and
/// <see cref="IMaskedNetwork"/>. Sizes that do not chain are build errors at the offending <c>typeof(...)</c>.
/// </remarks>
/// <param name="modules">The masked layers and activations, in order.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class SequentialAttribute(params Type[] modules) : Attribute
{
    /// <summary>The masked layers and activations, in order.</summary>
    public Type[] Modules { get; } = modules;

    /// <summary>
    /// Whether the generator must prove at build time that output <c>o</c> depends only on inputs before its
    /// variable (MADE's autoregressive property); a violation is a build error naming an input, an output and a
    /// path between them. Default <see langword="false"/>.
    /// </summary>
    public bool Autoregressive { get; set; }

    /// <summary>Which variable each output belongs to when <see cref="Autoregressive"/> is set.</summary>
    public MadeOutputOrder AutoregressiveOutputs { get; set; } = MadeOutputOrder.Concatenated;
}
