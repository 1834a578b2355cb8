using System;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using CustomizedLinear.Generator.Limits;
using CustomizedLinear.Generator.Model;
using CustomizedLinear.Generator.Planning;
using CustomizedLinear.Testing;
using Xunit;

namespace CustomizedLinear.Generator.Tests;

/// <summary>
/// The kernel plan at its crossovers, and the unrolled code it cuts into parts read back from the generated
/// source: no part over the term limit, and no cut earlier than the limit forces.
/// </summary>
public sealed class KernelPlanTests
{
    [Theory]
    [InlineData(8191, 1, true)]   // 8,191 connections, 8,192 inputs + outputs
    [InlineData(8192, 1, false)]  // 8,192 connections, but 8,193 inputs + outputs
    [InlineData(4096, 2, true)]   // 8,192 connections
    [InlineData(4097, 2, false)]  // 8,194 connections
    public void UnrolledUpToTheLimitOfConnectionsAndOfInputsPlusOutputs(int inputs, int outputs, bool unrolled)
    {
        // Dense masks: inputs × outputs connections, inputs + outputs sides.
        var starts = Enumerable.Range(0, outputs + 1).Select(o => o * inputs).ToArray();
        var connectionInputs = Enumerable.Range(0, outputs).SelectMany(_ => Enumerable.Range(0, inputs)).ToArray();
        KernelPlan plan = KernelPlanner.Plan(inputs, outputs, new EquatableArray<int>(starts), new EquatableArray<int>(connectionInputs));
        Assert.Equal(unrolled ? KernelShape.Unrolled : KernelShape.TableDriven, plan.Shape);

        // A dense table-driven layer is all contiguous runs; an unrolled one reads no tables per sample.
        Assert.Equal(!plan.Unrolled, plan.ContiguousRuns);
    }

    [Theory]
    [InlineData(2000, 1, 1.0)]   // one output of 2,000 terms: its sum spans two parts
    [InlineData(300, 20, 0.9)]   // about 5,400 terms
    [InlineData(90, 100, 0.85)]  // about 7,650 terms
    [InlineData(30, 20, 0.5)]    // about 300 terms: one method each
    public void UnrolledPartsStayUnderTheTermLimitAndAreCutOnlyWhenItForces(int inputs, int outputs, double density)
    {
        var random = new Random(inputs * 31 + outputs);
        var mask = new StringBuilder();
        for (int i = 0; i < inputs; i++)
        {
            mask.AppendJoin(' ', Enumerable.Range(0, outputs).Select(_ => random.NextDouble() < density ? "1" : "0")).Append('\n');
        }

        int connections = mask.ToString().Count(c => c == '1');
        string[][] rows = mask.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(r => r.Split(' ')).ToArray();
        var outputStarts = new int[outputs + 1];
        var connectionInputs = new System.Collections.Generic.List<int>();
        for (int o = 0; o < outputs; o++)
        {
            connectionInputs.AddRange(Enumerable.Range(0, inputs).Where(i => rows[i][o] == "1"));
            outputStarts[o + 1] = connectionInputs.Count;
        }

        var starts = new EquatableArray<int>(outputStarts);
        var byOutput = new EquatableArray<int>(connectionInputs.ToArray());
        var run = GeneratorHarness.RunSingle(mask.ToString());
        Assert.True(run.GeneratedSources.Length == 1, string.Join("\n", run.GeneratorDiagnostics));
        string code = run.GeneratedSources[0].SourceText.ToString();
        foreach (string method in new[] { "Forward", "InputGrad", "AccumulateWeightGrad" })
        {
            var partBodies = Regex.Matches(code, $@"private static void {method}Part(\d+)\([^)]*\)\n\s*\{{\n(?<body>.*?)\n        \}}\n", RegexOptions.Singleline)
                .Select(m => m.Groups["body"].Value)
                .ToList();
            var parts = partBodies.Select(b => Statements(b).Select(Terms).ToList()).ToList();
            string body = parts.Count == 0 ? Whole(method) : string.Concat(partBodies);
            if (method == "AccumulateWeightGrad")
            {
                // Every connection's gradient is written once, and no fewer parts than the limit forces.
                Assert.Equal(connections, 4 * Regex.Matches(body, @"SetFour\(ref gw, ").Count + Regex.Matches(body, @"\bSet\(ref gw, ").Count);
                Assert.True(Math.Max(1, parts.Count) >= (connections + KernelLimits.MaxTermsPerMethod - 1) / KernelLimits.MaxTermsPerMethod);
            }

            // Each statement's terms, read from the source, are the cost the planner cut the parts by.
            var statementTerms = parts.Count == 0 ? Statements(Whole(method)).Select(Terms).ToList() : parts.SelectMany(p => p).ToList();
            if (method == "Forward")
            {
                Assert.Equal(KernelPlanner.ForwardUnits(outputs, starts, byOutput).Select(u => u.Cost), statementTerms);
            }
            else if (method == "AccumulateWeightGrad")
            {
                Assert.Equal(KernelPlanner.GradUnits(outputs, starts, byOutput, byOutputInputGrad: false).Select(u => u.Cost), statementTerms);
            }
            else if (body.Contains("inputGrad.Slice(0, ", StringComparison.Ordinal))
            {
                // The input gradient written output by output: clearing dx, then the planner's statements.
                Assert.Equal(new[] { 1 }.Concat(KernelPlanner.GradUnits(outputs, starts, byOutput, byOutputInputGrad: true).Select(u => u.Cost)), statementTerms);
            }

            if (parts.Count == 0)
            {
                // Not split: then the whole method fits.
                Assert.True(Statements(Whole(method)).Sum(Terms) <= KernelLimits.MaxTermsPerMethod, method);
                continue;
            }

            for (int p = 0; p < parts.Count; p++)
            {
                Assert.True(parts[p].Sum() <= KernelLimits.MaxTermsPerMethod, $"{method} part {p}: {parts[p].Sum()} terms");
                if (p + 1 < parts.Count)
                {
                    Assert.True(parts[p].Sum() + parts[p + 1][0] > KernelLimits.MaxTermsPerMethod, $"{method} part {p} was cut before it had to be");
                }
            }
        }

        string Whole(string method)
        {
            Match whole = Regex.Match(code, $@"internal static void {method}\([^)]*\)\n\s*\{{\n(?<body>.*?)\n        \}}\n", RegexOptions.Singleline);
            Assert.True(whole.Success, method);
            return whole.Groups["body"].Value;
        }

        // A method's statements after its length check: a block in braces (four outputs finished together) is one.
        static System.Collections.Generic.List<string> Statements(string body)
        {
            var statements = new System.Collections.Generic.List<string>();
            var block = new StringBuilder();
            int depth = 0;
            var lines = body.Split('\n').Select(l => l.Trim()).ToList();
            foreach (string line in lines.Skip(lines.FindLastIndex(l => l.StartsWith("ref float ", StringComparison.Ordinal)) + 1))
            {
                // The registers a layer of 17 to 32 inputs gathers from are loaded before the first statement.
                if (line.StartsWith("//", StringComparison.Ordinal) || line.Length == 0 || line.Contains("StraightLine.Load32(", StringComparison.Ordinal))
                {
                    continue;
                }

                depth += line == "{" ? 1 : line == "}" ? -1 : 0;
                block.Append(line).Append('\n');
                if (depth == 0 && (line == "}" || line.EndsWith(';')))
                {
                    statements.Add(block.ToString());
                    block.Clear();
                }
            }

            return statements;
        }

        // A statement's terms are its connections: four per vector of weights or of weight gradients (eight when the
        // inputs are gathered: KernelPlanner.VectorCost), one per scalar one; 1 for a statement without
        // any (a bias alone, an output or input without connections).
        static int Terms(string statement) => Math.Max(
            1,
            4 * Regex.Matches(statement, @"(?<!Set)Four\(ref (w|gw), ").Count
            + 4 * Regex.Matches(statement, @"(Four\(ref w, \d+\) \*|Four\(ref gw, \d+\) \+) (Window8|Window16|Gather32|Pick)\(").Count
            + Regex.Matches(statement, @"At\(ref w, ").Count
            + Regex.Matches(statement, @"At\(ref x, \d+\) \* At\(ref dy").Count);
    }
}
