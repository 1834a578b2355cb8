using System;
using Xunit;

namespace CustomizedLinear.Runtime.Tests;

public class ActivationTests
{
    private delegate void ForwardFn(ReadOnlySpan<float> x, Span<float> y);

    private delegate void BackwardFn(ReadOnlySpan<float> x, ReadOnlySpan<float> outputGrad, Span<float> inputGrad);

    // Longer than the implementation's 256-value blocks and not a multiple of them.
    private const int Length = 1000;

    private sealed record Case(ForwardFn Forward, BackwardFn Backward, Func<double, double> F, Func<double, double> Derivative);

    // References in double: relu = max(x, 0), relu' = x > 0 ? 1 : 0 (0 at x == 0, like PyTorch);
    // tanh' = 1 − tanh²; σ = 1 / (1 + e^(−x)), σ' = σ(1 − σ).
    private static Case Get(string name) => name switch
    {
        "relu" => new Case(Activation.Relu, Activation.ReluBackward, x => Math.Max(x, 0), x => x > 0 ? 1 : 0),
        "tanh" => new Case(Activation.Tanh, Activation.TanhBackward, Math.Tanh, x => 1 - Math.Tanh(x) * Math.Tanh(x)),
        "sigmoid" => new Case(Activation.Sigmoid, Activation.SigmoidBackward, Sigmoid, x => Sigmoid(x) * (1 - Sigmoid(x))),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static float[] Inputs(int seed)
    {
        float[] x = Check.RandomFloats(new Random(seed), Length, -6, 6);
        float[] special = [0f, -0f, 1e-30f, -1e-30f, 20f, -20f, 50f, -50f, 100f, -100f];
        special.CopyTo(x, 100);
        return x;
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("tanh")]
    [InlineData("sigmoid")]
    public void Forward_MatchesReference(string name)
    {
        Case c = Get(name);
        float[] x = Inputs(seed: 51);
        var y = new float[Length];
        Array.Fill(y, float.NaN);
        c.Forward(x, y);
        for (int i = 0; i < Length; i++)
        {
            Check.Close(c.F(x[i]), y[i], $"{name}({x[i]})", abs: 1e-6, rel: 1e-5);
        }
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("tanh")]
    [InlineData("sigmoid")]
    public void Backward_MatchesReference(string name)
    {
        Case c = Get(name);
        float[] x = Inputs(seed: 52);
        float[] outputGrad = Check.RandomFloats(new Random(53), Length, -2, 2);
        var inputGrad = new float[Length];
        Array.Fill(inputGrad, float.NaN);
        c.Backward(x, outputGrad, inputGrad);
        for (int i = 0; i < Length; i++)
        {
            Check.Close(outputGrad[i] * c.Derivative(x[i]), inputGrad[i], $"{name}'({x[i]})·{outputGrad[i]}", abs: 1e-6, rel: 1e-5);
        }
    }

    [Fact]
    public void ReluBackward_IsZeroAtZero()
    {
        float[] x = [0f, -0f, 1e-30f, -1e-30f];
        float[] outputGrad = [3f, 3f, 3f, 3f];
        var inputGrad = new float[4];
        Activation.ReluBackward(x, outputGrad, inputGrad);
        Assert.Equal([0f, 0f, 3f, 0f], inputGrad);
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("tanh")]
    [InlineData("sigmoid")]
    public void Backward_MatchesFiniteDifferences(string name)
    {
        const float h = 1e-2f;
        Case c = Get(name);
        float[] x = Check.RandomFloats(new Random(54), 200, -4, 4);
        float[] outputGrad = Check.RandomFloats(new Random(55), 200, -2, 2);
        var inputGrad = new float[x.Length];
        c.Backward(x, outputGrad, inputGrad);

        var plus = new float[x.Length];
        var minus = new float[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            plus[i] = x[i] + h;
            minus[i] = x[i] - h;
        }

        var yPlus = new float[x.Length];
        var yMinus = new float[x.Length];
        c.Forward(plus, yPlus);
        c.Forward(minus, yMinus);
        int checkedCount = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (name == "relu" && Math.Abs(x[i]) < 2 * h)
            {
                continue; // the kink
            }

            double numeric = outputGrad[i] * ((double)yPlus[i] - yMinus[i]) / ((double)plus[i] - minus[i]);
            Check.Close(numeric, inputGrad[i], $"{name} backward at {x[i]}", abs: 1e-4, rel: 1e-3);
            checkedCount++;
        }

        Assert.True(checkedCount > 150, $"only {checkedCount} points checked");
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("tanh")]
    [InlineData("sigmoid")]
    public void InPlace_GivesTheSameResultsAsSeparateBuffers(string name)
    {
        Case c = Get(name);
        float[] x = Inputs(seed: 56);
        float[] outputGrad = Check.RandomFloats(new Random(57), Length, -2, 2);

        var y = new float[Length];
        c.Forward(x, y);
        var inputGrad = new float[Length];
        c.Backward(x, outputGrad, inputGrad);

        // Forward: y is x.
        float[] buffer = (float[])x.Clone();
        c.Forward(buffer, buffer);
        Assert.Equal(y, buffer);

        // Backward: inputGrad is outputGrad.
        buffer = (float[])outputGrad.Clone();
        c.Backward(x, buffer, buffer);
        Assert.Equal(inputGrad, buffer);

        // Backward: inputGrad is x.
        buffer = (float[])x.Clone();
        c.Backward(buffer, outputGrad, buffer);
        Assert.Equal(inputGrad, buffer);

        // Backward: all three are the same memory.
        var expectedAll = new float[Length];
        c.Backward(x, x, expectedAll);
        buffer = (float[])x.Clone();
        c.Backward(buffer, buffer, buffer);
        Assert.Equal(expectedAll, buffer);
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("tanh")]
    [InlineData("sigmoid")]
    public void PartialOverlap_Throws(string name)
    {
        Case c = Get(name);
        var shared = new float[40];
        var other = new float[10];
        var another = new float[10];

        Assert.Throws<ArgumentException>(() => c.Forward(shared.AsSpan(0, 10), shared.AsSpan(5, 10)));
        Assert.Throws<ArgumentException>(() => c.Forward(shared.AsSpan(5, 10), shared.AsSpan(0, 10)));
        Assert.Throws<ArgumentException>(() => c.Backward(shared.AsSpan(0, 10), other, shared.AsSpan(1, 10)));
        Assert.Throws<ArgumentException>(() => c.Backward(other, shared.AsSpan(3, 10), shared.AsSpan(0, 10)));
        Assert.Throws<ArgumentException>(() => c.Backward(shared.AsSpan(0, 10), shared.AsSpan(9, 10), another));

        // Adjacent (non-overlapping) spans of the same array are fine.
        c.Forward(shared.AsSpan(0, 10), shared.AsSpan(10, 10));
        c.Backward(shared.AsSpan(0, 10), shared.AsSpan(10, 10), shared.AsSpan(20, 10));
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("tanh")]
    [InlineData("sigmoid")]
    public void LengthMismatch_ThrowsNamingTheSpan(string name)
    {
        Case c = Get(name);
        var x = new float[5];

        ArgumentException forward = Assert.Throws<ArgumentException>(() => c.Forward(x, new float[4]));
        Assert.Equal("y", forward.ParamName);
        Assert.Contains("5", forward.Message, StringComparison.Ordinal);

        ArgumentException outputGrad = Assert.Throws<ArgumentException>(() => c.Backward(x, new float[6], new float[5]));
        Assert.Equal("outputGrad", outputGrad.ParamName);

        ArgumentException inputGrad = Assert.Throws<ArgumentException>(() => c.Backward(x, new float[5], new float[4]));
        Assert.Equal("inputGrad", inputGrad.ParamName);

        // Empty is fine.
        c.Forward([], []);
        c.Backward([], [], []);
    }
}
