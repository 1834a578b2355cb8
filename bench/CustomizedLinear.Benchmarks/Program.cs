using System;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace CustomizedLinear.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/CustomizedLinear.Benchmarks -- --filter '*' --exporters json</c> runs
/// the suite (then <c>python3 bench/report.py</c> makes the table); <c>-- --quick</c> runs one configuration
/// (784×256 @0.1, batch 64, or the one named after it, e.g. <c>--quick "seed B=1"</c>) with the peak probe in under a minute;
/// <c>-- --networks</c> runs <see cref="NetworkBenchmarks"/> (generated networks against hand-chained layers) with the short
/// job (9 iterations of 250 ms) in process, about a minute.
/// </summary>
public static class Program
{
    public const string QuickConfiguration = "784x256@0.1 B=64";

    public static void Main(string[] args)
    {
        int quick = Array.IndexOf(args, "--quick");
        if (quick >= 0)
        {
            bool named = quick + 1 < args.Length && LayerBenchmarks.Configurations.ContainsKey(args[quick + 1]);
            LayerBenchmarks.Only = named ? args[quick + 1] : QuickConfiguration;
            args = ["--filter", "*LayerBenchmarks*", "*PeakProbe*", "--job", "short", "--inProcess", .. args.Where((a, i) => i != quick && !(named && i == quick + 1))];
        }

        int networks = Array.IndexOf(args, "--networks");
        if (networks >= 0)
        {
            // The short job with 9 measured iterations of 250 ms instead of 3 of 500 ms: medians that survive a noisy machine.
            args = ["--filter", "*NetworkBenchmarks*", "--job", "short", "--iterationCount", "9", "--iterationTime", "250", "--inProcess", .. args.Where((a, i) => i != networks)];
        }

        IEnumerable<Summary> summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        if (quick >= 0)
        {
            PrintQuickSummary(summaries.ToList(), LayerBenchmarks.Only!);
        }
    }

    /// <summary>The quick run's configuration as the full report reads it: useful GFLOP/s, % of the in-run peak, ratios.</summary>
    private static void PrintQuickSummary(List<Summary> summaries, string configuration)
    {
        var medians = summaries.SelectMany(s => s.Reports)
            .Where(r => r.ResultStatistics is not null)
            .ToDictionary(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name, r => r.ResultStatistics!.Median);
        if (!medians.TryGetValue(nameof(PeakProbe.Fma), out double peakNs) || !medians.TryGetValue(nameof(LayerBenchmarks.GeneratedForward), out double forwardNs))
        {
            return;
        }

        (Func<IMaskedLinear> create, int batch) = LayerBenchmarks.Configurations[configuration];
        double connections = create().ConnectionCount;
        double peak = PeakProbe.Flops / peakNs;
        Console.WriteLine();
        Console.WriteLine($"{configuration}: in-run peak {peak:F0} GFLOP/s");
        Print("forward", forwardNs, 2 * connections * batch, nameof(LayerBenchmarks.CsrForward));
        if (medians.TryGetValue(nameof(LayerBenchmarks.GeneratedForwardBackward), out double bothNs))
        {
            Print("forward+backward", bothNs, 6 * connections * batch, nameof(LayerBenchmarks.CsrForwardBackward));
        }

        void Print(string what, double ns, double flops, string csr)
        {
            string ratio = medians.TryGetValue(csr, out double csrNs) ? $", {csrNs / ns:F1}× the CSR kernel" : "";
            Console.WriteLine($"  generated {what}: {ns / 1000:F2} µs, {flops / ns:F1} GFLOP/s, {100 * flops / ns / peak:F1}% of peak{ratio}");
        }
    }
}
