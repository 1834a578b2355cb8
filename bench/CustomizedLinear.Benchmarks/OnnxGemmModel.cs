using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace CustomizedLinear.Benchmarks;

/// <summary>
/// The bytes of an ONNX model with one Gemm node, <c>Y = X · Wᵀ + B</c>, W and B as initializers: written
/// as protobuf by hand (ModelProto → GraphProto → NodeProto/TensorProto/ValueInfoProto), so no protobuf
/// tooling is needed.
/// </summary>
public static class OnnxGemmModel
{
    public static byte[] Create(float[] weight /* [out, in] */, float[] bias, int inputs, int outputs, int batch)
    {
        byte[] node = Message(w =>
        {
            w.String(1, "X");
            w.String(1, "W");
            w.String(1, "B");
            w.String(2, "Y");
            w.String(4, "Gemm");
            w.Bytes(5, Message(a =>
            {
                a.String(1, "transB");
                a.Varint(3, 1);
                a.Varint(20, 2); // AttributeProto.INT
            }));
        });
        byte[] graph = Message(w =>
        {
            w.Bytes(1, node);
            w.String(2, "masked_linear");
            w.Bytes(5, Tensor("W", [outputs, inputs], weight));
            w.Bytes(5, Tensor("B", [outputs], bias));
            w.Bytes(11, ValueInfo("X", [batch, inputs]));
            w.Bytes(12, ValueInfo("Y", [batch, outputs]));
        });
        return Message(w =>
        {
            w.Varint(1, 8); // ir_version
            w.Bytes(7, graph);
            w.Bytes(8, Message(o => o.Varint(2, 13))); // opset_import { version: 13 }
        });
    }

    private static byte[] Tensor(string name, long[] dims, float[] values) => Message(w =>
    {
        foreach (long d in dims)
        {
            w.Varint(1, (ulong)d);
        }

        w.Varint(2, 1); // FLOAT
        w.String(8, name);
        w.Bytes(9, MemoryMarshal.AsBytes(values.AsSpan()).ToArray()); // raw_data, little-endian
    });

    private static byte[] ValueInfo(string name, long[] dims) => Message(w =>
    {
        w.String(1, name);
        w.Bytes(2, Message(type => type.Bytes(1, Message(tensor =>
        {
            tensor.Varint(1, 1); // elem_type FLOAT
            tensor.Bytes(2, Message(shape =>
            {
                foreach (long d in dims)
                {
                    shape.Bytes(1, Message(dim => dim.Varint(1, (ulong)d)));
                }
            }));
        }))));
    });

    private static byte[] Message(Action<ProtoWriter> write)
    {
        var writer = new ProtoWriter();
        write(writer);
        return writer.ToArray();
    }

    private sealed class ProtoWriter
    {
        private readonly MemoryStream _stream = new();

        public void Varint(int field, ulong value)
        {
            Raw(((ulong)field << 3) | 0);
            Raw(value);
        }

        public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public void Bytes(int field, byte[] value)
        {
            Raw(((ulong)field << 3) | 2);
            Raw((ulong)value.Length);
            _stream.Write(value);
        }

        public byte[] ToArray() => _stream.ToArray();

        private void Raw(ulong value)
        {
            while (value >= 0x80)
            {
                _stream.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }

            _stream.WriteByte((byte)value);
        }
    }
}
