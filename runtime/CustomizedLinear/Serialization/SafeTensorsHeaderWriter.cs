using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace CustomizedLinear;

/// <summary>Writes the JSON header of a safetensors file as the reference implementation writes it.</summary>
internal static class SafeTensorsHeaderWriter
{
    /// <summary>
    /// Writes the header: <c>{"__metadata__":{...},"name":{"dtype":...,"shape":[...],"data_offsets":[b,e]},...}</c>
    /// in the given order, compact, padded with spaces to a multiple of 8 bytes.
    /// </summary>
    public static byte[] Write(IReadOnlyList<KeyValuePair<string, string>> metadata, IReadOnlyList<SafeTensorsEntry> tensors)
    {
        var json = new StringBuilder();
        json.Append('{');
        bool first = true;
        if (metadata.Count != 0)
        {
            AppendString(json, SafeTensorsFormat.MetadataKey);
            json.Append(":{");
            for (int k = 0; k < metadata.Count; k++)
            {
                json.Append(k == 0 ? "" : ",");
                AppendString(json, metadata[k].Key);
                json.Append(':');
                AppendString(json, metadata[k].Value);
            }

            json.Append('}');
            first = false;
        }

        foreach (SafeTensorsEntry tensor in tensors)
        {
            json.Append(first ? "" : ",");
            first = false;
            AppendString(json, tensor.Name);
            json.Append(":{\"dtype\":");
            AppendString(json, tensor.DType);
            json.Append(",\"shape\":[");
            for (int k = 0; k < tensor.Shape.Length; k++)
            {
                json.Append(k == 0 ? "" : ",").Append(tensor.Shape[k].ToString(CultureInfo.InvariantCulture));
            }

            json.Append("],\"data_offsets\":[")
                .Append(tensor.Begin.ToString(CultureInfo.InvariantCulture))
                .Append(',')
                .Append(tensor.End.ToString(CultureInfo.InvariantCulture))
                .Append("]}");
        }

        json.Append('}');
        int length = SafeTensorsFormat.StrictUtf8.GetByteCount(json.ToString());
        json.Append(' ', (8 - length % 8) % 8);
        return SafeTensorsFormat.StrictUtf8.GetBytes(json.ToString());
    }

    /// <summary>A JSON string with the escapes serde_json uses: quote, backslash and control characters.</summary>
    private static void AppendString(StringBuilder json, string value)
    {
        json.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        json.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        json.Append(c);
                    }

                    break;
            }
        }

        json.Append('"');
    }
}
