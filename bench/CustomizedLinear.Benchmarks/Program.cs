using System;
using System.Linq;
using BenchmarkDotNet.Running;

namespace CustomizedLinear.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/CustomizedLinear.Benchmarks -- --filter '*' --exporters json</c> runs
/// the suite (then <c>python3 bench/report.py</c> makes the table); <c>-- --quick</c> runs one configuration
/// (784×256 @0.1, batch 64, or the one named after it, e.g. <c>--quick "seed B=1"</c>) with the peak probe in under a minute.
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

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
