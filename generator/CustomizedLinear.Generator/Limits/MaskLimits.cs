namespace CustomizedLinear.Generator.Limits;

/// <summary>The largest masks the generator accepts.</summary>
internal static class MaskLimits
{
    /// <summary>
    /// Connections per layer. The compile-time index data costs about 8 bytes of source per connection,
    /// so this keeps the largest generated file near 32 MB and the compiler's memory in check.
    /// </summary>
    public const int MaxConnections = 1 << 22;

    /// <summary>
    /// Rows and columns each. The index data holds an entry per output, so the generated source stays
    /// bounded by the shape as well as by the connections.
    /// </summary>
    public const int MaxSide = 1 << 16;

    /// <summary>Cells (inputs × outputs), so that a dense <c>[out, in]</c> weight can be indexed with an <c>int</c>.</summary>
    public const long MaxCells = int.MaxValue;
}
