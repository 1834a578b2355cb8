using System;
using System.Globalization;
using System.IO;
using BenchmarkDotNet.Running;

namespace CustomizedLinear.GeneratorBenchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/CustomizedLinear.GeneratorBenchmarks -- --filter '*'</c> runs the
/// generation benchmark; <c>-- --write-mask N FILE</c> writes the N-connection mask for bench/scale/build-times.sh.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length == 3 && args[0] == "--write-mask")
        {
            int connections = int.Parse(args[1], CultureInfo.InvariantCulture);
            File.WriteAllText(args[2], ScaleMasks.Create(connections));
            (int inputs, int outputs) = ScaleMasks.Shape(connections);
            Console.WriteLine($"{inputs} {outputs}");
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
