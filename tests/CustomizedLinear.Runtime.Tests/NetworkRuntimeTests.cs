using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using CustomizedLinear.CompilerServices;
using Xunit;

namespace CustomizedLinear.Runtime.Tests;

/// <summary>
/// What generated <c>[Sequential]</c> networks call in the runtime: <see cref="NetworkActivations"/>, the fused
/// <see cref="SparseKernels"/> forward pass, <see cref="NetworkScratch"/> and <see cref="SpanShapes.NetworkBackwardBatch"/>.
/// Each result is checked against double-precision formulas written here, not against the runtime's own math.
/// </summary>
/// <remarks>
/// Tolerances against the double references are <see cref="ActivationTypeTests"/>' (and for its reasons):
/// <c>|actual − expected| ≤ 2e-6 · max(1, |outputGrad|) + 2e-6 · |expected|</c>, NaN exactly where the reference is.
/// </remarks>
public class NetworkRuntimeTests
{
    private const double Abs = 2e-6;
    private const double Rel = 2e-6;
    private const int Guard = 16;
    private const float Sentinel = 12345f;

    // Empty, one value, under / at / over one 8-lane vector, several vectors plus a tail, and longer than the
    // TensorPrimitives compositions' 256-value blocks.
    private static readonly int[] Lengths = [0, 1, 7, 8, 9, 33, 1000];

    private static readonly float[] Special =
    [
        0f, -0f, float.Epsilon, -float.Epsilon, 1e-30f, -1e-30f, 1f, -1f, 20f, -20f, 20.0001f, -20.0001f,
        50f, -50f, 100f, -100f, 1e30f, -1e30f, float.MaxValue, -float.MaxValue, float.NaN,
    ];

    private static readonly FusedActivation[] Builtins =
        [FusedActivation.ReLU, FusedActivation.Tanh, FusedActivation.Sigmoid, FusedActivation.Softplus, FusedActivation.SiLU];

    public static TheoryData<FusedActivation> Kinds => [FusedActivation.None, .. Builtins];

    public static TheoryData<FusedActivation> FromOutputKinds => [FusedActivation.ReLU, FusedActivation.Tanh, FusedActivation.Sigmoid];

    // ---- Double references, from the definitions (PyTorch's where it decides an edge) ----

    private static double Sigma(double x) => 1 / (1 + Math.Exp(-x));

    // log(1 + e) for small e by its series (see ActivationTypeTests).
    private static double Log1P(double e) => e < 1e-4 ? e * (1 - e * (0.5 - e / 3)) : Math.Log(1 + e);

    private static double F(FusedActivation kind, double x) => kind switch
    {
        FusedActivation.None => x,
        FusedActivation.ReLU => double.IsNaN(x) ? double.NaN : Math.Max(x, 0),
        FusedActivation.Tanh => Math.Tanh(x),
        FusedActivation.Sigmoid => Sigma(x),
        FusedActivation.Softplus => x > 20 ? x : Log1P(Math.Exp(x)),
        FusedActivation.SiLU => x * Sigma(x),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    // relu′ = x <= 0 ? 0 : 1 (threshold_backward passes the gradient where x is NaN).
    private static double Derivative(FusedActivation kind, double x) => kind switch
    {
        FusedActivation.None => 1,
        FusedActivation.ReLU => x <= 0 ? 0 : 1,
        FusedActivation.Tanh => 1 - Math.Tanh(x) * Math.Tanh(x),
        FusedActivation.Sigmoid => Sigma(x) * (1 - Sigma(x)),
        FusedActivation.Softplus => x > 20 ? 1 : Sigma(x),
        FusedActivation.SiLU => Sigma(x) * (1 + x * (1 - Sigma(x))),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    // The derivative written in the activation's output y, as PyTorch's *_backward take it.
    private static double DerivativeFromOutput(FusedActivation kind, double y) => kind switch
    {
        FusedActivation.ReLU => y <= 0 ? 0 : 1,
        FusedActivation.Tanh => 1 - y * y,
        FusedActivation.Sigmoid => y * (1 - y),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static float[] Inputs(int length, int seed)
    {
        float[] x = Check.RandomFloats(new Random(seed), length, -30, 30);
        for (int i = 0; i < length; i += 2)
        {
            x[i] = Special[(i / 2 + length) % Special.Length];
        }

        return x;
    }

    private static void AssertClose(double expected, float actual, double gradScale, string what)
    {
        if (double.IsNaN(expected))
        {
            Assert.True(float.IsNaN(actual), $"{what}: expected NaN, got {actual:R}");
            return;
        }

        Check.Close(expected, actual, what, Abs * Math.Max(1, Math.Abs(gradScale)), Rel);
    }

    private static void AssertBitwiseEqual(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
            }
        }
    }

    private static float[] Guarded(int length)
    {
        var buffer = new float[length + Guard];
        Array.Fill(buffer, Sentinel);
        return buffer;
    }

    private static void AssertGuardIntact(float[] buffer, int length, string what)
    {
        for (int i = length; i < buffer.Length; i++)
        {
            Assert.True(buffer[i] == Sentinel, $"{what}: wrote {buffer[i]:R} at {i}, past the span's {length} values");
        }
    }

    // ---- NetworkActivations: spans ----

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Apply_MatchesDoubleReference_AndInPlaceIsBitwiseTheSame(FusedActivation kind)
    {
        foreach (int length in Lengths)
        {
            float[] x = Inputs(length, seed: 10 + length);
            float[] y = Guarded(length);
            NetworkActivations.Apply(kind, x, y.AsSpan(0, length));
            AssertGuardIntact(y, length, $"{kind} apply, length {length}");
            for (int i = 0; i < length; i++)
            {
                AssertClose(F(kind, x[i]), y[i], 1, $"{kind}({x[i]:R}), length {length}");
            }

            float[] buffer = (float[])x.Clone();
            NetworkActivations.Apply(kind, buffer, buffer);
            AssertBitwiseEqual(y.AsSpan(0, length), buffer, $"{kind} apply in place, length {length}");
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Backward_MatchesDoubleReference_AndAliasingIsBitwiseTheSame(FusedActivation kind)
    {
        foreach (int length in Lengths)
        {
            float[] x = Inputs(length, seed: 20 + length);
            float[] outputGrad = Check.RandomFloats(new Random(30 + length), length, -2, 2);
            float[] inputGrad = Guarded(length);
            NetworkActivations.Backward(kind, x, outputGrad, inputGrad.AsSpan(0, length));
            AssertGuardIntact(inputGrad, length, $"{kind} backward, length {length}");
            for (int i = 0; i < length; i++)
            {
                AssertClose(outputGrad[i] * Derivative(kind, x[i]), inputGrad[i], outputGrad[i], $"{kind}′({x[i]:R})·{outputGrad[i]:R}, length {length}");
            }

            float[] buffer = (float[])outputGrad.Clone();
            NetworkActivations.Backward(kind, x, buffer, buffer);
            AssertBitwiseEqual(inputGrad.AsSpan(0, length), buffer, $"{kind} backward, inputGrad = outputGrad, length {length}");

            buffer = (float[])x.Clone();
            NetworkActivations.Backward(kind, buffer, outputGrad, buffer);
            AssertBitwiseEqual(inputGrad.AsSpan(0, length), buffer, $"{kind} backward, inputGrad = input, length {length}");
        }
    }

    [Theory]
    [MemberData(nameof(FromOutputKinds))]
    public void BackwardFromOutput_MatchesTheFormulaInTheOutput_AndAliasingIsBitwiseTheSame(FusedActivation kind)
    {
        foreach (int length in Lengths)
        {
            // Outputs of the activation itself, so that they are in its range.
            float[] y = new float[length];
            NetworkActivations.Apply(kind, Inputs(length, seed: 40 + length), y);
            float[] outputGrad = Check.RandomFloats(new Random(50 + length), length, -2, 2);
            float[] inputGrad = Guarded(length);
            NetworkActivations.BackwardFromOutput(kind, y, outputGrad, inputGrad.AsSpan(0, length));
            AssertGuardIntact(inputGrad, length, $"{kind} backward from output, length {length}");
            for (int i = 0; i < length; i++)
            {
                AssertClose(outputGrad[i] * DerivativeFromOutput(kind, y[i]), inputGrad[i], outputGrad[i], $"{kind}′ at y = {y[i]:R}, ·{outputGrad[i]:R}, length {length}");
            }

            float[] buffer = (float[])outputGrad.Clone();
            NetworkActivations.BackwardFromOutput(kind, y, buffer, buffer);
            AssertBitwiseEqual(inputGrad.AsSpan(0, length), buffer, $"{kind} backward from output, inputGrad = outputGrad, length {length}");

            buffer = (float[])y.Clone();
            NetworkActivations.BackwardFromOutput(kind, buffer, outputGrad, buffer);
            AssertBitwiseEqual(inputGrad.AsSpan(0, length), buffer, $"{kind} backward from output, inputGrad = output, length {length}");
        }
    }

    /// <summary>
    /// From the output and from the input agree: exactly for ReLU (y &gt; 0 exactly where x &gt; 0); for Tanh and
    /// Sigmoid up to the rounding of y, which 1 − y² and y(1 − y) turn into an absolute error of a few 1e-8
    /// (hence the absolute term, while y near ±1 or 0 leaves little of the relative one).
    /// </summary>
    [Theory]
    [MemberData(nameof(FromOutputKinds))]
    public void BackwardFromOutput_AgreesWithBackwardFromTheInput(FusedActivation kind)
    {
        foreach (int length in Lengths)
        {
            float[] x = Inputs(length, seed: 60 + length);
            float[] outputGrad = Check.RandomFloats(new Random(70 + length), length, -2, 2);
            var y = new float[length];
            var fromInput = new float[length];
            var fromOutput = new float[length];
            NetworkActivations.Apply(kind, x, y);
            NetworkActivations.Backward(kind, x, outputGrad, fromInput);
            NetworkActivations.BackwardFromOutput(kind, y, outputGrad, fromOutput);
            if (kind == FusedActivation.ReLU)
            {
                AssertBitwiseEqual(fromInput, fromOutput, $"relu′ from output, length {length}");
                continue;
            }

            for (int i = 0; i < length; i++)
            {
                AssertClose(fromInput[i], fromOutput[i], outputGrad[i], $"{kind}′({x[i]:R}) from output, length {length}");
            }
        }
    }

    [Fact]
    public void CanBackwardFromOutput_IsTrueExactlyForReluTanhAndSigmoid()
    {
        Assert.False(NetworkActivations.CanBackwardFromOutput(FusedActivation.None));
        Assert.True(NetworkActivations.CanBackwardFromOutput(FusedActivation.ReLU));
        Assert.True(NetworkActivations.CanBackwardFromOutput(FusedActivation.Tanh));
        Assert.True(NetworkActivations.CanBackwardFromOutput(FusedActivation.Sigmoid));
        Assert.False(NetworkActivations.CanBackwardFromOutput(FusedActivation.Softplus));
        Assert.False(NetworkActivations.CanBackwardFromOutput(FusedActivation.SiLU));
        Assert.False(NetworkActivations.CanBackwardFromOutput((FusedActivation)99));
    }

    [Fact]
    public void UnservedKinds_ThrowArgumentOutOfRange()
    {
        var values = new float[4];
        foreach (FusedActivation kind in new[] { FusedActivation.None, FusedActivation.Softplus, FusedActivation.SiLU, (FusedActivation)99 })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => NetworkActivations.BackwardFromOutput(kind, values, values, values));
            Assert.Equal("activation", e.ParamName);
        }

        Assert.Equal("activation", Assert.Throws<ArgumentOutOfRangeException>(() => NetworkActivations.Apply((FusedActivation)6, values, values)).ParamName);
        Assert.Equal("activation", Assert.Throws<ArgumentOutOfRangeException>(() => NetworkActivations.Backward((FusedActivation)(-1), values, values, values)).ParamName);
    }

    [Fact]
    public void FusedActivation_HasTheAgreedValues()
    {
        Assert.Equal(0, (int)FusedActivation.None);
        Assert.Equal(1, (int)FusedActivation.ReLU);
        Assert.Equal(2, (int)FusedActivation.Tanh);
        Assert.Equal(3, (int)FusedActivation.Sigmoid);
        Assert.Equal(4, (int)FusedActivation.Softplus);
        Assert.Equal(5, (int)FusedActivation.SiLU);
        Assert.Equal(6, Enum.GetValues<FusedActivation>().Length);
    }

    // ---- NetworkActivations: scalars ----

    private static float Scalar(FusedActivation kind, float x) => kind switch
    {
        FusedActivation.ReLU => NetworkActivations.Relu(x),
        FusedActivation.Tanh => NetworkActivations.Tanh(x),
        FusedActivation.Sigmoid => NetworkActivations.Sigmoid(x),
        FusedActivation.Softplus => NetworkActivations.Softplus(x),
        FusedActivation.SiLU => NetworkActivations.SiLU(x),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static TheoryData<FusedActivation> BuiltinKinds => [.. Builtins];

    /// <summary>
    /// The scalar forms against the double formulas and against the span forms (the same math with scalar
    /// exp, log and tanh in place of the vectorised ones, so equal up to those functions' last ulps; ReLU,
    /// a selection, bitwise).
    /// </summary>
    [Theory]
    [MemberData(nameof(BuiltinKinds))]
    public void ScalarForms_MatchDoubleReference_AndTheSpanForms(FusedActivation kind)
    {
        float[] x = [.. Special, .. Check.RandomFloats(new Random(80), 500, -30, 30), .. Check.RandomFloats(new Random(81), 100, -87, -20), .. Check.RandomFloats(new Random(82), 100, -1, 1)];
        var span = new float[x.Length];
        NetworkActivations.Apply(kind, x, span);
        for (int i = 0; i < x.Length; i++)
        {
            float scalar = Scalar(kind, x[i]);
            AssertClose(F(kind, x[i]), scalar, 1, $"scalar {kind}({x[i]:R})");
            if (kind == FusedActivation.ReLU)
            {
                AssertBitwiseEqual([span[i]], [scalar], $"scalar relu({x[i]:R}) against the span form");
            }
            else
            {
                AssertClose(span[i], scalar, 1, $"scalar {kind}({x[i]:R}) against the span form");
            }
        }
    }

    [Fact]
    public void ScalarRelu_KeepsNaN_AndGivesPositiveZero()
    {
        Assert.True(float.IsNaN(NetworkActivations.Relu(float.NaN)));
        Assert.Equal(0, BitConverter.SingleToInt32Bits(NetworkActivations.Relu(-0f)));
        Assert.Equal(0, BitConverter.SingleToInt32Bits(NetworkActivations.Relu(-3f)));
        Assert.Equal(2.5f, NetworkActivations.Relu(2.5f));
    }

    [Fact]
    public void ScalarSoftplus_AboveTheThreshold_IsTheInput_AndFarBelowZeroKeepsItsRelativeAccuracy()
    {
        foreach (float x in new[] { 20.0001f, 21f, 88.8f, 1e30f, float.MaxValue, float.PositiveInfinity })
        {
            Assert.Equal(x, NetworkActivations.Softplus(x));
        }

        // Where log(1 + e) in float would round to 0.
        foreach (float x in new[] { -20f, -30f, -50f, -87f })
        {
            Check.Close(Log1P(Math.Exp(x)), NetworkActivations.Softplus(x), $"softplus({x})", abs: 0, rel: 1e-5);
        }
    }

    // ---- NetworkActivations: user activations through the constraint ----

    /// <summary><c>LeakyReLU(0.2)</c> with its members implemented explicitly: reachable only through the interface.</summary>
    private sealed class LeakyReLU02 : IActivation
    {
        static void IActivation.Forward(ReadOnlySpan<float> input, Span<float> output)
        {
            for (int i = 0; i < input.Length; i++)
            {
                output[i] = input[i] > 0f ? input[i] : 0.2f * input[i];
            }
        }

        static void IActivation.Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad)
        {
            for (int i = 0; i < input.Length; i++)
            {
                inputGrad[i] = input[i] > 0f ? outputGrad[i] : 0.2f * outputGrad[i];
            }
        }
    }

    [Fact]
    public void GenericForms_ReachExplicitlyImplementedUserActivations()
    {
        float[] x = Check.RandomFloats(new Random(90), 33, -3, 3);
        float[] outputGrad = Check.RandomFloats(new Random(91), x.Length, -2, 2);
        var y = new float[x.Length];
        var inputGrad = new float[x.Length];
        NetworkActivations.Forward<LeakyReLU02>(x, y);
        NetworkActivations.Backward<LeakyReLU02>(x, outputGrad, inputGrad);
        for (int i = 0; i < x.Length; i++)
        {
            Check.Close(x[i] > 0 ? x[i] : 0.2 * x[i], y[i], $"leaky({x[i]:R})", abs: 1e-7, rel: 1e-6);
            Check.Close(x[i] > 0 ? outputGrad[i] : 0.2 * outputGrad[i], inputGrad[i], $"leaky′({x[i]:R})", abs: 1e-7, rel: 1e-6);
        }
    }

    [Fact]
    public void GenericForms_OnBuiltInTypes_AreTheTypesThemselves()
    {
        float[] x = Inputs(33, seed: 92);
        float[] outputGrad = Check.RandomFloats(new Random(93), x.Length, -2, 2);
        var viaGeneric = new float[x.Length];
        var viaKind = new float[x.Length];
        NetworkActivations.Forward<SiLU>(x, viaGeneric);
        NetworkActivations.Apply(FusedActivation.SiLU, x, viaKind);
        AssertBitwiseEqual(viaKind, viaGeneric, "SiLU forward, generic and by kind");
        NetworkActivations.Backward<Softplus>(x, outputGrad, viaGeneric);
        NetworkActivations.Backward(FusedActivation.Softplus, x, outputGrad, viaKind);
        AssertBitwiseEqual(viaKind, viaGeneric, "Softplus backward, generic and by kind");
    }

    // ---- SparseKernels.Forward with a fused activation ----

    /// <summary>A random masked layer's tables: CSR by output, inputs ascending within each output.</summary>
    private sealed record Layer(int InputSize, int OutputSize, int[] OutputStarts, int[] ConnectionInputs, float[] Weights, float[] Bias)
    {
        public static Layer Random(int inputSize, int outputSize, double density, bool withBias, int seed, bool denseFirstOutputs = false)
        {
            var random = new Random(seed);
            var starts = new int[outputSize + 1];
            var inputs = new System.Collections.Generic.List<int>();
            for (int o = 0; o < outputSize; o++)
            {
                starts[o] = inputs.Count;
                bool empty = o == outputSize / 2; // an output with no connections
                for (int i = 0; i < inputSize && !empty; i++)
                {
                    // The first eight outputs share one run of inputs: the register-blocked shared-run passes.
                    bool dense = denseFirstOutputs && o < 8 && i >= 3 && i < 3 + Math.Min(40, inputSize - 3);
                    if (dense || random.NextDouble() < density)
                    {
                        inputs.Add(i);
                    }
                }
            }

            starts[outputSize] = inputs.Count;
            float[] weights = Check.RandomFloats(random, inputs.Count, -1, 1);
            float[] bias = withBias ? Check.RandomFloats(random, outputSize, -1, 1) : [];
            return new Layer(inputSize, outputSize, starts, [.. inputs], weights, bias);
        }

        /// <summary>The layer's output for one sample in double, before any activation.</summary>
        public double PreActivation(ReadOnlySpan<float> input, int n, int o)
        {
            double sum = Bias.Length == 0 ? 0 : Bias[o];
            for (int k = OutputStarts[o]; k < OutputStarts[o + 1]; k++)
            {
                sum += (double)Weights[k] * input[n * InputSize + ConnectionInputs[k]];
            }

            return sum;
        }
    }

    public static TheoryData<string> LayerShapes => ["small", "noBias", "manyBlocks", "sharedRuns"];

    private static Layer LayerFor(string shape) => shape switch
    {
        "small" => Layer.Random(37, 23, 0.3, withBias: true, seed: 1),
        "noBias" => Layer.Random(19, 9, 0.5, withBias: false, seed: 2),
        // Wide enough that the forward pass cuts the inputs into several blocks: the activation must wait for all.
        "manyBlocks" => Layer.Random(700, 20, 0.5, withBias: true, seed: 3),
        "sharedRuns" => Layer.Random(64, 24, 0.2, withBias: true, seed: 4, denseFirstOutputs: true),
        _ => throw new ArgumentOutOfRangeException(nameof(shape)),
    };

    /// <summary>
    /// For batches 1 to 70 (below, at and across one and two groups of samples at every width), the fused forward
    /// pass equals the plain one followed by the activation, within 1e-5 relative; bitwise for the activations
    /// whose value does not depend on where it sits in a span (ReLU, Softplus, SiLU). Also against the double
    /// reference, and nothing is written past the output.
    /// </summary>
    [Theory]
    [MemberData(nameof(LayerShapes))]
    public void FusedForward_EqualsPlainForwardThenActivation(string shape)
    {
        Layer layer = LayerFor(shape);
        ConnectionBlocks? blocks = null;
        if (SparseKernels.VectorBits == 0)
        {
            // No batch path on this machine (MinBatch is int.MaxValue): the layers take the per-sample kernels,
            // and the batch entry point says so.
            Assert.Throws<PlatformNotSupportedException>(() =>
            {
                ConnectionBlocks? none = null;
                SparseKernels.Forward(layer.OutputStarts, layer.ConnectionInputs, ref none, layer.Weights, layer.Bias, new float[layer.InputSize], new float[layer.OutputSize], layer.InputSize, layer.OutputSize, FusedActivation.ReLU);
            });
            return;
        }

        for (int batch = 1; batch <= 70; batch++)
        {
            float[] input = Check.RandomFloats(new Random(100 + batch), batch * layer.InputSize, -1, 1);
            int length = batch * layer.OutputSize;
            var pre = new double[length];
            for (int n = 0; n < batch; n++)
            {
                for (int o = 0; o < layer.OutputSize; o++)
                {
                    pre[n * layer.OutputSize + o] = layer.PreActivation(input, n, o);
                }
            }

            var plain = new float[length];
            SparseKernels.Forward(layer.OutputStarts, layer.ConnectionInputs, ref blocks, layer.Weights, layer.Bias, input, plain, layer.InputSize, layer.OutputSize);
            foreach (FusedActivation kind in Builtins)
            {
                var expected = new float[length];
                NetworkActivations.Apply(kind, plain, expected);
                float[] fused = Guarded(length);
                SparseKernels.Forward(layer.OutputStarts, layer.ConnectionInputs, ref blocks, layer.Weights, layer.Bias, input, fused.AsSpan(0, length), layer.InputSize, layer.OutputSize, kind);
                AssertGuardIntact(fused, length, $"{shape} {kind} batch {batch}");
                bool positionFree = kind is FusedActivation.ReLU or FusedActivation.Softplus or FusedActivation.SiLU;
                for (int n = 0; n < batch; n++)
                {
                    for (int o = 0; o < layer.OutputSize; o++)
                    {
                        int at = n * layer.OutputSize + o;
                        string what = $"{shape} {kind} batch {batch} sample {n} output {o}";
                        if (positionFree)
                        {
                            AssertBitwiseEqual([expected[at]], [fused[at]], what);
                        }
                        else
                        {
                            Check.Close(expected[at], fused[at], what, abs: 1e-30, rel: 1e-5);
                        }

                        // The pre-activation sums up to 700 products in float; 1e-4 covers their rounding.
                        Check.Close(F(kind, pre[at]), fused[at], what + " against the double reference", abs: 1e-4, rel: 1e-4);
                    }
                }
            }
        }
    }

    /// <summary>The plain overload and the new one with <see cref="FusedActivation.None"/> give bitwise the same.</summary>
    [Theory]
    [MemberData(nameof(LayerShapes))]
    public void ForwardWithNone_IsBitwiseThePlainForward(string shape)
    {
        if (SparseKernels.VectorBits == 0)
        {
            return; // no batch path on this machine
        }

        Layer layer = LayerFor(shape);
        ConnectionBlocks? blocks = null;
        foreach (int batch in new[] { 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 70, 200 })
        {
            float[] input = Check.RandomFloats(new Random(200 + batch), batch * layer.InputSize, -1, 1);
            int length = batch * layer.OutputSize;
            var plain = new float[length];
            float[] none = Guarded(length);
            SparseKernels.Forward(layer.OutputStarts, layer.ConnectionInputs, ref blocks, layer.Weights, layer.Bias, input, plain, layer.InputSize, layer.OutputSize);
            SparseKernels.Forward(layer.OutputStarts, layer.ConnectionInputs, ref blocks, layer.Weights, layer.Bias, input, none.AsSpan(0, length), layer.InputSize, layer.OutputSize, FusedActivation.None);
            AssertGuardIntact(none, length, $"{shape} None batch {batch}");
            AssertBitwiseEqual(plain, none.AsSpan(0, length), $"{shape} None batch {batch}");
            for (int n = 0; n < batch; n++)
            {
                for (int o = 0; o < layer.OutputSize; o++)
                {
                    Check.Close(layer.PreActivation(input, n, o), plain[n * layer.OutputSize + o], $"{shape} batch {batch} sample {n} output {o}", abs: 1e-4, rel: 1e-4);
                }
            }
        }
    }

    // ---- NetworkScratch ----

    [Fact]
    public void NetworkScratch_ReturnedBuffersAreRentedAgain_GrownNeverShrunk_AndAllocationFree()
    {
        float[] first = NetworkScratch.Rent(100);
        Assert.True(first.Length >= 100);
        NetworkScratch.Return(first);
        float[] smaller = NetworkScratch.Rent(50);
        Assert.Same(first, smaller);
        NetworkScratch.Return(smaller);

        float[] larger = NetworkScratch.Rent(5000);
        Assert.True(larger.Length >= 5000);
        NetworkScratch.Return(larger);
        Assert.Same(larger, NetworkScratch.Rent(100));
        NetworkScratch.Return(larger);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            NetworkScratch.Return(NetworkScratch.Rent(1 + (i * 49)));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>A network whose activation runs another network: the inner one rents memory of its own, and after the first round neither allocates.</summary>
    [Fact]
    public void NetworkScratch_NestedRentsAreDifferentMemory_AndAllocationFreeOnceWarm()
    {
        void Round()
        {
            float[] outer = NetworkScratch.Rent(300);
            outer.AsSpan().Fill(1f);
            float[] inner = NetworkScratch.Rent(300);
            Assert.NotSame(outer, inner);
            inner.AsSpan().Fill(2f);
            NetworkScratch.Return(inner);
            Assert.False(outer.AsSpan(0, 300).ContainsAnyExcept(1f), "the nested rent overwrote the outer buffer");
            NetworkScratch.Return(outer);
        }

        Round();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Round();
        Round();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>Two threads' buffers are different memory: what one writes, the other's never shows.</summary>
    [Fact]
    public void NetworkScratch_OnTwoThreads_IsDifferentMemory()
    {
        float[] mine = NetworkScratch.Rent(256);
        mine.AsSpan().Fill(1f);
        NetworkScratch.Return(mine);
        bool otherSawOnlyItsOwn = false;
        var other = new Thread(() =>
        {
            float[] theirs = NetworkScratch.Rent(256);
            theirs.AsSpan().Fill(2f);
            otherSawOnlyItsOwn = !theirs.AsSpan().ContainsAnyExcept(2f);
            NetworkScratch.Return(theirs);
        });
        other.Start();
        other.Join();

        Assert.True(otherSawOnlyItsOwn);
        float[] again = NetworkScratch.Rent(256);
        Assert.Same(mine, again);
        Assert.False(again.AsSpan().ContainsAnyExcept(1f), "another thread's writes showed in this thread's scratch");
        NetworkScratch.Return(again);
    }

    /// <summary>Apart from the batch kernels' scratch: a layer's batch forward pass leaves the network's intermediates alone.</summary>
    [Fact]
    public void NetworkScratch_SurvivesALayersBatchForward()
    {
        if (SparseKernels.VectorBits == 0)
        {
            return; // no batch path on this machine
        }

        Layer layer = LayerFor("small");
        ConnectionBlocks? blocks = null;
        const int batch = 70;
        float[] rented = NetworkScratch.Rent(batch * (layer.InputSize + layer.OutputSize));
        Span<float> held = rented.AsSpan(0, batch * (layer.InputSize + layer.OutputSize));
        Span<float> input = held[..(batch * layer.InputSize)];
        Span<float> output = held[(batch * layer.InputSize)..];
        Check.RandomFloats(new Random(300), input.Length, -1, 1).CopyTo(input);
        float[] inputCopy = input.ToArray();
        SparseKernels.Forward(layer.OutputStarts, layer.ConnectionInputs, ref blocks, layer.Weights, layer.Bias, input, output, layer.InputSize, layer.OutputSize, FusedActivation.Tanh);
        AssertBitwiseEqual(inputCopy, input, "the network's input in its scratch");
        NetworkScratch.Return(rented);
    }

    // ---- SpanShapes.NetworkBackwardBatch ----

    [Fact]
    public void NetworkBackwardBatch_ReturnsTheTrainingBatch_ForSpansOfItsLength()
    {
        // batch 3, InputSize 5, OutputSize 4.
        Assert.Equal(3, SpanShapes.NetworkBackwardBatch(3, 5, 4, new float[12], new float[15]));
        Assert.Equal(3, SpanShapes.NetworkBackwardBatch(3, 5, 4, new float[12], Span<float>.Empty));
        Assert.Equal(0, SpanShapes.NetworkBackwardBatch(0, 5, 4, [], []));

        // Adjacent spans of one array are fine.
        var shared = new float[27];
        Assert.Equal(3, SpanShapes.NetworkBackwardBatch(3, 5, 4, shared.AsSpan(0, 12), shared.AsSpan(12, 15)));
    }

    [Fact]
    public void NetworkBackwardBatch_BeforeForwardTraining_ThrowsInvalidOperation()
    {
        var e = Assert.Throws<InvalidOperationException>(() => SpanShapes.NetworkBackwardBatch(-1, 5, 4, new float[12], new float[15]));
        Assert.Equal("Backward needs the saved activations of a ForwardTraining call; call ForwardTraining first.", e.Message);
        Assert.Throws<InvalidOperationException>(() => SpanShapes.NetworkBackwardBatch(int.MinValue, 5, 4, [], []));
    }

    [Fact]
    public void NetworkBackwardBatch_WrongOutputGrad_ThrowsNamingTheLengths()
    {
        var e = Assert.Throws<ArgumentException>(() => SpanShapes.NetworkBackwardBatch(3, 5, 4, new float[11], new float[15]));
        Assert.Equal("outputGrad", e.ParamName);
        Assert.Contains("outputGrad has 11 values", e.Message, StringComparison.Ordinal);
        Assert.Contains("batch × OutputSize = 3 × 4 = 12", e.Message, StringComparison.Ordinal);
        Assert.Contains("the batch of the last ForwardTraining", e.Message, StringComparison.Ordinal);

        // A batch of another size than the last ForwardTraining's, even a whole number of rows.
        e = Assert.Throws<ArgumentException>(() => SpanShapes.NetworkBackwardBatch(3, 5, 4, new float[16], []));
        Assert.Equal("outputGrad", e.ParamName);
        Assert.Contains("outputGrad has 16 values", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NetworkBackwardBatch_WrongInputGrad_ThrowsNamingTheLengths()
    {
        var e = Assert.Throws<ArgumentException>(() => SpanShapes.NetworkBackwardBatch(3, 5, 4, new float[12], new float[14]));
        Assert.Equal("inputGrad", e.ParamName);
        Assert.Contains("inputGrad has 14 values", e.Message, StringComparison.Ordinal);
        Assert.Contains("batch × InputSize = 3 × 5 = 15", e.Message, StringComparison.Ordinal);
        Assert.Contains("the batch of the last ForwardTraining", e.Message, StringComparison.Ordinal);

        // batch × size past int.MaxValue is reported, not wrapped.
        e = Assert.Throws<ArgumentException>(() => SpanShapes.NetworkBackwardBatch(1 << 20, 1 << 12, 1, new float[1 << 20], new float[8]));
        Assert.Equal("inputGrad", e.ParamName);
        Assert.Contains("= 4294967296", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NetworkBackwardBatch_InputGradOverlappingOutputGrad_Throws()
    {
        var shared = new float[40];
        var e = Assert.Throws<ArgumentException>(() => SpanShapes.NetworkBackwardBatch(3, 5, 4, shared.AsSpan(0, 12), shared.AsSpan(11, 15)));
        Assert.Equal("inputGrad", e.ParamName);
        Assert.Contains("overlap", e.Message, StringComparison.Ordinal);

        // The same memory, when the sizes agree, overlaps too.
        e = Assert.Throws<ArgumentException>(() => SpanShapes.NetworkBackwardBatch(3, 4, 4, shared.AsSpan(0, 12), shared.AsSpan(0, 12)));
        Assert.Equal("inputGrad", e.ParamName);
    }

    [Fact]
    public void StraightLineSumsAddEachVectorPairwiseInOneFixedOrder()
    {
        // The order (v0 + v1) + (v2 + v3), whatever the instruction set: the same bits as these scalar adds.
        var random = new Random(41);
        float Next() => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-3, 4)));
        for (int round = 0; round < 2000; round++)
        {
            var v = new System.Runtime.Intrinsics.Vector128<float>[4];
            var expected = new float[4];
            for (int j = 0; j < 4; j++)
            {
                float a = Next(), b = Next(), c = Next(), d = Next();
                v[j] = System.Runtime.Intrinsics.Vector128.Create(a, b, c, d);
                expected[j] = (a + b) + (c + d);
            }

            var sums = StraightLine.Sums(v[0], v[1], v[2], v[3]);
            for (int j = 0; j < 4; j++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(expected[j]), BitConverter.SingleToInt32Bits(System.Runtime.Intrinsics.Vector128.GetElement(sums, j)));
                Assert.Equal(BitConverter.SingleToInt32Bits(expected[j]), BitConverter.SingleToInt32Bits(StraightLine.Sum(v[j])));
            }
        }
    }

    [Fact]
    public void StraightLineReluIsTheScalarReluPerElement()
    {
        float[] values = [float.NaN, -0f, 0f, -3f, 2.5f, float.NegativeInfinity, float.PositiveInfinity, float.Epsilon, -float.Epsilon, 1e30f, -1e30f, 0.5f];
        for (int i = 0; i + 4 <= values.Length; i += 4)
        {
            var result = StraightLine.Relu(System.Runtime.Intrinsics.Vector128.Create(values, i));
            for (int j = 0; j < 4; j++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(NetworkActivations.Relu(values[i + j])), BitConverter.SingleToInt32Bits(System.Runtime.Intrinsics.Vector128.GetElement(result, j)));
            }
        }
    }
}
