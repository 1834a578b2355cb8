using System;
using System.ComponentModel;
using System.Threading;

namespace CustomizedLinear.CompilerServices;

/// <summary>
/// The connections regrouped by input (CSC), for the input gradient: the connections that read input
/// <c>i</c> are <c>InputStarts[i] .. InputStarts[i + 1]</c>, with their output and their index in the packed
/// weights. Built once per layer type, on the first Backward that asks for the input gradient.
/// </summary>
/// <remarks>Used by generated code; not part of the public contract.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ConnectionsByInput
{
    private ConnectionsByInput(int[] inputStarts, int[] outputs, int[] connections)
    {
        InputStarts = inputStarts;
        Outputs = outputs;
        Connections = connections;
    }

    internal int[] InputStarts { get; }

    internal int[] Outputs { get; }

    internal int[] Connections { get; }

    /// <summary>The cached view in <paramref name="cache"/>, built on first use (thread-safe).</summary>
    public static ConnectionsByInput Get(ref ConnectionsByInput? cache, ReadOnlySpan<int> outputStarts, ReadOnlySpan<int> connectionInputs, int inputSize)
    {
        if (Volatile.Read(ref cache) is { } built)
        {
            return built;
        }

        var starts = new int[inputSize + 1];
        foreach (int input in connectionInputs)
        {
            starts[input + 1]++;
        }

        for (int i = 0; i < inputSize; i++)
        {
            starts[i + 1] += starts[i];
        }

        var outputs = new int[connectionInputs.Length];
        var connections = new int[connectionInputs.Length];
        var next = starts.AsSpan(0, inputSize).ToArray();
        for (int output = 0; output < outputStarts.Length - 1; output++)
        {
            for (int k = outputStarts[output]; k < outputStarts[output + 1]; k++)
            {
                int slot = next[connectionInputs[k]]++;
                outputs[slot] = output;
                connections[slot] = k;
            }
        }

        var fresh = new ConnectionsByInput(starts, outputs, connections);
        return Interlocked.CompareExchange(ref cache, fresh, null) ?? fresh;
    }
}
