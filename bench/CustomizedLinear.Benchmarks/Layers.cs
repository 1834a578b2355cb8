using CustomizedLinear;

namespace CustomizedLinear.Benchmarks;

// The benchmark configurations' layers, from the masks in bench/masks (bench/masks/make_masks.py).

/// <summary>The seed's 4 × 3 mask, as in the Quickstart.</summary>
[MaskedLinear("../masks/seed.txt", Bias = false)]
public partial class SeedLayer
{
}

[MaskedLinear("../masks/r784x256_0.1.txt")]
public partial class Mnist784x256
{
}

[MaskedLinear("../masks/made64.txt")]
public partial class Made64
{
}

[MaskedLinear("../masks/r1024_0.01.txt")]
public partial class Dense1024At001
{
}

[MaskedLinear("../masks/r1024_0.1.txt")]
public partial class Dense1024At01
{
}

[MaskedLinear("../masks/r1024_0.5.txt")]
public partial class Dense1024At05
{
}

[MaskedLinear("../masks/r1024_1.0.txt")]
public partial class Dense1024At1
{
}
