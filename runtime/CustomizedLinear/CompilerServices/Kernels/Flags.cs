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
