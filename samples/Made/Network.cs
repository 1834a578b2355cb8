using CustomizedLinear;

namespace MadeSample;

// The network, as `customized-linear made --inputs 784 --hidden 500 --seed 1 --name Made --out masks` printed it:
// karpathy/pytorch-made's MADE(784, [500], 784) with one mask (natural order, random hidden degrees). The generator
// proves at build time that logit d depends only on pixels before d (Autoregressive = true).

/// <summary>784 pixels → 500 hidden units: unit k sees pixels 0 … m(k) − 1, m(k) its random degree.</summary>
[MaskedLinear("masks/0.txt")] public partial class Made0 { }

/// <summary>500 hidden units → 784 logits: logit d sees the units whose degree is below d + 1.</summary>
[MaskedLinear("masks/2.txt")] public partial class Made2 { }

/// <summary>
/// <c>nn.Sequential(MaskedLinear(784, 500), nn.ReLU(), MaskedLinear(500, 784))</c>: logit d is the log-odds of pixel d
/// being on, given pixels 0 … d − 1.
/// </summary>
[Sequential(typeof(Made0), typeof(ReLU), typeof(Made2), Autoregressive = true)] public partial class Made { }
