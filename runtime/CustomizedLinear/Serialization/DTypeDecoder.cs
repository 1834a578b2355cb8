using System;
using System.Buffers.Binary;

namespace CustomizedLinear;

/// <summary>Converts the little-endian values of the floating-point dtypes a layer can load to float.</summary>
internal static class DTypeDecoder
{
    /// <summary>F32, F16, BF16 or F64: the dtypes PyTorch saves a float model's parameters in.</summary>
    public static bool CanDecode(string dtype) => dtype is "F32" or "F16" or "BF16" or "F64";

    /// <summary>Converts whole elements of <paramref name="dtype"/> to float; returns how many were written.</summary>
    public static int Decode(string dtype, ReadOnlySpan<byte> bytes, Span<float> values)
    {
        switch (dtype)
        {
            case "F32":
                for (int k = 0; k < bytes.Length / 4; k++)
                {
                    values[k] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(4 * k, 4));
                }

                return bytes.Length / 4;
            case "F16":
                for (int k = 0; k < bytes.Length / 2; k++)
                {
                    values[k] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.Slice(2 * k, 2));
                }

                return bytes.Length / 2;
            case "BF16":
                // bfloat16 is the upper half of a float32.
                for (int k = 0; k < bytes.Length / 2; k++)
                {
                    values[k] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(2 * k, 2)) << 16);
                }

                return bytes.Length / 2;
            case "F64":
                for (int k = 0; k < bytes.Length / 8; k++)
                {
                    values[k] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes.Slice(8 * k, 8));
                }

                return bytes.Length / 8;
            default:
                throw new InvalidOperationException($"dtype {dtype} was not rejected by LayerLoadValidator.CheckTensor.");
        }
    }
}
