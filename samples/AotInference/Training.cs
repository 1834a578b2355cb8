using System;
using System.Globalization;
using CustomizedLinear;

namespace AotInference;

/// <summary>
/// Trains the network on <see cref="Teacher"/> with Adam and MSE, on fresh random batches from a fixed seed,
/// and writes the weights as safetensors. Deterministic: the same machine gives the same file, byte for byte.
/// </summary>
public static class Training
{
    public const int Seed = 1;
    public const int Batch = 64;
    public const int Steps = 12_000;
    public const float LearningRate = 3e-3f;
    public const int ReportEvery = 1_000;
    public const int TestSamples = 4_096;

    public static void Run(string outputPath)
    {
        var net = new Network(Seed);
        var optimizer = new Adam(net, lr: LearningRate);
        var random = new Random(Seed);

        // A fixed held-out set, drawn from its own seed.
        var testX = new float[TestSamples * Network.InputSize];
        Teacher.Sample(new Random(Seed + 1000), testX);
        var testY = new float[TestSamples * Network.OutputSize];
        Teacher.Evaluate(testX, testY);

        var x = new float[Batch * Network.InputSize];
        var target = new float[Batch * Network.OutputSize];
        var prediction = new float[target.Length];
        var lossGrad = new float[target.Length];

        Console.WriteLine($"training {Network.InputSize} -> {Pathways.OutputSize} -> {Mixing.OutputSize} -> {Network.OutputSize} on the teacher function: " +
            $"Adam lr {F(LearningRate)}, MSE, {Steps} steps of {Batch} fresh samples, seed {Seed}");
        Console.WriteLine($"step {0,6}: test mse {F(TestMse(net, testX, testY))}");

        double sum = 0;
        for (int step = 1; step <= Steps; step++)
        {
            // Step decay: x0.3 for the last third, x0.1 for the last sixth.
            optimizer.LearningRate = LearningRate * (step > Steps * 5 / 6 ? 0.1f : step > Steps * 2 / 3 ? 0.3f : 1f);

            Teacher.Sample(random, x);
            Teacher.Evaluate(x, target);
            net.ForwardTraining(x, prediction);
            sum += Loss.Mse(prediction, target, lossGrad);

            optimizer.ZeroGrad();
            net.Backward(lossGrad, inputGrad: default);
            optimizer.Step();

            if (step % ReportEvery == 0)
            {
                Console.WriteLine($"step {step,6}: train mse {F((float)(sum / ReportEvery))} (mean of the last {ReportEvery} batches), test mse {F(TestMse(net, testX, testY))}");
                sum = 0;
            }
        }

        SafeTensors.Save(outputPath, net);
        Console.WriteLine($"wrote {outputPath}");

        // Read it back into a differently initialised network: the outputs must be the same bits.
        var loaded = new Network(seed: 12345);
        SafeTensors.Load(outputPath, loaded);
        float[] inputs = Program.FixedInputBatch();
        var a = new float[Program.FixedInputs * Network.OutputSize];
        var b = new float[a.Length];
        net.Forward(inputs, a);
        loaded.Forward(inputs, b);
        if (!a.AsSpan().SequenceEqual(b))
        {
            throw new InvalidOperationException("the reloaded network computes different outputs");
        }

        Console.WriteLine("reloaded: the same outputs, bit for bit");
    }

    private static float TestMse(Network net, float[] x, float[] y)
    {
        var prediction = new float[y.Length];
        net.Forward(x, prediction);
        return Loss.Mse(prediction, y, new float[y.Length]);
    }

    private static string F(float value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
