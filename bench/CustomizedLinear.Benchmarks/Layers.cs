using CustomizedLinear;

namespace CustomizedLinear.Benchmarks;

/// <summary>The seed's 4 × 3 mask, as in the Quickstart.</summary>
[MaskedLinear("../masks/seed.txt", Bias = false)]
public partial class SeedLayer
{
}
