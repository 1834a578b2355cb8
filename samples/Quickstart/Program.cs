using System;
using System.Globalization;
using System.IO;
using CustomizedLinear;

namespace Quickstart;

/// <summary>
/// The original module's how_to_use_this.py in C#: a 4 × 3 masked layer without bias, trained for three
/// SGD steps on a random batch with L1 loss. The weight's gradient is exactly zero wherever the mask is 0.
/// </summary>
public static class Program
{
    public const int Batch = 8;
    public const float LearningRate = 0.1f;
    public const int Steps = 3;

    public static void Main(string[] args)
    {
        int seed = args.Length == 2 && args[0] == "--seed"
            ? int.Parse(args[1], CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        Run(seed, Console.Out);
    }

    /// <summary>Runs the sample with everything random drawn from <paramref name="seed"/>.</summary>
    public static void Run(int seed, TextWriter output)
    {
        output.WriteLine($"seed {seed} (run again with --seed {seed} to get the same numbers)");

        // CustomizedLinear(mask, bias=None): the mask comes from masks/seed.txt at compile time.
        var model = new SeedLayer(seed);
        (float[] x, float[] y) = RandomBatch(seed);

        output.WriteLine("=== mask matrix ===");
        output.WriteLine(TensorText.Format(Mask(), SeedLayer.InputSize, SeedLayer.OutputSize, "0"));
        output.WriteLine("===================");

        var optimizer = new Sgd([model], lr: LearningRate);
        var prediction = new float[Batch * SeedLayer.OutputSize];
        var lossGrad = new float[prediction.Length];
        for (int t = 0; t < Steps; t++)
        {
            model.Forward(x, prediction);
            float loss = Loss.L1(prediction, y, lossGrad);

            optimizer.ZeroGrad();
            model.Backward(x, lossGrad, inputGrad: default);
            optimizer.Step();

            output.WriteLine($"--- epoch={t}, loss={loss.ToString("F6", CultureInfo.InvariantCulture)} ---");
            output.WriteLine("masked weight [out, in]:");
            output.WriteLine(TensorText.Format(DenseWeight(model), SeedLayer.OutputSize, SeedLayer.InputSize, "F4"));
            output.WriteLine("masked grad of weight [out, in]:");
            output.WriteLine(TensorText.Format(Dense(model.WeightGrad), SeedLayer.OutputSize, SeedLayer.InputSize, "F4"));
        }
    }

    /// <summary>x ~ N(0, 1) of shape [Batch, 4] and y ~ N(0, 1) of shape [Batch, 3], like torch.randn.</summary>
    public static (float[] X, float[] Y) RandomBatch(int seed)
    {
        var random = new Random(seed ^ 0x5EED);
        var x = new float[Batch * SeedLayer.InputSize];
        var y = new float[Batch * SeedLayer.OutputSize];
        FillNormal(random, x);
        FillNormal(random, y);
        return (x, y);
    }

    private static void FillNormal(Random random, float[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            // Box-Muller; 1 - NextDouble() is in (0, 1], so the logarithm is finite.
            double radius = Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble()));
            values[i] = (float)(radius * Math.Cos(2.0 * Math.PI * random.NextDouble()));
        }
    }

    /// <summary>The mask as [in, out] 0/1 values, the orientation the original module takes.</summary>
    private static float[] Mask()
    {
        var mask = new float[SeedLayer.InputSize * SeedLayer.OutputSize];
        for (int i = 0; i < SeedLayer.InputSize; i++)
        {
            for (int o = 0; o < SeedLayer.OutputSize; o++)
            {
                mask[i * SeedLayer.OutputSize + o] = SeedLayer.IsConnected(i, o) ? 1 : 0;
            }
        }

        return mask;
    }

    private static float[] DenseWeight(SeedLayer model)
    {
        var weight = new float[SeedLayer.OutputSize * SeedLayer.InputSize];
        model.CopyDenseWeight(weight);
        return weight;
    }

    /// <summary>Spreads packed values (canonical order: output by output, inputs ascending) into [out, in].</summary>
    private static float[] Dense(ReadOnlySpan<float> packed)
    {
        var dense = new float[SeedLayer.OutputSize * SeedLayer.InputSize];
        int k = 0;
        for (int o = 0; o < SeedLayer.OutputSize; o++)
        {
            for (int i = 0; i < SeedLayer.InputSize; i++)
            {
                dense[o * SeedLayer.InputSize + i] = SeedLayer.IsConnected(i, o) ? packed[k++] : 0f;
            }
        }

        return dense;
    }
}
