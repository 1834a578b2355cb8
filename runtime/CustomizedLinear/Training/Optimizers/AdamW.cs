using System;
using System.Collections.Generic;

namespace CustomizedLinear;

/// <summary>
/// AdamW, as <c>torch.optim.AdamW</c> (<c>amsgrad=False</c>, <c>maximize=False</c>): decoupled weight decay
/// <c>p *= 1 − lr · weightDecay</c> first, then the <see cref="Adam"/> update without weight decay.
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>Creates an AdamW optimizer over the parameters of <paramref name="layers"/>.</summary>
    /// <param name="layers">The layers to optimize.</param>
    /// <param name="lr">The learning rate (≥ 0).</param>
    /// <param name="beta1">The decay rate of the first moment, in [0, 1).</param>
    /// <param name="beta2">The decay rate of the second moment, in [0, 1).</param>
    /// <param name="eps">The term added to the denominator (≥ 0).</param>
    /// <param name="weightDecay">The decoupled weight decay coefficient (≥ 0).</param>
    /// <exception cref="ArgumentNullException"><paramref name="layers"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public AdamW(IEnumerable<IMaskedLinear> layers, float lr = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 1e-2f)
        : base(layers, lr, beta1, beta2, eps, weightDecay, decoupledWeightDecay: true)
    {
    }

    /// <summary>Creates an AdamW optimizer over the parameters of every layer of <paramref name="network"/> (PyTorch's <c>model.parameters()</c>).</summary>
    /// <param name="network">The network to optimize.</param>
    /// <param name="lr">The learning rate (≥ 0).</param>
    /// <param name="beta1">The decay rate of the first moment, in [0, 1).</param>
    /// <param name="beta2">The decay rate of the second moment, in [0, 1).</param>
    /// <param name="eps">The term added to the denominator (≥ 0).</param>
    /// <param name="weightDecay">The decoupled weight decay coefficient (≥ 0).</param>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public AdamW(IMaskedNetwork network, float lr = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 1e-2f)
        : base(LayersOf(network), lr, beta1, beta2, eps, weightDecay, decoupledWeightDecay: true)
    {
    }
}
