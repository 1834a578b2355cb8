using CustomizedLinear;

namespace AotInference;

/// <summary>Layer 0, 16 → 32: four pathways of 4 inputs, each feeding its own 8 hidden units (128 connections).</summary>
[MaskedLinear("masks/pathways.txt")]
public partial class Pathways
{
}

/// <summary>Layer 2, 32 → 32: random sparse mixing across the pathways (258 connections).</summary>
[MaskedLinear("masks/mixing.txt")]
public partial class Mixing
{
}

/// <summary>Layer 4, 32 → 4: a dense output layer (128 connections).</summary>
[MaskedLinear("masks/head.txt")]
public partial class Head
{
}

/// <summary>
/// <c>nn.Sequential(CustomizedLinear(pathways), ReLU(), CustomizedLinear(mixing), ReLU(), CustomizedLinear(head))</c>,
/// generated whole: the layers are <c>Layer0</c>, <c>Layer2</c> and <c>Layer4</c>, their tensors <c>0.weight</c>,
/// <c>2.bias</c>, ... as in the PyTorch model's <c>state_dict</c>.
/// </summary>
[Sequential(typeof(Pathways), typeof(ReLU), typeof(Mixing), typeof(ReLU), typeof(Head))]
public partial class Network
{
}
