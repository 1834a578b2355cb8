using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using CustomizedLinear.Testing;
using Xunit;

namespace CustomizedLinear.Generator.Tests;

/// <summary>
/// The inputs each vector product of an unrolled layer reads, decoded from the generated source and checked
/// against the mask: a load of four, a constant-index window of 8 or 16 or a pick must give exactly the four
/// connections' inputs, and a window must lie inside the layer's inputs (its unused lanes are read too, so a
/// window past the end would read another sample's values or past the span, which no result would show).
/// </summary>
public sealed class StraightLineGatherTests
{
    [Theory]
    [InlineData(40, 30, 0.3)]   // scattered inputs: windows of 8 and 16 and picks
    [InlineData(48, 20, 0.6)]   // mostly windows of 8
    [InlineData(9, 12, 0.5)]    // fewer than 16 inputs: no window of 16
    [InlineData(64, 8, 0.05)]   // sparse: mostly picks
    [InlineData(16, 16, 0.9)]   // windows ending at the last input
    [InlineData(17, 20, 0.5)]   // 17 to 32 inputs: gathered from two registers
    [InlineData(32, 12, 0.3)]   // 32 inputs: the two registers hold them without overlap
    public void EveryVectorOfInputsHoldsItsConnectionsInputsAndStaysInsideTheLayer(int inputs, int outputs, double density)
    {
        var random = new Random(inputs * 131 + outputs);
        var mask = new bool[inputs, outputs];
        var text = new StringBuilder();
        for (int i = 0; i < inputs; i++)
        {
            for (int o = 0; o < outputs; o++)
            {
                mask[i, o] = random.NextDouble() < density;
            }

            text.AppendJoin(' ', Enumerable.Range(0, outputs).Select(o => mask[i, o] ? "1" : "0")).Append('\n');
        }

        // The packed order: output by output, inputs ascending.
        var connectionInputs = new List<int>();
        for (int o = 0; o < outputs; o++)
        {
            connectionInputs.AddRange(Enumerable.Range(0, inputs).Where(i => mask[i, o]));
        }

        var run = GeneratorHarness.RunSingle(text.ToString());
        Assert.True(run.GeneratedSources.Length == 1, string.Join("\n", run.GeneratorDiagnostics));
        string code = run.GeneratedSources[0].SourceText.ToString();

        // Forward: Four(ref w, k) * <inputs>; weight gradient: Four(ref gw, k) + <inputs> * dy.
        var products = Regex.Matches(code, @"Four\(ref g?w, (?<k>\d+)\) [*+] (?<how>Four|Window8|Window16|Pick|Gather32)\((tx, global::System\.Runtime\.Intrinsics\.Vector128\.Create\((?<lanes>[\d, ]+)\), )?ref x, (?<args>[\d, ]+)\)");
        Assert.NotEmpty(products);
        var seen = new HashSet<string>();
        var forward = new HashSet<string>();
        foreach (Match product in products)
        {
            int k = int.Parse(product.Groups["k"].Value);
            int[] args = product.Groups["args"].Value.Split(", ").Select(int.Parse).ToArray();
            string how = product.Groups["how"].Value;
            seen.Add(how);
            if (product.Value.StartsWith("Four(ref w,", StringComparison.Ordinal))
            {
                forward.Add(how);
            }

            int[] read = how switch
            {
                "Four" => Enumerable.Range(args[0], 4).ToArray(),
                "Pick" or "Gather32" => args,
                _ => args.Skip(1).Select(lane => args[0] + lane).ToArray(),
            };
            Assert.Equal(connectionInputs.Skip(k).Take(4), read);
            if (how == "Gather32")
            {
                // The lanes of the two registers Load32 fills: the first 16 inputs, then the last 16.
                Assert.InRange(inputs, 17, 32);
                int[] lanes = product.Groups["lanes"].Value.Split(", ").Select(int.Parse).ToArray();
                Assert.Equal(read.Select(i => i < 16 ? i : i + 32 - inputs), lanes);
                Assert.Contains($"var tx = global::CustomizedLinear.CompilerServices.StraightLine.Load32(ref x, {inputs});", code, StringComparison.Ordinal);
            }

            if (how.StartsWith("Window", StringComparison.Ordinal))
            {
                int width = int.Parse(how["Window".Length..]);
                Assert.True(args[0] >= 0 && args[0] + width <= inputs, $"{product.Value}: a window of {width} from {args[0]} on {inputs} inputs");
                Assert.All(args.Skip(1), lane => Assert.InRange(lane, 0, width - 1));
            }
        }

        if (inputs > 32 && density is > 0.1 and < 0.5)
        {
            Assert.Contains("Window8", seen);
            Assert.Contains("Window16", seen);
        }

        if (inputs < 16)
        {
            Assert.DoesNotContain("Window16", seen);
        }

        if (inputs is > 16 and <= 32)
        {
            // The forward pass gathers from the registers; the weight gradient still from memory.
            Assert.Contains("Gather32", forward);
            Assert.DoesNotContain("Window8", forward);
            Assert.DoesNotContain("Pick", forward);
        }
    }

    [Theory]
    [InlineData(1, true)]   // eight consecutive inputs per output: 768 connections, 768 terms
    [InlineData(3, false)]  // eight inputs three apart: the same 768 connections, all gathered, 1,536 terms
    public void ANetworkIsOneStraightLineMethodOnlyWhileItsGatheredConnectionsCountTwice(int spacing, bool straightLine)
    {
        // 32 × 32 layers, output o connected to inputs s, s + spacing, ..., s + 7·spacing with s = o mod (32 − 7·spacing):
        // three layers of 256 connections each, under KernelLimits.MaxTermsPerMethod (1,024) unless counted twice.
        var mask = new StringBuilder();
        for (int i = 0; i < 32; i++)
        {
            mask.AppendJoin(' ', Enumerable.Range(0, 32).Select(o => Enumerable.Range(0, 8).Any(j => o % (32 - 7 * spacing) + j * spacing == i) ? "1" : "0")).Append('\n');
        }

        string code = SnapshotTests.GenerateNetwork(
            """
            [MaskedLinear("masks/a.txt")] public partial class A { }

            [Sequential(typeof(A), typeof(ReLU), typeof(A), typeof(ReLU), typeof(A))]
            public partial class Net { }
            """,
            ("masks/a.txt", mask.ToString()));
        Assert.Equal(straightLine, code.Contains("Net_SequentialKernels", StringComparison.Ordinal));
    }
}
