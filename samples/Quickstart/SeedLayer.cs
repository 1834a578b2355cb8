using CustomizedLinear;

namespace Quickstart;

/// <summary>The seed's layer: <c>CustomizedLinear(mask, bias=None)</c>.</summary>
[MaskedLinear("masks/seed.txt", Bias = false)]
public partial class SeedLayer
{
}
