using System.Text;

namespace CustomizedLinear;

/// <summary>What reading and writing safetensors share: the format's limits, metadata key, dtype sizes and name encoding, and the buffer size.</summary>
internal static class SafeTensorsFormat
{
    /// <summary>Not part of the format: the size of the buffer the data section streams through, both ways.</summary>
    public const int ChunkBytes = 1 << 16;

    /// <summary>The reference implementation's limit on the header length.</summary>
    public const ulong MaxHeaderLength = 100_000_000;

    public const string MetadataKey = "__metadata__";

    /// <summary>
    /// The header's encoding; it throws rather than substituting, so a name that is not valid Unicode is
    /// refused instead of being written as something else.
    /// </summary>
    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Bytes per element of every dtype the format defines; 0 when unknown.</summary>
    public static int ElementSize(string dtype) => dtype switch
    {
        "BOOL" or "U8" or "I8" or "F8_E5M2" or "F8_E4M3" => 1,
        "I16" or "U16" or "F16" or "BF16" => 2,
        "I32" or "U32" or "F32" => 4,
        "I64" or "U64" or "F64" => 8,
        _ => 0,
    };

    /// <summary>The UTF-8 bytes of a name, or <see langword="null"/> when it is not valid Unicode (an unpaired surrogate).</summary>
    public static byte[]? TryEncode(string name)
    {
        try
        {
            return StrictUtf8.GetBytes(name);
        }
        catch (EncoderFallbackException)
        {
            return null;
        }
    }
}
