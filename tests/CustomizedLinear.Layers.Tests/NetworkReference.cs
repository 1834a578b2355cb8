using System;
using System.Collections.Generic;
using CustomizedLinear;

namespace CustomizedLinear.Layers.Tests;

/// <summary>An activation of the reference, by its PyTorch formula in double precision.</summary>
internal enum Act
{
    ReLU,
    Tanh,
    Sigmoid,
    Softplus,
    SiLU,
    Leaky,
    Identity,
}

/// <summary>
/// The independent reference for networks: the same layers and activations chained by hand in double precision,
/// each layer as a dense masked matrix (its mask read back through <see cref="IMaskedLinear.IsConnected"/>), each
/// activation from its formula.
/// </summary>
internal sealed class NetworkReference(params object[] modules)
{
    /// <summary>Each module: an <see cref="IMaskedLinear"/> or an <see cref="Act"/>.</summary>
    public IReadOnlyList<object> Modules { get; } = modules;

    public static double F(Act act, double x) => act switch
    {
        Act.ReLU => Math.Max(x, 0),
        Act.Tanh => Math.Tanh(x),
        Act.Sigmoid => 1 / (1 + Math.Exp(-x)),
        Act.Softplus => x > 20 ? x : Math.Log(1 + Math.Exp(x)),
        Act.SiLU => x / (1 + Math.Exp(-x)),
        Act.Leaky => x > 0 ? x : LeakyReLU02.Slope * x,
        Act.Identity => x,
        _ => throw new ArgumentOutOfRangeException(nameof(act)),
    };

    public static double D(Act act, double x)
    {
        double s = 1 / (1 + Math.Exp(-x));
        return act switch
        {
            Act.ReLU => x > 0 ? 1 : 0,
            Act.Tanh => 1 - (Math.Tanh(x) * Math.Tanh(x)),
            Act.Sigmoid => s * (1 - s),
            Act.Softplus => x > 20 ? 1 : s,
            Act.SiLU => s * (1 + (x * (1 - s))),
            Act.Leaky => x > 0 ? 1 : LeakyReLU02.Slope,
            Act.Identity => 1,
            _ => throw new ArgumentOutOfRangeException(nameof(act)),
        };
    }

    /// <summary>Every value: value 0 the input, value m + 1 the output of module m.</summary>
    public List<double[]> Forward(ReadOnlySpan<float> input, int batch)
    {
        var values = new List<double[]> { Array.ConvertAll(input.ToArray(), v => (double)v) };
        foreach (object module in Modules)
        {
            double[] x = values[^1];
            if (module is IMaskedLinear layer)
            {
                double[] w = Dense(layer);
                int inputs = layer.InputSize, outputs = layer.OutputSize;
                var y = new double[batch * outputs];
                for (int n = 0; n < batch; n++)
                {
                    for (int o = 0; o < outputs; o++)
                    {
                        double sum = layer.HasBias ? layer.Bias[o] : 0;
                        for (int i = 0; i < inputs; i++)
                        {
                            sum += w[(o * inputs) + i] * x[(n * inputs) + i];
                        }

                        y[(n * outputs) + o] = sum;
                    }
                }

                values.Add(y);
            }
            else
            {
                values.Add(Array.ConvertAll(x, v => F((Act)module, v)));
            }
        }

        return values;
    }

    /// <summary>The input gradient and, per layer in order, the dense-free packed weight gradient and the bias gradient.</summary>
    public (double[] InputGrad, List<(double[] Weight, double[] Bias)> Layers) Backward(List<double[]> values, ReadOnlySpan<float> outputGrad, int batch)
    {
        double[] dy = Array.ConvertAll(outputGrad.ToArray(), v => (double)v);
        var grads = new List<(double[] Weight, double[] Bias)>();
        for (int m = Modules.Count - 1; m >= 0; m--)
        {
            double[] x = values[m];
            var dx = new double[x.Length];
            if (Modules[m] is IMaskedLinear layer)
            {
                int inputs = layer.InputSize, outputs = layer.OutputSize;
                double[] w = Dense(layer);
                var dw = new double[layer.ConnectionCount];
                var db = new double[outputs];
                for (int n = 0; n < batch; n++)
                {
                    int k = 0;
                    for (int o = 0; o < outputs; o++)
                    {
                        double g = dy[(n * outputs) + o];
                        db[o] += g;
                        for (int i = 0; i < inputs; i++)
                        {
                            dx[(n * inputs) + i] += w[(o * inputs) + i] * g;
                            if (layer.IsConnected(i, o))
                            {
                                dw[k++] += g * x[(n * inputs) + i];
                            }
                        }
                    }
                }

                grads.Insert(0, (dw, layer.HasBias ? db : []));
            }
            else
            {
                for (int j = 0; j < x.Length; j++)
                {
                    dx[j] = dy[j] * D((Act)Modules[m], x[j]);
                }
            }

            dy = dx;
        }

        return (dy, grads);
    }

    /// <summary>The layer's weight as a dense <c>[out, in]</c> matrix, zero where unconnected.</summary>
    private static double[] Dense(IMaskedLinear layer)
    {
        var dense = new float[layer.OutputSize * layer.InputSize];
        layer.CopyDenseWeight(dense);
        return Array.ConvertAll(dense, v => (double)v);
    }
}
