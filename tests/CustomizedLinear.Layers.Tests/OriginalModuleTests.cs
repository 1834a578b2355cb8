using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace CustomizedLinear.Layers.Tests;

/// <summary>The original PyTorch module's own tests, ported.</summary>
public sealed class OriginalModuleTests(ITestOutputHelper log)
{
    /// <summary>
    /// (a) Recover <c>[in, out] = [[0,9,2],[1,0,0],[2,0,4],[3,6,0]]</c> from y = x·W with the mask W &gt; 0:
    /// no bias, 1000 samples x ~ U(0,1)⁴, Adam (lr 0.01), L1 loss, batch 1, 10 epochs.
    /// </summary>
    [Fact]
    public void RecoversASparseWeight()
    {
        double[,] weightTrue = { { 0, 9, 2 }, { 1, 0, 0 }, { 2, 0, 4 }, { 3, 6, 0 } };
        var random = new Random(1);
        const int Samples = 1000;
        var x = new float[Samples][];
        var y = new float[Samples][];
        for (int n = 0; n < Samples; n++)
        {
            x[n] = Enumerable.Range(0, 4).Select(_ => (float)random.NextDouble()).ToArray();
            y[n] = Enumerable.Range(0, 3).Select(o => (float)Enumerable.Range(0, 4).Sum(i => x[n][i] * weightTrue[i, o])).ToArray();
        }

        var model = new RecoverLayer(seed: 1);
        var optimizer = new Adam([model], lr: 0.01f);
        var prediction = new float[3];
        var gradient = new float[3];
        int[] order = Enumerable.Range(0, Samples).ToArray();
        for (int epoch = 0; epoch < 10; epoch++)
        {
            random.Shuffle(order);
            foreach (int n in order)
            {
                model.Forward(x[n], prediction);
                Loss.L1(prediction, y[n], gradient);
                optimizer.ZeroGrad();
                model.Backward(x[n], gradient, default);
                optimizer.Step();
            }
        }

        var weight = new float[12]; // [out, in]
        model.CopyDenseWeight(weight);
        double meanAbsoluteError = 0;
        for (int i = 0; i < 4; i++)
        {
            for (int o = 0; o < 3; o++)
            {
                meanAbsoluteError += Math.Abs(weight[o * 4 + i] - weightTrue[i, o]) / 12;
            }
        }

        log.WriteLine($"mean |W - W_true| = {meanAbsoluteError:G4}; W^T = [{string.Join(", ", weight.Select(w => w.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}]");
        Assert.True(meanAbsoluteError < 0.01, $"mean |W - W_true| = {meanAbsoluteError}");
    }

    /// <summary>
    /// (b) A student of the teacher's architecture (2 → 4 → 4 → 2, masked, with bias and ReLU between)
    /// learns the teacher: 1000 samples x ~ U(0,1)², 800 train / 200 test, Adam (lr 0.01), L1 loss,
    /// batch 1, 50 epochs. Ten fixed seeds; a dead-ReLU start may fail one, as in PyTorch.
    /// </summary>
    [Fact]
    public void AStudentLearnsItsTeacher()
    {
        var errors = new List<double>();
        for (int seed = 0; seed < 10; seed++)
        {
            double error = TrainStudent(seed);
            log.WriteLine($"seed {seed}: relative test error {error:F4}");
            errors.Add(error);
        }

        errors.Sort();
        double median = (errors[4] + errors[5]) / 2;
        Assert.True(errors.Count(e => e < 0.10) >= 8, $"seeds under 0.10: {errors.Count(e => e < 0.10)} of 10 ({string.Join(", ", errors.Select(e => e.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))})");
        Assert.True(median < 0.05, $"median relative error {median}");
    }

    private static double TrainStudent(int seed)
    {
        var random = new Random(1000 + seed);
        var teacher = new Network(new TeacherLayer1(2 * seed), new TeacherLayer2(2 * seed + 100), new TeacherLayer3(2 * seed + 200));
        var student = new Network(new TeacherLayer1(2 * seed + 1), new TeacherLayer2(2 * seed + 101), new TeacherLayer3(2 * seed + 201));

        const int Samples = 1000, Train = 800;
        var x = new float[Samples][];
        var y = new float[Samples][];
        for (int n = 0; n < Samples; n++)
        {
            x[n] = [(float)random.NextDouble(), (float)random.NextDouble()];
            y[n] = teacher.Forward(x[n]).ToArray();
        }

        var optimizer = new Adam(student.Layers, lr: 0.01f);
        var gradient = new float[2];
        int[] order = Enumerable.Range(0, Train).ToArray();
        for (int epoch = 0; epoch < 50; epoch++)
        {
            random.Shuffle(order);
            foreach (int n in order)
            {
                Loss.L1(student.Forward(x[n]), y[n], gradient);
                optimizer.ZeroGrad();
                student.Backward(gradient);
                optimizer.Step();
            }
        }

        double absoluteError = 0, absoluteTarget = 0;
        for (int n = Train; n < Samples; n++)
        {
            ReadOnlySpan<float> prediction = student.Forward(x[n]);
            for (int o = 0; o < 2; o++)
            {
                absoluteError += Math.Abs(prediction[o] - y[n][o]);
                absoluteTarget += Math.Abs(y[n][o]);
            }
        }

        return absoluteError / absoluteTarget;
    }

    /// <summary>Linear → ReLU → Linear → ReLU → Linear, keeping what Backward needs from the last Forward.</summary>
    private sealed class Network(IMaskedLinear first, IMaskedLinear second, IMaskedLinear third)
    {
        private readonly float[] _input = new float[2];
        private readonly float[] _z1 = new float[4], _h1 = new float[4], _z2 = new float[4], _h2 = new float[4], _out = new float[2];
        private readonly float[] _g2 = new float[4], _g1 = new float[4];

        public IMaskedLinear[] Layers => [first, second, third];

        public ReadOnlySpan<float> Forward(float[] x)
        {
            x.CopyTo(_input, 0);
            first.Forward(_input, _z1);
            Activation.Relu(_z1, _h1);
            second.Forward(_h1, _z2);
            Activation.Relu(_z2, _h2);
            third.Forward(_h2, _out);
            return _out;
        }

        public void Backward(ReadOnlySpan<float> outputGrad)
        {
            third.Backward(_h2, outputGrad, _g2);
            Activation.ReluBackward(_z2, _g2, _g2);
            second.Backward(_h1, _g2, _g1);
            Activation.ReluBackward(_z1, _g1, _g1);
            first.Backward(_input, _g1, default);
        }
    }
}
