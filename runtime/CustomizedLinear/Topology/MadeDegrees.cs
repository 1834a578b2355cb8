namespace CustomizedLinear;

/// <summary>How <see cref="Masks.Made"/> gives its hidden units their degrees (the number of inputs they may see).</summary>
public enum MadeDegrees
{
    /// <summary>
    /// Each hidden unit of layer <c>l</c> draws its degree uniformly from
    /// [the smallest degree of layer <c>l − 1</c>, <c>inputSize − 1</c>] (karpathy's pytorch-made; the inputs'
    /// smallest degree is 1).
    /// </summary>
    Random = 0,

    /// <summary>
    /// Unit <c>j</c> of every hidden layer has degree <c>j mod (inputSize − 1) + 1</c>: no randomness (nflows'
    /// deterministic rule).
    /// </summary>
    Cyclic = 1,
}
