using System.Collections.Generic;
using System.Linq;
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
                MostlyContiguousRuns(outputSize, outputStarts, connectionInputs, KernelLimits.ContiguousRunLength),
                false,
                EquatableArray<int>.Empty,
                EquatableArray<int>.Empty,
                EquatableArray<int>.Empty,
                BatchThreshold.OneVectorOfSamples);
        }

        var forward = ForwardUnits(outputSize, outputStarts, connectionInputs).Select(unit => unit.Cost).ToList();
        var weightGrad = GradUnits(outputSize, outputStarts, connectionInputs, byOutputInputGrad: false).Select(unit => unit.Cost).ToList();
        bool inputGradByOutput = MostlyContiguousRuns(outputSize, outputStarts, connectionInputs, 4);
        var inputGrad = new List<int>();
        if (inputGradByOutput)
        {
            // Clearing dx, then the statements output by output.
            inputGrad.Add(1);
            inputGrad.AddRange(GradUnits(outputSize, outputStarts, connectionInputs, byOutputInputGrad: true).Select(unit => unit.Cost));
        }
        else
        {
            var perInput = new int[inputSize];
            foreach (int input in connectionInputs)
            {
                perInput[input]++;
            }

            foreach (int connections in perInput)
            {
                AddSumCosts(inputGrad, connections);
            }
        }

        return new KernelPlan(KernelShape.Unrolled, false, inputGradByOutput, Parts(forward), Parts(inputGrad), Parts(weightGrad), BatchThreshold.OneVectorOfSamples);
    }

    /// <summary>Whether connections <paramref name="k"/> .. <paramref name="k"/> + <paramref name="length"/> − 1 (of one output, so ascending) are consecutive inputs.</summary>
    public static bool ConsecutiveInputs(EquatableArray<int> connectionInputs, int k, int length) =>
        connectionInputs[k + length - 1] - connectionInputs[k] == length - 1;

    /// <summary>
    /// The statements of an unrolled layer's per-sample forward pass, in order. Four outputs at a time are one
    /// statement, finished as one vector (<c>Emitting/VectorSums</c>); the last one to three outputs, and the
    /// outputs of a group too large for one method part, one by one, an output too large for one part in chunks
    /// that add onto what the previous chunk stored. A statement's cost (<see cref="VectorCost"/>) is its
    /// connections, twice for gathered ones, so that a part stays within the JIT's inlining budget.
    /// </summary>
    public static IEnumerable<ForwardUnit> ForwardUnits(int outputSize, EquatableArray<int> outputStarts, EquatableArray<int> connectionInputs)
    {
        int output = 0;
        for (; output + 4 <= outputSize; output += 4)
        {
            int cost = 0;
            for (int o = output; o < output + 4; o++)
            {
                cost += OutputCost(o);
            }

            if (cost <= KernelLimits.MaxTermsPerMethod)
            {
                yield return new ForwardUnit(output, 4, 0, 0, System.Math.Max(1, cost));
                continue;
            }

            for (int o = output; o < output + 4; o++)
            {
                foreach (ForwardUnit chunk in OneOutput(o))
                {
                    yield return chunk;
                }
            }
        }

        for (; output < outputSize; output++)
        {
            foreach (ForwardUnit chunk in OneOutput(output))
            {
                yield return chunk;
            }
        }

        // Its vector products' costs and one per scalar product, as the group and the chunks below count them.
        int OutputCost(int o)
        {
            int start = outputStarts[o], end = outputStarts[o + 1];
            int cost = (end - start) % 4;
            for (int k = start; k + 4 <= end; k += 4)
            {
                cost += VectorCost(connectionInputs, k);
            }

            return cost;
        }

        IEnumerable<ForwardUnit> OneOutput(int o)
        {
            int start = outputStarts[o];
            int connections = outputStarts[o + 1] - start;
            int vectors = connections / 4, scalars = connections % 4;
            int first = 0;
            do
            {
                // As many vector products as fit a part with room for the scalar ones.
                int end = first, cost = 0;
                while (end < vectors && cost + VectorCost(connectionInputs, start + 4 * end) <= KernelLimits.MaxTermsPerMethod - 3)
                {
                    cost += VectorCost(connectionInputs, start + 4 * end);
                    end++;
                }

                yield return new ForwardUnit(o, 1, first, end, System.Math.Max(1, cost + (end == vectors ? scalars : 0)));
                first = end;
            }
            while (first < vectors);
        }
    }

    /// <summary>
    /// The cost of one vector product of connections <paramref name="k"/> .. <paramref name="k"/> + 3: its four
    /// connections, twice that when the inputs are gathered (a permute or four loads) rather than loaded at once.
    /// RyuJIT charges every inlined helper's IL against a budget proportional to the method's own IL; the gathers'
    /// helpers hold every instruction set's path, so a method of them runs out sooner. Measured at batch 1: a
    /// 64 × 64 layer of 1,049 scattered connections in parts of 1,024 took 700 ns with the helpers left as calls,
    /// one of 488 in one method 100 ns; a network of 995 scattered connections in one method 1.3 µs against 226 ns
    /// for its layers one by one; MADE 64 × 64's 2,016 consecutive ones in one method 2.6 µs, in parts 0.13 µs.
    /// </summary>
    public static int VectorCost(EquatableArray<int> connectionInputs, int k) => ConsecutiveInputs(connectionInputs, k, 4) ? 4 : 8;

    /// <summary>
    /// The statements of an unrolled layer's per-sample weight gradient (<paramref name="byOutputInputGrad"/> false:
    /// <c>gw[k..k+3] += x(4)·dy[o]</c> per four connections of an output, inputs gathered as the forward pass
    /// gathers them, one statement per connection left) or of its input gradient written output by output (true:
    /// <c>dx[i..i+3] += w[k..k+3]·dy[o]</c> per four consecutive inputs, one statement per other connection), in
    /// order, costed as <see cref="VectorCost"/> costs the forward pass's products.
    /// </summary>
    public static IEnumerable<GradUnit> GradUnits(int outputSize, EquatableArray<int> outputStarts, EquatableArray<int> connectionInputs, bool byOutputInputGrad)
    {
        for (int output = 0; output < outputSize; output++)
        {
            int k = outputStarts[output], end = outputStarts[output + 1];
            for (; k + 4 <= end; k += 4)
            {
                if (!byOutputInputGrad)
                {
                    yield return new GradUnit(output, k, true, VectorCost(connectionInputs, k));
                }
                else if (ConsecutiveInputs(connectionInputs, k, 4))
                {
                    yield return new GradUnit(output, k, true, 4);
                }
                else
                {
                    for (int c = k; c < k + 4; c++)
                    {
                        yield return new GradUnit(output, c, false, 1);
                    }
                }
            }

            for (; k < end; k++)
            {
                yield return new GradUnit(output, k, false, 1);
            }
        }
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
    /// Whether at least half of the <paramref name="run"/>-connection chunks the per-sample kernels load (from the
    /// start of each output) are that many consecutive inputs. Measured at batch 1 with chunks of eight: the vector
    /// loads make a dense 1024 × 1024 table layer 2.3× faster (forward 196 → 86 µs), while checking for runs on
    /// every layer made a random one at density 0.5 about 20% slower; hence the choice per layer.
    /// </summary>
    private static bool MostlyContiguousRuns(int outputSize, EquatableArray<int> outputStarts, EquatableArray<int> connectionInputs, int run)
    {
        int chunks = 0, contiguous = 0;
        for (int output = 0; output < outputSize; output++)
        {
            for (int k = outputStarts[output]; k + run <= outputStarts[output + 1]; k += run)
            {
                chunks++;
                if (ConsecutiveInputs(connectionInputs, k, run))
                {
                    contiguous++;
                }
            }
        }

        return chunks > 0 && 2 * contiguous >= chunks;
    }
}

/// <summary>
/// One statement of an unrolled layer's per-sample forward pass (<see cref="KernelPlanner.ForwardUnits"/>):
/// outputs <paramref name="Output"/> .. <paramref name="Output"/> + <paramref name="Outputs"/> − 1 (4 or 1); for one
/// output, its vector products <paramref name="FirstVector"/> .. <paramref name="EndVector"/> − 1, and its scalar
/// products when <paramref name="EndVector"/> is the last.
/// </summary>
internal readonly record struct ForwardUnit(int Output, int Outputs, int FirstVector, int EndVector, int Cost);

/// <summary>
/// One statement of an unrolled layer's per-sample gradient written output by output (<see cref="KernelPlanner.GradUnits"/>):
/// output <paramref name="Output"/>'s connection <paramref name="K"/>, with the next three when <paramref name="Four"/>.
/// </summary>
internal readonly record struct GradUnit(int Output, int K, bool Four, int Cost);
