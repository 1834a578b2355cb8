using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using CustomizedLinear;
using CustomizedLinear.CompilerServices;

namespace AotInference;

/// <summary>
/// A small trained masked network, run ahead-of-time compiled (NativeAOT) or under the JIT:
/// <list type="bullet">
/// <item><c>AotInference [--model PATH]</c>: loads the weights (default: <c>model.safetensors</c> next to the
/// program), prints the outputs for 16 fixed inputs (lines starting with <c>output</c>: the same bits under the
/// JIT and NativeAOT) and the per-call latency at batch 1 and 64.</item>
/// <item><c>AotInference --train [PATH]</c>: trains the network on the synthetic task of <see cref="Teacher"/>
/// (deterministic) and writes the weights (default: <c>model.safetensors</c> in the project folder).</item>
/// </list>
/// </summary>
public static class Program
{
    public const string ModelFile = "model.safetensors";
    public const int FixedInputs = 16;

    private const int WarmupCalls = 10_000;
    private const double WarmupSeconds = 1.0;
    private const int TimedCalls = 100_000;
    private const int BatchTimedCalls = 10_000;
    private const int LatencyBatch = 64;

    public static int Main(string[] args)
    {
        try
        {
            if (args.Length >= 1 && args[0] == "--train" && args.Length <= 2)
            {
                Training.Run(args.Length == 2 ? args[1] : DefaultTrainingOutput());
                return 0;
            }

            if (args.Length == 0 || (args.Length == 2 && args[0] == "--model"))
            {
                Infer(args.Length == 2 ? args[1] : Path.Combine(AppContext.BaseDirectory, ModelFile));
                return 0;
            }

            Console.Error.WriteLine("usage: AotInference [--model PATH]    run the trained model, print outputs and latency");
            Console.Error.WriteLine("       AotInference --train [PATH]    train it (deterministic) and write the weights");
            return 2;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    /// <summary>The 16 inputs whose outputs are printed: four hand-picked, twelve drawn with a fixed seed.</summary>
    public static float[] FixedInputBatch()
    {
        var x = new float[FixedInputs * Network.InputSize];
        for (int i = 0; i < Network.InputSize; i++)
        {
            x[(1 * Network.InputSize) + i] = 0.5f;                            // 1: all 0.5
            x[(2 * Network.InputSize) + i] = i % 2 == 0 ? 1f : -1f;           // 2: +1, -1, +1, ...
            x[(3 * Network.InputSize) + i] = ((2f * i) / (Network.InputSize - 1)) - 1f; // 3: a ramp from -1 to 1
        }                                                                      // 0: all zeros

        Teacher.Sample(new Random(7), x.AsSpan(4 * Network.InputSize));
        return x;
    }

    private static void Infer(string modelPath)
    {
        var net = new Network(seed: 0);
        SafeTensors.Load(modelPath, net);   // all or nothing; InvalidDataException if the file does not fit the network

        int connections = Pathways.ConnectionCount + Mixing.ConnectionCount + Head.ConnectionCount;
        Console.WriteLine($"AotInference: masked network {Network.InputSize} -> {Pathways.OutputSize} -> {Mixing.OutputSize} -> {Network.OutputSize}, " +
            $"{connections} connections, weights from {Path.GetFileName(modelPath)}");
        // Under PublishAot even the JIT build runs with RuntimeFeature.IsDynamicCodeSupported = false (to behave
        // like the native binary), so ask the JIT itself: under NativeAOT it has compiled nothing.
        Console.WriteLine($"runtime: {(JitInfo.GetCompiledMethodCount() > 0 ? "JIT" : "NativeAOT")}, batch kernels {SparseKernels.VectorBits}-bit " +
            $"(Vector256 accelerated: {Vector256.IsHardwareAccelerated}, Vector512: {Vector512.IsHardwareAccelerated}), batch path from {SparseKernels.MinBatch} samples");

        float[] x = FixedInputBatch();
        var teacher = new float[FixedInputs * Network.OutputSize];
        Teacher.Evaluate(x, teacher);

        // One sample at a time (batch 1): the generated straight-line code, the same whatever the vector width.
        var y = new float[Network.OutputSize];
        var single = new float[FixedInputs * Network.OutputSize];
        for (int n = 0; n < FixedInputs; n++)
        {
            net.Forward(x.AsSpan(n * Network.InputSize, Network.InputSize), y);
            y.CopyTo(single.AsSpan(n * Network.OutputSize));
            Console.WriteLine($"output {n,2}: {Format(y)}   teacher: {Format(teacher.AsSpan(n * Network.OutputSize, Network.OutputSize))}");
        }

        // All 16 at once: the vectorised batch path (16 >= MinBatch for 256- and 512-bit vectors).
        var batched = new float[FixedInputs * Network.OutputSize];
        net.Forward(x, batched);
        for (int n = 0; n < FixedInputs; n++)
        {
            Console.WriteLine($"output batch16 {n,2}: {Format(batched.AsSpan(n * Network.OutputSize, Network.OutputSize))}");
        }

        int differing = 0;
        float maxDiff = 0f;
        for (int k = 0; k < single.Length; k++)
        {
            differing += BitConverter.SingleToInt32Bits(single[k]) != BitConverter.SingleToInt32Bits(batched[k]) ? 1 : 0;
            maxDiff = MathF.Max(maxDiff, MathF.Abs(single[k] - batched[k]));
        }

        // The batch kernels' multiply-add is one fused instruction where the CPU has FMA (x64 FMA3; every ARM64
        // CPU) and a multiply and an add, each rounded, where it has not: outputs of the batch path differ in
        // their last bits between such machines, those of batch 1 do not.
        bool fused = Fma.IsSupported || AdvSimd.IsSupported;
        Console.WriteLine(differing == 0
            ? "note: batch16 vs one at a time: the same bits (the per-sample path took the whole batch)"
            : $"note: batch16 vs one at a time: {differing} of {single.Length} values differ in their last bits " +
              $"(max |diff| {maxDiff.ToString("R", CultureInfo.InvariantCulture)}): the batch path adds the connections in its own order, " +
              (fused ? "with fused multiply-add" : "with a separate multiply and add (no FMA in use)"));

        MeasureLatency(net, x);
    }

    private static void MeasureLatency(Network net, float[] fixedInputs)
    {
        var y = new float[Network.OutputSize];
        var batchInput = new float[LatencyBatch * Network.InputSize];
        Teacher.Sample(new Random(11), batchInput);
        var batchOutput = new float[LatencyBatch * Network.OutputSize];

        // Warm-up, both batch sizes: enough calls, and long enough for the JIT's tiered compilation to replace
        // its first quick code with optimised code (it starts that after ~100 ms without new tier-0 activity).
        // Nothing changes under NativeAOT: its code is final from the start.
        long warmupEnd = Stopwatch.GetTimestamp() + (long)(WarmupSeconds * Stopwatch.Frequency);
        for (int i = 0; i < WarmupCalls || Stopwatch.GetTimestamp() < warmupEnd; i++)
        {
            net.Forward(fixedInputs.AsSpan((i % FixedInputs) * Network.InputSize, Network.InputSize), y);
            if (i % 16 == 0)
            {
                net.Forward(batchInput, batchOutput);
            }
        }

        // Batch 1, each call timed on its own, so the percentiles are those of single calls. Stopwatch is
        // clock_gettime(CLOCK_MONOTONIC) on Linux: nanosecond ticks, read in ~20 ns (measured below, and included
        // in the call figures); its granularity here is 10 ns, so p50/p99 are multiples of 10 ns, and the mean
        // (less coarse, as the rounding averages out) is printed too.
        var ticks = new long[TimedCalls];
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        TimeCalls(net, fixedInputs, Network.InputSize, y, ticks);
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        // Batch 64: the vectorised path, where the vector width (x86-64-v3 under NativeAOT) matters.
        var batchTicks = new long[BatchTimedCalls];
        TimeCalls(net, batchInput, batchInput.Length, batchOutput, batchTicks);

        var timer = new long[TimedCalls];
        TimeTimer(timer);

        Console.WriteLine($"latency batch 1: p50 {Percentile(ticks, 0.50):F0} ns, p99 {Percentile(ticks, 0.99):F0} ns, mean {Mean(ticks):F1} ns " +
            $"({TimedCalls:N0} calls, each timed alone, after a {WarmupSeconds:F0} s warm-up; {allocated} bytes allocated)");
        Console.WriteLine($"latency batch {LatencyBatch}: p50 {Percentile(batchTicks, 0.50):F0} ns, p99 {Percentile(batchTicks, 0.99):F0} ns, mean {Mean(batchTicks):F1} ns per call " +
            $"({Percentile(batchTicks, 0.50) / LatencyBatch:F1} ns per sample at p50; {BatchTimedCalls:N0} calls)");
        Console.WriteLine($"latency timer alone: p50 {Percentile(timer, 0.50):F0} ns, p99 {Percentile(timer, 0.99):F0} ns, mean {Mean(timer):F1} ns " +
            "(two Stopwatch.GetTimestamp calls; included in the figures above)");
    }

    /// <summary>
    /// Times <c>net.Forward</c> on consecutive slices of <paramref name="inputs"/>, one call per entry of
    /// <paramref name="ticks"/>. Compiled fully optimised at once under the JIT (a loop in a method called once
    /// would otherwise run as tier-0 code patched by on-stack replacement, which shows in the p99).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TimeCalls(Network net, float[] inputs, int sliceLength, float[] output, long[] ticks)
    {
        int slices = inputs.Length / sliceLength;
        for (int i = 0; i < ticks.Length; i++)
        {
            ReadOnlySpan<float> input = inputs.AsSpan((i % slices) * sliceLength, sliceLength);
            long start = Stopwatch.GetTimestamp();
            net.Forward(input, output);
            ticks[i] = Stopwatch.GetTimestamp() - start;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TimeTimer(long[] ticks)
    {
        for (int i = 0; i < ticks.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            ticks[i] = Stopwatch.GetTimestamp() - start;
        }
    }

    private static double Mean(long[] ticks)
    {
        double sum = 0;
        foreach (long t in ticks)
        {
            sum += t;
        }

        return sum / ticks.Length * (1e9 / Stopwatch.Frequency);
    }

    /// <summary>The <paramref name="p"/> quantile (nearest rank) of the timings, in nanoseconds. Sorts the array.</summary>
    private static double Percentile(long[] ticks, double p)
    {
        Array.Sort(ticks);
        int rank = Math.Clamp((int)Math.Ceiling(p * ticks.Length) - 1, 0, ticks.Length - 1);
        return ticks[rank] * (1e9 / Stopwatch.Frequency);
    }

    /// <summary>Shortest round-trip text of each value ("R"): equal text means equal bits.</summary>
    public static string Format(ReadOnlySpan<float> values)
    {
        var parts = new string[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            parts[i] = values[i].ToString("R", CultureInfo.InvariantCulture).PadLeft(14);
        }

        return string.Join(" ", parts);
    }

    /// <summary>
    /// <c>model.safetensors</c> in the project folder: the first folder above the program that holds
    /// AotInference.csproj (under <c>dotnet run</c> the program is in the project's bin/ folder).
    /// </summary>
    private static string DefaultTrainingOutput()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AotInference.csproj")))
            {
                return Path.Combine(dir.FullName, ModelFile);
            }
        }

        throw new IOException("AotInference.csproj not found above the program's folder: give the output file, --train PATH.");
    }
}
