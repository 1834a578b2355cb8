using System;
using System.Collections.Generic;

namespace CustomizedLinear.Runtime.Tests;

/// <summary>
/// A few fake layers (with and without bias) and a double-precision copy of their parameters, in the
/// optimizer's parameter order: for each layer its weights, then its bias when it has one.
/// </summary>
internal sealed class OptimizerHarness
{
    private readonly Random _random;

    public OptimizerHarness(int seed)
    {
        _random = new Random(seed);
        Layers =
        [
            new FakeLayer(inputSize: 3, outputSize: 4, hasBias: true),
            new FakeLayer(inputSize: 5, outputSize: 2, hasBias: false),
            new FakeLayer(inputSize: 2, outputSize: 3, hasBias: true),
        ];
        foreach (FakeLayer layer in Layers)
        {
            Check.RandomFloats(_random, layer.Weights.Length, -1, 1).CopyTo(layer.Weights);
            Check.RandomFloats(_random, layer.Bias.Length, -1, 1).CopyTo(layer.Bias);
        }

        Reference = Parameters();
    }

    public FakeLayer[] Layers { get; }

    /// <summary>The reference parameters, updated by the reference optimizers.</summary>
    public List<double[]> Reference { get; }

    /// <summary>The layers' current parameters, in double.</summary>
    public List<double[]> Parameters()
    {
        var result = new List<double[]>();
        foreach (FakeLayer layer in Layers)
        {
            result.Add(Check.ToDouble(layer.Weights));
            if (layer.HasBias)
            {
                result.Add(Check.ToDouble(layer.Bias));
            }
        }

        return result;
    }

    /// <summary>The layers' current gradients, in double.</summary>
    public List<double[]> Gradients()
    {
        var result = new List<double[]>();
        foreach (FakeLayer layer in Layers)
        {
            result.Add(Check.ToDouble(layer.WeightGrad));
            if (layer.HasBias)
            {
                result.Add(Check.ToDouble(layer.BiasGrad));
            }
        }

        return result;
    }

    /// <summary>Sets every gradient to fresh random values and returns them in double.</summary>
    public List<double[]> SetRandomGradients(double scale = 1.0)
    {
        foreach (FakeLayer layer in Layers)
        {
            Check.RandomFloats(_random, layer.WeightGrad.Length, -scale, scale).CopyTo(layer.WeightGrad);
            Check.RandomFloats(_random, layer.BiasGrad.Length, -scale, scale).CopyTo(layer.BiasGrad);
        }

        return Gradients();
    }

    /// <summary>Asserts the layers' parameters match the reference within the optimizer tolerance.</summary>
    public void AssertMatchesReference(string context)
    {
        List<double[]> actual = Parameters();
        for (int p = 0; p < actual.Count; p++)
        {
            for (int i = 0; i < actual[p].Length; i++)
            {
                Check.Close(Reference[p][i], actual[p][i], $"{context}, parameter {p}[{i}]");
            }
        }
    }
}

/// <summary>
/// torch.optim.SGD, transcribed from the algorithm in its documentation, in double precision.
/// </summary>
internal sealed class ReferenceSgd(double lr, double momentum, double dampening, double weightDecay, bool nesterov)
{
    private readonly Dictionary<int, double[]> _b = [];
    private int _t;

    public double Lr { get; set; } = lr;

    public void Step(List<double[]> theta, List<double[]> grad)
    {
        _t++;
        for (int p = 0; p < theta.Count; p++)
        {
            if (momentum != 0 && !_b.ContainsKey(p))
            {
                _b[p] = new double[theta[p].Length];
            }

            for (int i = 0; i < theta[p].Length; i++)
            {
                double g = grad[p][i];
                if (weightDecay != 0)
                {
                    g += weightDecay * theta[p][i];
                }

                if (momentum != 0)
                {
                    double[] b = _b[p];
                    b[i] = _t > 1 ? momentum * b[i] + (1 - dampening) * g : g;
                    g = nesterov ? g + momentum * b[i] : b[i];
                }

                theta[p][i] -= Lr * g;
            }
        }
    }
}

/// <summary>
/// torch.optim.Adam / torch.optim.AdamW (amsgrad off), transcribed from the algorithms in their
/// documentation (with m̂ = m / (1 − β1ᵗ), v̂ = v / (1 − β2ᵗ)), in double precision.
/// </summary>
internal sealed class ReferenceAdam(double lr, double beta1, double beta2, double eps, double weightDecay, bool decoupled)
{
    private readonly Dictionary<int, double[]> _m = [];
    private readonly Dictionary<int, double[]> _v = [];
    private int _t;

    public double Lr { get; set; } = lr;

    public void Step(List<double[]> theta, List<double[]> grad)
    {
        _t++;
        for (int p = 0; p < theta.Count; p++)
        {
            if (!_m.ContainsKey(p))
            {
                _m[p] = new double[theta[p].Length];
                _v[p] = new double[theta[p].Length];
            }

            double[] m = _m[p];
            double[] v = _v[p];
            for (int i = 0; i < theta[p].Length; i++)
            {
                double g = grad[p][i];
                if (decoupled)
                {
                    theta[p][i] -= Lr * weightDecay * theta[p][i];
                }
                else if (weightDecay != 0)
                {
                    g += weightDecay * theta[p][i];
                }

                m[i] = beta1 * m[i] + (1 - beta1) * g;
                v[i] = beta2 * v[i] + (1 - beta2) * g * g;
                double mHat = m[i] / (1 - Math.Pow(beta1, _t));
                double vHat = v[i] / (1 - Math.Pow(beta2, _t));
                theta[p][i] -= Lr * mHat / (Math.Sqrt(vHat) + eps);
            }
        }
    }
}
