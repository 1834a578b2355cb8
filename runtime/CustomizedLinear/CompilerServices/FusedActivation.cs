using System.ComponentModel;

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// A built-in activation (<see cref="CustomizedLinear.ReLU"/>, <see cref="CustomizedLinear.Tanh"/>,
/// <see cref="CustomizedLinear.Sigmoid"/>, <see cref="CustomizedLinear.Softplus"/>, <see cref="CustomizedLinear.SiLU"/>)
/// that a layer kernel applies to its output before it leaves the kernel (<see cref="IFusedLayer"/>), so that a
/// network does not sweep the output in memory a second time. User activations are not fused: their code is
/// unknown to the kernels.
/// </summary>
/// <remarks>Called by generated code; not part of the public contract.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum FusedActivation
{
    /// <summary>No activation: the layer's plain output.</summary>
    None = 0,

    /// <summary><see cref="CustomizedLinear.ReLU"/>.</summary>
    ReLU = 1,

    /// <summary><see cref="CustomizedLinear.Tanh"/>.</summary>
    Tanh = 2,

    /// <summary><see cref="CustomizedLinear.Sigmoid"/>.</summary>
    Sigmoid = 3,

    /// <summary><see cref="CustomizedLinear.Softplus"/> (beta 1, threshold 20).</summary>
    Softplus = 4,

    /// <summary><see cref="CustomizedLinear.SiLU"/>.</summary>
    SiLU = 5,
}
