namespace CustomizedLinear;

/// <summary>
/// How the outputs of an autoregressive network with <c>OutputSize = k · InputSize</c> map to its input
/// variables, for <see cref="SequentialAttribute.AutoregressiveOutputs"/>.
/// </summary>
public enum MadeOutputOrder
{
    /// <summary>
    /// k concatenated copies (karpathy's pytorch-made): output <c>o</c> belongs to variable <c>o mod InputSize</c>
    /// and may depend only on inputs before it.
    /// </summary>
    Concatenated = 0,

    /// <summary>
    /// k outputs per variable side by side (nflows' MADE): output <c>o</c> belongs to variable <c>o / k</c>
    /// and may depend only on inputs before it.
    /// </summary>
    Interleaved = 1,
}
