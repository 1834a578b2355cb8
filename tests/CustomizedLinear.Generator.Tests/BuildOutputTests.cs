using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Xunit;

namespace CustomizedLinear.Generator.Tests;

/// <summary>
/// A real <c>dotnet build</c> of a small project that uses the generator as an analyzer, to check what a
/// user sees: mistakes in the mask file are reported as <c>mask.txt(line,col): error CL…</c>.
/// </summary>
public sealed class BuildOutputTests
{
    [Fact]
    public void DotnetBuildReportsMaskErrorsAtTheirLineAndColumnInTheMaskFile()
    {
        (int exitCode, string output) = Build(
            """
            using CustomizedLinear;

            [MaskedLinear("masks/bad.txt")]
            public partial class Bad { }

            [MaskedLinear("masks/missing.txt")]
            public partial class Missing { }
            """,
            "",
            [("masks/bad.txt", "1 0 1\n0 1 0\n1 0 x\n")]);

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"masks/bad.txt(3,5): error CL0002: 'x' is not a mask cell", output);
        Assert.Contains("Layers.cs(6,15): error CL0001: Mask file 'masks/missing.txt' was not found", output);
        Assert.Contains("Add <AdditionalFiles Include=\"masks/missing.txt\" /> to the project file.", output);
    }

    [Fact]
    public void MadeAndPathwayMasksBuildWithWarningsAsErrors()
    {
        // An empty output column and an empty input row are Info: they must not fail a strict build.
        (int exitCode, string output) = Build(
            """
            using CustomizedLinear;

            [MaskedLinear("masks/made.txt", Layout = MaskLayout.OutputsByInputs)]
            public partial class Made { }

            [MaskedLinear("masks/pathway.txt")]
            public partial class Pathway { }
            """,
            "<TreatWarningsAsErrors>true</TreatWarningsAsErrors><WarningLevel>9999</WarningLevel>",
            [("masks/made.txt", "000\n100\n110\n"), ("masks/pathway.txt", "1 0 1\n0 0 0\n1 0 0\n")]);

        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public void NoGeneratedMethodIsCompiledWithMinOpts()
    {
        // The largest unrolled layers: 8,192 connections, and one output summing 2,000 inputs. RyuJIT falls
        // back to MinOpts for methods that are too large; with tiering off every method is compiled once,
        // and the JIT's summary says how.
        string dense = string.Concat(Enumerable.Repeat(new string('1', 128) + "\n", 64));
        string wide = string.Concat(Enumerable.Repeat("1\n", 2000));
        string program = """
            using CustomizedLinear;

            [MaskedLinear("masks/dense.txt")] public partial class Dense { }
            [MaskedLinear("masks/wide.txt")] public partial class Wide { }

            public static class Program
            {
                public static void Main()
                {
                    Run(new Dense(1));
                    Run(new Wide(1));
                }

                private static void Run(IMaskedLinear layer)
                {
                    var x = new float[layer.InputSize];
                    var y = new float[layer.OutputSize];
                    layer.Forward(x, y);
                    layer.Backward(x, y, new float[x.Length]);
                }
            }
            """;
        string summary = Path.Combine(Path.GetTempPath(), $"cl-jit-{Guid.NewGuid():N}.txt");
        try
        {
            (int exitCode, string output) = Build(program, "<OutputType>Exe</OutputType><Optimize>true</Optimize>", [("masks/dense.txt", dense), ("masks/wide.txt", wide)], run:
                [("DOTNET_TieredCompilation", "0"), ("DOTNET_TC_QuickJitForLoops", "0"), ("DOTNET_JitStdOutFile", summary), ("DOTNET_JitDisasmSummary", "1")]);
            Assert.True(exitCode == 0, output);
            string[] kernels = File.ReadAllLines(summary).Where(l => l.Contains("_MaskedLinearKernels", StringComparison.Ordinal)).ToArray();
            // Forward, InputGrad and AccumulateWeightGrad of both layers, with their parts.
            Assert.True(kernels.Length >= 6, string.Join("\n", kernels));
            Assert.All(kernels, l => Assert.Contains("FullOpts", l, StringComparison.Ordinal));
            Assert.DoesNotContain(kernels, l => l.Contains("MinOpts", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(summary);
        }
    }

    /// <summary>Writes a project using the generator as a user would, with <paramref name="masks"/>, and builds it.</summary>
    /// <param name="run">When given, the built program is run with these environment variables and its result returned instead.</param>
    private static (int ExitCode, string Output) Build(string layers, string extraProperties, (string Path, string Text)[] masks, (string Name, string Value)[]? run = null)
    {
        string repository = RepositoryRoot();
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        string project = Directory.CreateTempSubdirectory("cl-build-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(project, "masks"));
            File.WriteAllText(Path.Combine(project, "App.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    {extraProperties}
                  </PropertyGroup>
                  <ItemGroup>
                    <ProjectReference Include="{repository}/runtime/CustomizedLinear/CustomizedLinear.csproj" />
                    <ProjectReference Include="{repository}/generator/CustomizedLinear.Generator/CustomizedLinear.Generator.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
                  </ItemGroup>
                  <ItemGroup>
                    <AdditionalFiles Include="masks/*.txt" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(project, "Layers.cs"), layers);
            foreach (var (path, text) in masks)
            {
                File.WriteAllText(Path.Combine(project, path), text);
            }

            (int exitCode, string output) = Run("dotnet", $"build --no-dependencies -c {configuration} -nologo", project);
            if (run is null || exitCode != 0)
            {
                return (exitCode, output);
            }

            return Run("dotnet", Path.Combine(project, "bin", configuration, "net10.0", "App.dll"), project, run);
        }
        finally
        {
            Directory.Delete(project, recursive: true);
        }
    }

    private static (int ExitCode, string Output) Run(string fileName, string arguments, string directory, (string Name, string Value)[]? environment = null)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment ?? [])
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), "dotnet build did not finish in 5 minutes");
        return (process.ExitCode, output + stderr.Result);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Generated.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Generated.sln not found above " + AppContext.BaseDirectory);
    }
}
