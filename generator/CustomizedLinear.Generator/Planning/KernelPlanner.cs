using System.Collections.Generic;
using CustomizedLinear.Generator.Limits;
using CustomizedLinear.Generator.Model;

namespace CustomizedLinear.Generator.Planning;

/// <summary>
/// Decides a layer's <see cref="KernelPlan"/> from its connections, in one step before emit; the measurements
/// behind each crossover are in <c>Planning/README.md</c>.
/// </summary>
internal static class KernelPlanner
{
    public static KernelPlan Plan(int inputSize, int outputSize, EquatableArray<int> outputStarts, EquatableArray<int> connectionInputs)
    {
        // Unrolled code has a statement per connection and per input and output, so both must be small.
        bool unrolled = connectionInputs.Count <= KernelLimits.MaxUnrolledConnections && inputSize + outputSize <= KernelLimits.MaxUnrolledConnections;
        if (!unrolled)
        {
            return new KernelPlan(
                KernelShape.TableDriven,
                MostlyContiguousRuns(outputSize, outputStarts, connectionInputs),
                EquatableArray<int>.Empty,
                EquatableArray<int>.Empty,
                EquatableArray<int>.Empty,
                BatchThreshold.OneVectorOfSamples);
        }

        var forward = new List<int>();
        var weightGrad = new List<int>();
        for (int output = 0; output < outputSize; output++)
        {
            int connections = outputStarts[output + 1] - outputStarts[output];
            AddSumCosts(forward, connections);
            for (int k = 0; k < connections; k++)
            {
                weightGrad.Add(1);
            }
        }

        var perInput = new int[inputSize];
        foreach (int input in connectionInputs)
        {
            perInput[input]++;
        }

        var inputGrad = new List<int>();
        foreach (int connections in perInput)
        {
            AddSumCosts(inputGrad, connections);
        }

        return new KernelPlan(KernelShape.Unrolled, false, Parts(forward), Parts(inputGrad), Parts(weightGrad), BatchThreshold.OneVectorOfSamples);
    }

    /// <summary>How a table-driven layer's size exceeds what is unrolled, for the diagnostic that says so.</summary>
    public static (string Size, string Limit) TableDrivenReason(int connections, int inputSize, int outputSize)
    {
        bool byConnections = connections > KernelLimits.MaxUnrolledConnections;
        string what = byConnections ? "connections" : "inputs and outputs";
        return ($"{(byConnections ? connections : inputSize + outputSize)} {what}", $"{KernelLimits.MaxUnrolledConnections} {what}");
    }

    /// <summary>A method's cost per statement is its terms; an empty statement still costs one.</summary>
    private static void AddSumCosts(List<int> costs, int terms)
    {
        foreach (int statementTerms in KernelLimits.SumStatementTerms(terms))
        {
            costs.Add(System.Math.Max(1, statementTerms));
        }
    }

    /// <summary>Where each part starts, cutting before a statement that would take a part past <see cref="KernelLimits.MaxTermsPerMethod"/>.</summary>
    private static EquatableArray<int> Parts(List<int> costs)
    {
        var starts = new List<int> { 0 };
        int cost = 0;
        for (int i = 0; i < costs.Count; i++)
        {
            if (cost + costs[i] > KernelLimits.MaxTermsPerMethod && i > starts[starts.Count - 1])
            {
                starts.Add(i);
                cost = 0;
            }

            cost += costs[i];
        }

        return starts.ToEquatableArray();
    }

    /// <summary>
    /// Whether at least half of the eight-connection chunks the per-sample kernels load (from the start of each
    /// output) are eight consecutive inputs. Measured at batch 1: the vector loads make a dense 1024 × 1024 table
    /// layer 2.3× faster (forward 196 → 86 µs), while checking for runs on every layer made a random one at
    /// density 0.5 about 20% slower; hence the choice per layer.
    /// </summary>
    private static bool MostlyContiguousRuns(int outputSize, EquatableArray<int> outputStarts, EquatableArray<int> connectionInputs)
    {
        const int Run = KernelLimits.ContiguousRunLength;
        int chunks = 0, contiguous = 0;
        for (int output = 0; output < outputSize; output++)
        {
            for (int k = outputStarts[output]; k + Run <= outputStarts[output + 1]; k += Run)
            {
                chunks++;
                if (connectionInputs[k + Run - 1] - connectionInputs[k] == Run - 1)
                {
                    contiguous++;
                }
            }
        }

        return chunks > 0 && 2 * contiguous >= chunks;
    }
}
