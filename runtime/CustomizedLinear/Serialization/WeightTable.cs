using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace CustomizedLinear;

/// <summary>
/// A network's connected weights as a table for reading, one row per connection: which input of which layer
/// feeds which output, with the names of the units where the caller has them (genes and pathways, sensors, …).
/// </summary>
public static class WeightTable
{
    /// <summary>
    /// Writes <c>layer,input,output,weight</c> and one row per connection, layer by layer in
    /// <see cref="IMaskedNetwork.NamedLayers"/> order and each layer's connections in canonical order (output by
    /// output, inputs ascending: the order of <see cref="IMaskedLinear.Weights"/>). <c>layer</c> is the layer's
    /// <c>state_dict</c> prefix without its dot; weights are written in round-trip form, invariant culture;
    /// fields are quoted as RFC 4180 says, records end with CRLF.
    /// </summary>
    /// <param name="writer">Where the table goes.</param>
    /// <param name="network">The network whose weights are written.</param>
    /// <param name="unitNames">
    /// One list per layer boundary, <c>Layers.Count + 1</c> of them: the network's inputs, then each layer's
    /// outputs. A list gives a name per unit; a <see langword="null"/> list, or no <paramref name="unitNames"/>,
    /// writes indices.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> or <paramref name="network"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="unitNames"/> has another number of lists than boundaries, or a list another length than its boundary's units.
    /// </exception>
    public static void WriteCsv(TextWriter writer, IMaskedNetwork network, IReadOnlyList<IReadOnlyList<string>>? unitNames = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(network);
        IReadOnlyList<(string Prefix, IMaskedLinear Layer)> layers = network.NamedLayers;
        CheckNames(layers, unitNames);

        writer.Write("layer,input,output,weight\r\n");
        for (int l = 0; l < layers.Count; l++)
        {
            (string prefix, IMaskedLinear layer) = layers[l];
            string name = Field(prefix.EndsWith('.') ? prefix[..^1] : prefix);
            IReadOnlyList<string>? inputs = unitNames?[l];
            IReadOnlyList<string>? outputs = unitNames?[l + 1];
            ReadOnlySpan<float> weights = layer.Weights;
            int k = 0;
            for (int o = 0; o < layer.OutputSize; o++)
            {
                string output = Unit(outputs, o);
                for (int i = 0; i < layer.InputSize; i++)
                {
                    if (layer.IsConnected(i, o))
                    {
                        writer.Write(name);
                        writer.Write(',');
                        writer.Write(Unit(inputs, i));
                        writer.Write(',');
                        writer.Write(output);
                        writer.Write(',');
                        writer.Write(weights[k++].ToString("R", CultureInfo.InvariantCulture));
                        writer.Write("\r\n");
                    }
                }
            }
        }
    }

    private static void CheckNames(IReadOnlyList<(string Prefix, IMaskedLinear Layer)> layers, IReadOnlyList<IReadOnlyList<string>>? unitNames)
    {
        if (unitNames is null)
        {
            return;
        }

        if (layers.Count == 0)
        {
            throw new ArgumentException("The network has no layers, so unitNames has no boundaries to name.", nameof(unitNames));
        }

        if (unitNames.Count != layers.Count + 1)
        {
            throw new ArgumentException(
                $"unitNames has {unitNames.Count} lists; expected one per layer boundary, layers + 1 = {layers.Count + 1} (the network's inputs, then each layer's outputs).",
                nameof(unitNames));
        }

        for (int b = 0; b < unitNames.Count; b++)
        {
            int units = b == 0 ? layers[0].Layer.InputSize : layers[b - 1].Layer.OutputSize;
            string boundary = b == 0 ? "the network's inputs" : $"the outputs of layer '{layers[b - 1].Prefix}'";
            if (unitNames[b] is { } names && names.Count != units)
            {
                throw new ArgumentException($"unitNames[{b}] has {names.Count} names; expected {units}, one per unit of {boundary}.", nameof(unitNames));
            }

            int missing = unitNames[b] is { } list ? IndexOfNull(list) : -1;
            if (missing >= 0)
            {
                throw new ArgumentException($"unitNames[{b}][{missing}] is null; give every unit of {boundary} a name, or pass a null list for indices.", nameof(unitNames));
            }
        }
    }

    private static int IndexOfNull(IReadOnlyList<string> names)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] is null)
            {
                return i;
            }
        }

        return -1;
    }

    private static string Unit(IReadOnlyList<string>? names, int index) =>
        names is null ? index.ToString(CultureInfo.InvariantCulture) : Field(names[index]);

    /// <summary>RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled.</summary>
    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
