namespace CustomizedLinear;

/// <summary>What <see cref="SafeTensors"/> Load does with non-zero weights at unconnected positions.</summary>
public enum UnconnectedWeights
{
    /// <summary>Refuse the file: a weight at an unconnected position must be 0 (or -0.0), as this library saves it.</summary>
    MustBeZero,

    /// <summary>
    /// Drop them, as <c>W * mask</c> does: for modules that multiply by the mask inside <c>forward</c> (karpathy's
    /// and nflows' <c>MaskedLinear</c>, <c>torch.nn.utils.prune</c>) and keep whatever <c>weight</c> holds there.
    /// </summary>
    Ignore,
}

/// <summary>What <see cref="SafeTensors"/> Load does with tensors that belong to none of the given layers.</summary>
public enum UnexpectedTensors
{
    /// <summary>Refuse the file, as PyTorch's strict <c>load_state_dict</c> does.</summary>
    Reject,

    /// <summary>
    /// Skip them, as <c>load_state_dict(strict=False)</c> does: nflows' <c>degrees</c> buffers, other modules of a
    /// larger model. Their header entries and data are still checked as the format requires.
    /// </summary>
    Ignore,
}

/// <summary>How <see cref="SafeTensors"/> Load treats files written from other PyTorch modules. The defaults are the strict behaviour of the overloads without options.</summary>
public sealed class SafeTensorsLoadOptions
{
    /// <summary>The options the overloads without options use.</summary>
    internal static readonly SafeTensorsLoadOptions Strict = new();

    /// <summary>Non-zero weights at unconnected positions: refused (<see cref="UnconnectedWeights.MustBeZero"/>, the default) or dropped.</summary>
    public UnconnectedWeights UnconnectedWeights { get; init; } = UnconnectedWeights.MustBeZero;

    /// <summary>Tensors that belong to none of the given layers: refused (<see cref="UnexpectedTensors.Reject"/>, the default) or skipped. A missing tensor is always an error.</summary>
    public UnexpectedTensors UnexpectedTensors { get; init; } = UnexpectedTensors.Reject;
}
