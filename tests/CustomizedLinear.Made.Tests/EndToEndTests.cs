using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using MadeSample;
using SkiaSharp;
using Xunit;

namespace CustomizedLinear.Made.Tests;

/// <summary>
/// The program as a user runs it: started from another folder, output redirected, two epochs. Its files decode
/// (the PNGs) and load (the weights, under nn.Sequential names), its last line parses, and the same seed gives the
/// same numbers and the same bytes.
/// </summary>
public sealed class EndToEndTests
{
    private sealed record Run(int ExitCode, string Stdout, string Stderr);

    private static Run Start(string workingDirectory, params string[] args) => StartFrom(AppContext.BaseDirectory, workingDirectory, args);

    /// <summary>Runs <c>Made.dll</c> from <paramref name="programFolder"/> with the dotnet that runs these tests.</summary>
    private static Run StartFrom(string programFolder, string workingDirectory, params string[] args)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(programFolder, "Made.dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"Made.dll {string.Join(' ', args)} did not finish in 5 minutes");
        }

        return new Run(process.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void TwoEpochs_FromAnotherFolder_WriteDecodablePictures_LoadableWeights_AndAParsableLastLine()
    {
        string folder = Directory.CreateTempSubdirectory("made-sample-").FullName;
        try
        {
            Run first = Start(folder, "--epochs", "2", "--out", "first");
            Assert.True(first.ExitCode == 0, first.Stderr + first.Stdout);
            Assert.DoesNotContain('\u001b', first.Stdout); // no colour codes when redirected
            string last = first.Stdout.TrimEnd('\n').Split('\n')[^1];
            Match result = Regex.Match(last, @"^result: epochs=2 train_nll=(\d+\.\d\d) test_nll=(\d+\.\d\d) seconds_per_epoch=(\d+\.\d\d\d)$");
            Assert.True(result.Success, last);
            double testNll = double.Parse(result.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(testNll, 150, 260); // two epochs of karpathy's recipe: ~200 nats

            using (SKBitmap samples = SKBitmap.Decode(Path.Combine(folder, "first", "samples.png")))
            {
                Assert.NotNull(samples);
                Assert.True(samples.Width >= 280 && samples.Height == samples.Width, $"{samples.Width} × {samples.Height}");
            }

            using (SKBitmap curve = SKBitmap.Decode(Path.Combine(folder, "first", "training-curve.png")))
            {
                Assert.NotNull(curve);
                Assert.True(curve.Width > 0 && curve.Height > 0);
            }

            var digits = Digits.Load();
            var evaluation = new Training(digits, seed: 99);
            SafeTensors.Load(Path.Combine(folder, "first", "made.safetensors"), evaluation.Network); // 0.weight, 0.bias, 2.weight, 2.bias
            Assert.Equal(testNll, evaluation.Evaluate(digits.Test, digits.TestCount), 2);

            // The same seed: the same numbers and the same files (the time per epoch aside); without --out, into
            // the current folder.
            Directory.CreateDirectory(Path.Combine(folder, "second"));
            Run second = Start(Path.Combine(folder, "second"), "--epochs", "2");
            Assert.Equal(0, second.ExitCode);
            string Numbers(string stdout) => Regex.Replace(stdout, @"\d+\.\d\d\d s/epoch|seconds_per_epoch=\S+|│ s/epoch.*", "");
            Assert.Equal(Numbers(first.Stdout).Replace(Path.Combine(folder, "first"), Path.Combine(folder, "second"), StringComparison.Ordinal), Numbers(second.Stdout));
            foreach (string file in new[] { "samples.png", "training-curve.png", "made.safetensors" })
            {
                Assert.True(File.ReadAllBytes(Path.Combine(folder, "first", file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(folder, "second", file))), file);
            }

            Assert.Equal(["first", "second"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void AChangedDataFile_IsOneLineOnStderr_AndNothingIsWritten()
    {
        // The program and its data copied aside, one byte of the data changed.
        string folder = Directory.CreateTempSubdirectory("made-sample-").FullName;
        try
        {
            string program = Path.Combine(folder, "program");
            foreach (string file in Directory.EnumerateFiles(AppContext.BaseDirectory, "*", SearchOption.AllDirectories))
            {
                string target = Path.Combine(program, Path.GetRelativePath(AppContext.BaseDirectory, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }

            string data = Path.Combine(program, "data", Digits.FileName);
            byte[] bytes = File.ReadAllBytes(data);
            bytes[^1] ^= 1;
            File.WriteAllBytes(data, bytes);
            string work = Directory.CreateDirectory(Path.Combine(folder, "work")).FullName;

            Run run = StartFrom(program, work, "--epochs", "1");
            Assert.Equal(1, run.ExitCode);
            Assert.Equal("", run.Stdout);
            Assert.Single(run.Stderr.TrimEnd('\n').Split('\n'));
            Assert.Contains("SHA-256", run.Stderr, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFileSystemEntries(work));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("--epochs", "0")]
    [InlineData("--epochs", "x")]
    [InlineData("--bogus")]
    public void BadArguments_ExitNonZero_NamingTheArgument(params string[] args)
    {
        string folder = Directory.CreateTempSubdirectory("made-sample-").FullName;
        try
        {
            Run run = Start(folder, args);
            Assert.NotEqual(0, run.ExitCode);
            Assert.Contains(args[0], run.Stderr + run.Stdout, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFileSystemEntries(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
