using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using CustomizedLinear.Generator.Model;
using CustomizedLinear.Generator.Networks;
using Xunit;

namespace CustomizedLinear.Generator.Tests;

/// <summary>
/// The autoregressive proof against brute-force reachability (dense boolean matrix products) on random small
/// networks, many of them MADE-masked so that both verdicts are common; the reported violation must be the first
/// one and its path a real one. Then hand-made MADE networks in both orders of the copies, and a full-size MADE.
/// </summary>
public sealed class AutoregressiveProofTests
{
    [Fact]
    public void SmallRandomNetworksGetTheVerdictTheFirstViolationAndAPathOfBruteForce()
    {
        var random = new Random(21);
        int accepted = 0;
        int networks = 300;
        for (int n = 0; n < networks; n++)
        {
            int inputs = random.Next(1, 7);
            int[] sizes = [inputs, .. Enumerable.Range(0, random.Next(0, 4)).Select(_ => random.Next(1, 9)), inputs * random.Next(1, 4)];
            bool interleaved = random.Next(2) == 0;
            List<LayerConnections> layers = RandomNetwork(random, sizes, interleaved);
            accepted += CheckAgainstReference(layers, interleaved, $"network {n} ({string.Join("-", sizes)}, interleaved: {interleaved})") ? 1 : 0;
        }

        // Both verdicts must be well represented for the comparison to mean something.
        Assert.InRange(accepted, networks / 4, networks * 3 / 4);
    }

    [Fact]
    public void NetworksWiderThanAWordGetTheSameAnswerInOnePassAndInOneWordSlices()
    {
        var random = new Random(22);
        int accepted = 0;
        int networks = 60;
        for (int n = 0; n < networks; n++)
        {
            // Past 64 inputs, an output's allowed prefix may end inside any word, or on a word boundary.
            int inputs = random.Next(2) == 0 ? 64 * random.Next(1, 4) + random.Next(-1, 2) : random.Next(65, 200);
            int[] sizes = [inputs, .. Enumerable.Range(0, random.Next(0, 3)).Select(_ => random.Next(1, 40)), inputs * random.Next(1, 3)];
            bool interleaved = random.Next(2) == 0;
            List<LayerConnections> layers = RandomNetwork(random, sizes, interleaved);
            string what = $"network {n} ({string.Join("-", sizes)}, interleaved: {interleaved})";
            accepted += CheckAgainstReference(layers, interleaved, what) ? 1 : 0;
            Assert.Equal(
                AutoregressiveProof.FindViolation(layers, interleaved, CancellationToken.None),
                AutoregressiveProof.FindViolation(layers, interleaved, maxBitsetWords: 1, CancellationToken.None));
        }

        Assert.InRange(accepted, networks / 5, networks * 4 / 5);
    }

    [Fact]
    public void AHandMadeMadeIsAcceptedWithItsCopiesConcatenated()
    {
        // Hidden degrees 1 2 3 1 2 3 1 2: hidden unit h sees inputs i < degree(h), output variable d sees units of degree < d + 1.
        LayerConnections hidden = Layer(4,
            "1000",
            "1100",
            "1110",
            "1000",
            "1100",
            "1110",
            "1000",
            "1100");
        string[] variables = ["00000000", "10010010", "11011011", "11111111"];

        Assert.Null(AutoregressiveProof.FindViolation([hidden, Layer(8, variables)], interleaved: false, CancellationToken.None));
        Assert.Null(AutoregressiveProof.FindViolation([hidden, Layer(8, [.. variables, .. variables])], interleaved: false, CancellationToken.None));

        // With the copies read as interleaved, output 1 is variable 0, which sees nothing, yet units 0, 3 and 6 give it input 0.
        Assert.Equal(
            new AutoregressiveViolation(0, 1, Ints(0)),
            AutoregressiveProof.FindViolation([hidden, Layer(8, [.. variables, .. variables])], interleaved: true, CancellationToken.None));
    }

    [Fact]
    public void AnInterleavedMadeIsAcceptedOnlyWhenItsCopiesAreReadAsInterleaved()
    {
        LayerConnections hidden = Layer(4, "1000", "1100", "1110", "1000", "1100", "1110", "1000", "1100");
        LayerConnections output = Layer(8, "00000000", "00000000", "10010010", "10010010", "11011011", "11011011", "11111111", "11111111");

        Assert.Null(AutoregressiveProof.FindViolation([hidden, output], interleaved: true, CancellationToken.None));

        // Concatenated, output 4 is variable 0 again, but units 0 and 1 (degrees 1 and 2) give it inputs 0 and 1.
        Assert.Equal(
            new AutoregressiveViolation(0, 4, Ints(0)),
            AutoregressiveProof.FindViolation([hidden, output], interleaved: false, CancellationToken.None));
    }

    [Fact]
    public void AViolationThroughTwoHiddenLayersReportsThePathThroughTheSmallestUnits()
    {
        // Output 1 (variable 1) reaches input 2 only through unit 2 of the second layer, which units 1 and 2 of the
        // first both feed; output 2 reaches it too, but later.
        LayerConnections first = Layer(3, "100", "001", "001");
        LayerConnections second = Layer(3, "100", "001", "011");
        LayerConnections last = Layer(3, "000", "101", "111");

        Assert.Equal(
            new AutoregressiveViolation(2, 1, Ints(1, 2)),
            AutoregressiveProof.FindViolation([first, second, last], interleaved: false, CancellationToken.None));
    }

    [Fact]
    public void AFullSizeMadeIsAcceptedAndOneConnectionTooManyIsFound()
    {
        // karpathy's MADE for MNIST: 784 → 500 → 500 → 784, hidden degrees drawn from [smallest degree below, 782].
        var random = new Random(23);
        int[] inputDegrees = Enumerable.Range(0, 784).ToArray();
        int[] first = Enumerable.Range(0, 500).Select(_ => random.Next(0, 783)).ToArray();
        int[] second = Enumerable.Range(0, 500).Select(_ => random.Next(first.Min(), 783)).ToArray();
        List<LayerConnections> layers =
        [
            Layer(784, 500, (o, i) => inputDegrees[i] <= first[o]),
            Layer(500, 500, (o, i) => first[i] <= second[o]),
            Layer(500, 784, (o, i) => second[i] < o),
        ];

        Assert.Null(AutoregressiveProof.FindViolation(layers, interleaved: false, CancellationToken.None));

        // A connection from the highest-degree first-layer unit to the lowest-degree second-layer unit.
        int from = Array.IndexOf(first, first.Max());
        int to = Array.IndexOf(second, second.Min());
        layers[1] = Layer(500, 500, (o, i) => first[i] <= second[o] || (o == to && i == from));
        AutoregressiveViolation? violation = AutoregressiveProof.FindViolation(layers, interleaved: false, CancellationToken.None);

        Assert.NotNull(violation);
        Assert.Equal(violation, FirstViolation(layers, interleaved: false));
        Assert.True(violation.Input >= violation.Output, $"input {violation.Input} is allowed to output {violation.Output}");
        AssertIsPath(layers, violation);
        Assert.Equal([from, to], violation.Path);
    }

    [Fact]
    public void MalformedChainsAreNotJudgedAndNeverThrow()
    {
        LayerConnections two = Layer(2, "00", "10");
        var malformed = new List<LayerConnections>[]
        {
            [],
            [Layer(2, "10", "00", "11")],                             // 3 outputs for 2 inputs
            [two, Layer(3, "000", "100")],                            // 2 outputs, 3 inputs
            [new LayerConnections(2, 2, Ints(0, 1), Ints(0))],
            [new LayerConnections(2, 2, Ints(0, 1, 2), Ints(0, 2))],
            [new LayerConnections(2, 2, Ints(0, 2, 1), Ints(0))],
            [new LayerConnections(2, 2, Ints(0, 0, 2), Ints(1, 0))],
            [new LayerConnections(2, 2, default, default)],
            [new LayerConnections(-1, 2, Ints(0, 0, 0), EquatableArray<int>.Empty)],
        };

        foreach (List<LayerConnections> layers in malformed)
        {
            Assert.False(AutoregressiveProof.IsWellFormed(layers));
            Assert.Null(AutoregressiveProof.FindViolation(layers, interleaved: false, CancellationToken.None));
        }

        Assert.True(AutoregressiveProof.IsWellFormed([two]));
        Assert.Null(AutoregressiveProof.FindViolation([new LayerConnections(0, 0, Ints(0), EquatableArray<int>.Empty)], false, CancellationToken.None));
    }

    [Fact]
    public void CancellationIsTheOnlyException()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => AutoregressiveProof.FindViolation([Layer(2, "00", "10")], false, cancelled.Token));
    }

    /// <summary>Checks the proof against the reference; whether it accepted.</summary>
    private static bool CheckAgainstReference(List<LayerConnections> layers, bool interleaved, string what)
    {
        AutoregressiveViolation? violation = AutoregressiveProof.FindViolation(layers, interleaved, CancellationToken.None);
        AutoregressiveViolation? expected = FirstViolation(layers, interleaved);
        Assert.True(expected?.Output == violation?.Output && expected?.Input == violation?.Input, $"{what}: expected {expected}, got {violation}");
        if (violation is null)
        {
            return true;
        }

        AssertIsPath(layers, violation);

        // The documented path: walking back, the smallest unit that reaches the input and connects onwards.
        Assert.True(expected!.Path == violation.Path, $"{what}: path [{string.Join(", ", violation.Path)}], expected [{string.Join(", ", expected.Path)}]");
        return false;
    }

    /// <summary>
    /// The first violation by brute force: which inputs each unit reaches, as dense boolean matrix products, then
    /// the outputs in order, and the greedy path read from the same matrices.
    /// </summary>
    private static AutoregressiveViolation? FirstViolation(List<LayerConnections> layers, bool interleaved)
    {
        int inputs = layers[0].InputSize;
        var reach = new List<bool[,]>();
        bool[,] below = new bool[inputs, inputs];
        for (int i = 0; i < inputs; i++)
        {
            below[i, i] = true;
        }

        foreach (LayerConnections layer in layers)
        {
            bool[,] connected = Dense(layer);
            var reached = new bool[layer.OutputSize, inputs];
            for (int o = 0; o < layer.OutputSize; o++)
            {
                for (int u = 0; u < layer.InputSize; u++)
                {
                    for (int i = 0; i < inputs; i++)
                    {
                        reached[o, i] |= connected[o, u] && below[u, i];
                    }
                }
            }

            reach.Add(reached);
            below = reached;
        }

        int outputs = layers[^1].OutputSize;
        for (int o = 0; o < outputs; o++)
        {
            int variable = interleaved ? o / (outputs / inputs) : o % inputs;
            for (int i = variable; i < inputs; i++)
            {
                if (!below[o, i])
                {
                    continue;
                }

                var path = new int[layers.Count - 1];
                int next = o;
                for (int k = layers.Count - 1; k > 0; k--)
                {
                    bool[,] connected = Dense(layers[k]);
                    next = Enumerable.Range(0, layers[k].InputSize).First(u => connected[next, u] && reach[k - 1][u, i]);
                    path[k - 1] = next;
                }

                return new AutoregressiveViolation(i, o, new EquatableArray<int>(path));
            }
        }

        return null;
    }

    private static void AssertIsPath(List<LayerConnections> layers, AutoregressiveViolation violation)
    {
        Assert.Equal(layers.Count - 1, violation.Path.Count);
        int[] units = [violation.Input, .. violation.Path, violation.Output];
        for (int k = 0; k < layers.Count; k++)
        {
            Assert.True(Dense(layers[k])[units[k + 1], units[k]], $"layer {k} does not connect {units[k]} to {units[k + 1]}");
        }
    }

    /// <summary>
    /// Random layers for the given sizes; two thirds are MADE-masked (usually for the order checked) and thinned,
    /// a third of those with one random connection more, the rest are uniformly random at a random density.
    /// </summary>
    private static List<LayerConnections> RandomNetwork(Random random, int[] sizes, bool interleaved)
    {
        int inputs = sizes[0];
        int outputs = sizes[^1];
        var layers = new List<LayerConnections>();
        if (random.Next(3) == 0)
        {
            for (int k = 0; k + 1 < sizes.Length; k++)
            {
                double density = random.NextDouble();
                layers.Add(Layer(sizes[k], sizes[k + 1], (_, _) => random.NextDouble() < density));
            }

            return layers;
        }

        bool builtInterleaved = random.Next(4) == 0 ? !interleaved : interleaved;
        int[] below = Enumerable.Range(1, inputs).ToArray();
        for (int k = 0; k + 1 < sizes.Length; k++)
        {
            bool last = k + 2 == sizes.Length;
            int[] degrees = last
                ? Enumerable.Range(0, outputs).Select(o => (builtInterleaved ? o / (outputs / inputs) : o % inputs) + 1).ToArray()
                : Enumerable.Range(0, sizes[k + 1]).Select(_ => random.Next(0, inputs)).ToArray();
            double keep = 0.3 + (0.7 * random.NextDouble());
            int[] from = below;
            layers.Add(Layer(sizes[k], sizes[k + 1], (o, i) => (last ? from[i] < degrees[o] : from[i] <= degrees[o]) && random.NextDouble() < keep));
            below = degrees;
        }

        if (random.Next(3) == 0)
        {
            int k = random.Next(layers.Count);
            int extraOutput = random.Next(layers[k].OutputSize);
            int extraInput = random.Next(layers[k].InputSize);
            bool[,] connected = Dense(layers[k]);
            layers[k] = Layer(layers[k].InputSize, layers[k].OutputSize, (o, i) => connected[o, i] || (o == extraOutput && i == extraInput));
        }

        return layers;
    }

    /// <summary>A layer from rows of 0/1, one row per output.</summary>
    private static LayerConnections Layer(int inputs, params string[] outputs)
        => Layer(inputs, outputs.Length, (o, i) => outputs[o][i] == '1');

    private static LayerConnections Layer(int inputs, int outputs, Func<int, int, bool> connected)
    {
        var starts = new List<int> { 0 };
        var connectionInputs = new List<int>();
        for (int o = 0; o < outputs; o++)
        {
            for (int i = 0; i < inputs; i++)
            {
                if (connected(o, i))
                {
                    connectionInputs.Add(i);
                }
            }

            starts.Add(connectionInputs.Count);
        }

        return new LayerConnections(inputs, outputs, starts.ToEquatableArray(), connectionInputs.ToEquatableArray());
    }

    private static EquatableArray<int> Ints(params int[] items) => new(items);

    private static bool[,] Dense(LayerConnections layer)
    {
        var connected = new bool[layer.OutputSize, layer.InputSize];
        for (int o = 0; o < layer.OutputSize; o++)
        {
            for (int c = layer.OutputStarts[o]; c < layer.OutputStarts[o + 1]; c++)
            {
                connected[o, layer.ConnectionInputs[c]] = true;
            }
        }

        return connected;
    }
}
