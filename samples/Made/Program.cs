using System;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using CustomizedLinear;
using Spectre.Console;

namespace MadeSample;

/// <summary>
/// Trains MADE on the binarized digits with karpathy/pytorch-made's recipe, shows the progress, then writes
/// <c>samples.png</c> (100 digits drawn from the model), <c>training-curve.png</c> and <c>made.safetensors</c>, and
/// prints the results beside PyTorch's. The last line is machine-readable.
/// </summary>
public static class Program
{
    /// <summary>libtorch's test NLL with the same data, split and recipe (one thread; the issue's measurements).</summary>
    public static readonly (int Epoch, double TestNll)[] Reference = [(10, 116.1), (20, 100.1), (30, 94.9), (40, 92.4), (60, 91.0)];

    /// <summary>libtorch's median seconds per epoch for the training pass, one thread.</summary>
    public const double ReferenceSecondsPerEpoch = 0.65;

    public static int Main(string[] args)
    {
        var epochs = new Option<int>("--epochs") { Description = "Epochs to train.", DefaultValueFactory = _ => 60 };
        epochs.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--epochs must be at least 1");
            }
        });
        var output = new Option<DirectoryInfo>("--out") { Description = "The folder for samples.png, training-curve.png and made.safetensors (default: the current one)." };
        var seed = new Option<int>("--seed") { Description = "The seed of the weights, the shuffles and the drawn samples.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "Threads for the network's passes and Adam (the loss stays on one); the reference times are one thread's.", DefaultValueFactory = _ => 1 };
        threads.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--threads must be at least 1");
            }
        });
        var root = new RootCommand("MADE (784→500→784) on binarized MNIST digits, trained like karpathy/pytorch-made.") { epochs, output, seed, threads };
        root.SetAction(result => Run(result.GetValue(epochs), result.GetValue(output)?.FullName ?? Directory.GetCurrentDirectory(), result.GetValue(seed), result.GetValue(threads)));
        return root.Parse(args).Invoke();
    }

    private static int Run(int epochs, string outFolder, int seed, int threads)
    {
        Digits digits;
        try
        {
            digits = Digits.Load();
            // Found unwritable now, not after the whole training run.
            Directory.CreateDirectory(outFolder);
            string probe = Path.Combine(outFolder, $".made-{Guid.NewGuid():N}.tmp");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            Console.Error.WriteLine($"made: {e.Message}");
            return 1;
        }

        var training = new Training(digits, seed, threads);
        var train = new double[epochs];
        var test = new double[epochs];
        var seconds = new double[epochs];
        void Epoch(int e)
        {
            long start = Stopwatch.GetTimestamp();
            train[e] = training.TrainEpoch();
            seconds[e] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            test[e] = training.Evaluate(digits.Test, digits.TestCount);
        }

        string Line(int e) => string.Create(CultureInfo.InvariantCulture,
            $"epoch {e + 1,3}/{epochs}  train NLL {train[e],7:0.00}  test NLL {test[e],7:0.00}  {seconds[e],5:0.000} s/epoch");

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"MADE 784→500→784, {Made0.ConnectionCount + Made2.ConnectionCount:N0} connections; {digits.TrainCount:N0} training and {digits.TestCount:N0} test digits; {epochs} epochs of {training.StepsPerEpoch} batches of {Training.BatchSize}"));
        if (AnsiConsole.Profile.Capabilities.Interactive)
        {
            AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new ElapsedTimeColumn())
                .Start(context =>
                {
                    ProgressTask task = context.AddTask("training", maxValue: epochs);
                    for (int e = 0; e < epochs; e++)
                    {
                        Epoch(e);
                        task.Description = Markup.Escape(Line(e));
                        task.Increment(1);
                    }
                });
        }
        else
        {
            for (int e = 0; e < epochs; e++)
            {
                Epoch(e);
                Console.WriteLine(Line(e));
            }
        }

        float[] samples = Sampling.Draw(training.Network, 100, seed);
        string samplesPath = Path.Combine(outFolder, "samples.png");
        string curvePath = Path.Combine(outFolder, "training-curve.png");
        string weightsPath = Path.Combine(outFolder, "made.safetensors");
        Pictures.Write(samplesPath, Pictures.DigitGrid(samples, columns: 10));
        Pictures.Write(curvePath, Pictures.Curve(train, test, Reference));
        SafeTensors.Save(weightsPath, training.Network);

        double median = Median(seconds);
        AnsiConsole.Write(Results(train, test, median));
        Console.WriteLine($"wrote {samplesPath} (100 digits drawn from the model), {curvePath}, {weightsPath} (nn.Sequential names: 0.weight, 0.bias, 0.mask, 2.weight, 2.bias, 2.mask)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"result: epochs={epochs} train_nll={train[^1]:0.00} test_nll={test[^1]:0.00} seconds_per_epoch={median:0.000}{(threads == 1 ? "" : $" threads={threads}")}"));
        return 0;
    }

    /// <summary>The results every ten epochs beside libtorch's, and the time per epoch.</summary>
    private static Table Results(double[] train, double[] test, double secondsPerEpoch)
    {
        var table = new Table().Title("MADE on binarized MNIST digits (nats per image)")
            .AddColumns("epoch", "train NLL", "test NLL", "libtorch test NLL");
        int epochs = train.Length;
        foreach (int e in Enumerable.Range(1, epochs).Where(e => e % 10 == 0 || e == epochs))
        {
            (int Epoch, double TestNll)[] torch = Reference.Where(r => r.Epoch == e).ToArray();
            table.AddRow(
                e.ToString(CultureInfo.InvariantCulture),
                train[e - 1].ToString("0.00", CultureInfo.InvariantCulture),
                test[e - 1].ToString("0.00", CultureInfo.InvariantCulture),
                torch.Length == 1 ? torch[0].TestNll.ToString("0.0", CultureInfo.InvariantCulture) : "");
        }

        table.AddRow("s/epoch", secondsPerEpoch.ToString("0.000", CultureInfo.InvariantCulture), "",
            ReferenceSecondsPerEpoch.ToString("0.00", CultureInfo.InvariantCulture));
        return table;
    }

    private static double Median(double[] values)
    {
        double[] sorted = [.. values.Order()];
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
