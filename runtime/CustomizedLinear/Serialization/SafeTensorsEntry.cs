namespace CustomizedLinear;

/// <summary>One tensor of a safetensors header: name, dtype, shape and byte range in the data section.</summary>
internal sealed class SafeTensorsEntry
{
    public SafeTensorsEntry(string name, string dtype, int elementSize, ulong[] shape, ulong begin, ulong end)
    {
        Name = name;
        DType = dtype;
        ElementSize = elementSize;
        Shape = shape;
        Begin = begin;
        End = end;
    }

    public string Name { get; }

    public string DType { get; }

    public int ElementSize { get; }

    public ulong[] Shape { get; }

    /// <summary>Start of the tensor's bytes, relative to the data section.</summary>
    public ulong Begin { get; }

    /// <summary>End (exclusive) of the tensor's bytes, relative to the data section.</summary>
    public ulong End { get; }

    public string ShapeText => ErrorText.Shape(Shape);

    public string OffsetsText => $"[{Begin}, {End}]";
}
