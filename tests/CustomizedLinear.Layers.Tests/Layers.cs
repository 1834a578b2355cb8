using CustomizedLinear;

namespace CustomizedLinear.Layers.Tests;

/// <summary>The original module's first test: recover a known sparse weight.</summary>
[MaskedLinear("masks/recover.txt", Bias = false)]
public partial class RecoverLayer
{
}

/// <summary>The original module's second test: a three-layer network, 2 → 4 → 4 → 2, with bias.</summary>
[MaskedLinear("masks/teacher1.txt")]
public partial class TeacherLayer1
{
}

[MaskedLinear("masks/teacher2.txt")]
public partial class TeacherLayer2
{
}

[MaskedLinear("masks/teacher3.txt")]
public partial class TeacherLayer3
{
}

/// <summary>A weight-shaped mask read with <see cref="MaskLayout.OutputsByInputs"/>.</summary>
[MaskedLinear("masks/made-out-by-in.txt", Layout = MaskLayout.OutputsByInputs, Bias = false)]
public partial class MadeLayer
{
}

public static partial class Outer
{
    /// <summary>A layer nested in another type.</summary>
    [MaskedLinear("masks/recover.txt")]
    internal partial class NestedLayer
    {
    }
}

/// <summary>A mid-sized random layer for the multi-threaded path.</summary>
[MaskedLinear("masks/parallel.txt")]
public partial class ParallelLayer
{
}

/// <summary>More weights than one chunk of the parallel backward pass's reduction (16,384), with a partial last chunk.</summary>
[MaskedLinear("masks/parallel-large.txt")]
public partial class ParallelLargeLayer
{
}
