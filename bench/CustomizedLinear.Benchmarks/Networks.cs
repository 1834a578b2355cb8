using CustomizedLinear;

namespace CustomizedLinear.Benchmarks;

// The networks of NetworkBenchmarks, from the masks in bench/masks.

/// <summary>samples/AotInference's layer 0, 16 → 32: four block-diagonal pathways (copy of its mask in masks/aot).</summary>
[MaskedLinear("../masks/aot/pathways.txt")]
public partial class Pathways
{
}

/// <summary>samples/AotInference's layer 2, 32 → 32: random sparse mixing.</summary>
[MaskedLinear("../masks/aot/mixing.txt")]
public partial class Mixing
{
}

/// <summary>samples/AotInference's layer 4, 32 → 4: dense.</summary>
[MaskedLinear("../masks/aot/head.txt")]
public partial class Head
{
}

/// <summary>The AotInference sample's network, 16 → 32 → 32 → 4 with ReLU after the first two layers.</summary>
[Sequential(typeof(Pathways), typeof(ReLU), typeof(Mixing), typeof(ReLU), typeof(Head))]
public partial class AotNet
{
}

/// <summary>MADE 784 → 500 (karpathy's masks, masks/make_masks.py).</summary>
[MaskedLinear("../masks/made784_hidden.txt")]
public partial class MadeHidden
{
}

/// <summary>MADE 500 → 784.</summary>
[MaskedLinear("../masks/made784_out.txt")]
public partial class MadeOut
{
}

/// <summary>MADE 784 → 500 → 784, proved autoregressive by the generator.</summary>
[Sequential(typeof(MadeHidden), typeof(ReLU), typeof(MadeOut), Autoregressive = true)]
public partial class Made784Net
{
}
