// Counts and flags the batch and per-sample kernels are compiled for, one generic copy per value.

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// A yes/no known when a generic kernel is compiled: the JIT compiles one copy per flag, so the "no" copy has
/// none of the "yes" copy's checks.
/// </summary>
internal interface IFlag
{
    static abstract bool On { get; }
}

internal readonly struct Yes : IFlag
{
    public static bool On => true;
}

internal readonly struct No : IFlag
{
    public static bool On => false;
}

/// <summary>
/// A count known when a generic kernel is compiled (outputs per register block, vectors of samples per group): the
/// JIT compiles one copy per count, without the code a smaller count does not need.
/// </summary>
internal interface ICount
{
    static abstract int Count { get; }
}

internal readonly struct Two : ICount
{
    public static int Count => 2;
}

internal readonly struct Three : ICount
{
    public static int Count => 3;
}

internal readonly struct Four : ICount
{
    public static int Count => 4;
}
