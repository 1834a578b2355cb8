using System;
using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using MadeSample;

namespace CustomizedLinear.Benchmarks;

/// <summary>
/// One training step of <c>samples/Made</c> (784→500→784, batch 100, karpathy's recipe): the sample's own step
/// (<c>ForwardTraining</c>, the summed BCE, <c>ZeroGrad</c>, <c>Backward</c>, <c>Adam.Step</c>) against the same step
/// written the way a masked PyTorch module runs it, on dense arrays with <see cref="TensorPrimitives"/>: weights
/// multiplied by the mask, dense products, dense gradients multiplied by the mask, and Adam over every dense
/// weight (element-wise passes, as <c>torch.optim.Adam</c>'s foreach path). Same masks, same batch, one thread.
/// A step times 90 is the sample's training pass per epoch.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class MadeSampleBenchmarks
{
    private const int Batch = Training.BatchSize;
    private const int In = Digits.Pixels, Hidden = Made0.OutputSize, Out = Made2.OutputSize;

    private MadeSample.Made _made = null!;
    private Adam _adam = null!;
    private float[] _x = [], _logits = [], _gradient = [];
    private Dense _dense = null!;

    [GlobalSetup]
    public void Setup()
    {
        Digits digits = Digits.Load();
        _x = digits.Train.AsSpan(0, Batch * In).ToArray();
        _logits = new float[Batch * Out];
        _gradient = new float[Batch * Out];
        _made = new MadeSample.Made(seed: 1);
        _adam = new Adam(_made, lr: 1e-3f, weightDecay: 1e-4f);
        _dense = new Dense(_made);
    }

    [Benchmark(Description = "samples/Made step (generated network)")]
    public double Generated()
    {
        _made.ForwardTraining(_x, _logits);
        double loss = Training.Nll(_logits, _x, _gradient, Batch);
        _adam.ZeroGrad();
        _made.Backward(_gradient, inputGrad: default);
        _adam.Step();
        return loss;
    }

    [Benchmark(Baseline = true, Description = "dense masked step (TensorPrimitives)")]
    public double DenseMasked() => _dense.Step(_x);

    /// <summary>The dense masked network and its Adam state.</summary>
    private sealed class Dense
    {
        private readonly float[] _w0 = new float[Hidden * In], _m0 = new float[Hidden * In], _b0 = new float[Hidden];
        private readonly float[] _w2 = new float[Out * Hidden], _m2 = new float[Out * Hidden], _b2 = new float[Out];
        private readonly float[] _ew0 = new float[Hidden * In], _ew2 = new float[Out * Hidden];
        private readonly float[] _gw0 = new float[Hidden * In], _gb0 = new float[Hidden], _gw2 = new float[Out * Hidden], _gb2 = new float[Out];
        private readonly float[] _h = new float[Batch * Hidden], _a = new float[Batch * Hidden], _da = new float[Batch * Hidden];
        private readonly float[] _logits = new float[Batch * Out], _dy = new float[Batch * Out];
        private readonly AdamState[] _state;
        private int _step;

        public Dense(MadeSample.Made made)
        {
            made.Layer0.CopyDenseWeight(_w0);
            made.Layer2.CopyDenseWeight(_w2);
            made.Layer0.Bias.CopyTo(_b0);
            made.Layer2.Bias.CopyTo(_b2);
            for (int o = 0; o < Hidden; o++)
            {
                for (int i = 0; i < In; i++)
                {
                    _m0[o * In + i] = Made0.IsConnected(i, o) ? 1f : 0f;
                }
            }

            for (int o = 0; o < Out; o++)
            {
                for (int i = 0; i < Hidden; i++)
                {
                    _m2[o * Hidden + i] = Made2.IsConnected(i, o) ? 1f : 0f;
                }
            }

            _state = [new(_w0, _gw0), new(_b0, _gb0), new(_w2, _gw2), new(_b2, _gb2)];
        }

        public double Step(float[] x)
        {
            // Forward: weight * mask, then dense products.
            TensorPrimitives.Multiply(_w0, _m0, _ew0);
            TensorPrimitives.Multiply(_w2, _m2, _ew2);
            for (int n = 0; n < Batch; n++)
            {
                ReadOnlySpan<float> xn = x.AsSpan(n * In, In);
                for (int k = 0; k < Hidden; k++)
                {
                    _h[n * Hidden + k] = _b0[k] + TensorPrimitives.Dot(_ew0.AsSpan(k * In, In), xn);
                }
            }

            TensorPrimitives.Max(_h, 0f, _a);
            for (int n = 0; n < Batch; n++)
            {
                ReadOnlySpan<float> an = _a.AsSpan(n * Hidden, Hidden);
                for (int d = 0; d < Out; d++)
                {
                    _logits[n * Out + d] = _b2[d] + TensorPrimitives.Dot(_ew2.AsSpan(d * Hidden, Hidden), an);
                }
            }

            double loss = Training.Nll(_logits, x, _dy, Batch);

            // Backward: dense gradients, then multiplied by the mask (what autograd gives weight in weight * mask).
            Array.Clear(_gw0);
            Array.Clear(_gb0);
            Array.Clear(_gw2);
            Array.Clear(_gb2);
            Array.Clear(_da);
            for (int n = 0; n < Batch; n++)
            {
                ReadOnlySpan<float> an = _a.AsSpan(n * Hidden, Hidden);
                Span<float> dan = _da.AsSpan(n * Hidden, Hidden);
                for (int d = 0; d < Out; d++)
                {
                    float g = _dy[n * Out + d];
                    TensorPrimitives.MultiplyAdd(an, g, _gw2.AsSpan(d * Hidden, Hidden), _gw2.AsSpan(d * Hidden, Hidden));
                    TensorPrimitives.MultiplyAdd(_ew2.AsSpan(d * Hidden, Hidden), g, dan, dan);
                }

                TensorPrimitives.Add(_gb2, _dy.AsSpan(n * Out, Out), _gb2);
            }

            for (int i = 0; i < _da.Length; i++)
            {
                _da[i] = _h[i] > 0f ? _da[i] : 0f;
            }

            for (int n = 0; n < Batch; n++)
            {
                ReadOnlySpan<float> xn = x.AsSpan(n * In, In);
                for (int k = 0; k < Hidden; k++)
                {
                    TensorPrimitives.MultiplyAdd(xn, _da[n * Hidden + k], _gw0.AsSpan(k * In, In), _gw0.AsSpan(k * In, In));
                }

                TensorPrimitives.Add(_gb0, _da.AsSpan(n * Hidden, Hidden), _gb0);
            }

            TensorPrimitives.Multiply(_gw0, _m0, _gw0);
            TensorPrimitives.Multiply(_gw2, _m2, _gw2);

            // Adam (lr 1e-3, weight decay 1e-4) over every dense parameter, one element-wise pass per operation.
            _step++;
            float stepSize = (float)(1e-3 / (1 - Math.Pow(0.9, _step)));
            float bc2Sqrt = (float)Math.Sqrt(1 - Math.Pow(0.999, _step));
            foreach (AdamState s in _state)
            {
                TensorPrimitives.MultiplyAdd(s.Parameter, 1e-4f, s.Gradient, s.Scratch);
                TensorPrimitives.Multiply(s.ExpAvg, 0.9f, s.ExpAvg);
                TensorPrimitives.MultiplyAdd(s.Scratch, 0.1f, s.ExpAvg, s.ExpAvg);
                TensorPrimitives.Multiply(s.Scratch, s.Scratch, s.Scratch);
                TensorPrimitives.Multiply(s.ExpAvgSq, 0.999f, s.ExpAvgSq);
                TensorPrimitives.MultiplyAdd(s.Scratch, 0.001f, s.ExpAvgSq, s.ExpAvgSq);
                TensorPrimitives.Sqrt(s.ExpAvgSq, s.Scratch);
                TensorPrimitives.Divide(s.Scratch, bc2Sqrt, s.Scratch);
                TensorPrimitives.Add(s.Scratch, 1e-8f, s.Scratch);
                TensorPrimitives.Divide(s.ExpAvg, s.Scratch, s.Scratch);
                TensorPrimitives.MultiplyAdd(s.Scratch, -stepSize, s.Parameter, s.Parameter);
            }

            return loss;
        }

        private sealed class AdamState(float[] parameter, float[] gradient)
        {
            public float[] Parameter { get; } = parameter;
            public float[] Gradient { get; } = gradient;
            public float[] ExpAvg { get; } = new float[parameter.Length];
            public float[] ExpAvgSq { get; } = new float[parameter.Length];
            public float[] Scratch { get; } = new float[parameter.Length];
        }
    }
}
