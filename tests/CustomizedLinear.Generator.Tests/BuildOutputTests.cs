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
            ("masks/bad.txt", "1 0 1\n0 1 0\n1 0 x\n"));

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
            ("masks/made.txt", "000\n100\n110\n"),
            ("masks/pathway.txt", "1 0 1\n0 0 0\n1 0 0\n"));

        Assert.True(exitCode == 0, output);
    }

    /// <summary>Writes a project using the generator as a user would, with <paramref name="masks"/>, and builds it.</summary>
    private static (int ExitCode, string Output) Build(string layers, string extraProperties, params (string Path, string Text)[] masks)
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

            return Run("dotnet", $"build --no-dependencies -c {configuration} -nologo", project);
        }
        finally
        {
            Directory.Delete(project, recursive: true);
        }
    }

    private static (int ExitCode, string Output) Run(string fileName, string arguments, string directory)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
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
