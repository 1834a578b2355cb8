using System;
using Xunit;

namespace CustomizedLinear.Runtime.Tests;

/// <summary>
/// The activation types (<see cref="IActivation"/>), every call made as the generator will make it: through a
/// <c>where T : IActivation</c> constraint (<see cref="Apply{T}"/>, <see cref="ApplyBackward{T}"/>).
/// </summary>
/// <remarks>
/// Tolerances against the double references: <c>|actual − expected| ≤ 2e-6 · max(1, |outputGrad|) + 2e-6 · |expected|</c>,
/// and NaN exactly where the reference is NaN. A float carries 2^−24 ≈ 6e-8 relative rounding; the vectorised
/// exp, log and tanh behind the activations are a few ulps off (exp(0) comes out one ulp above 1), and an
/// activation composes up to five operations, so the relative term (~30 ulps) has room to spare. The absolute
/// term is for results near 0, where a relative bound means nothing: tanh near 0 (TensorPrimitives' tanh is
/// about 1e-7 off there, already so in <see cref="Activation.Tanh"/>), SiLU′ near its zero at x ≈ −1.28
/// (1 + x(1 − σ) cancels), σ's absolute rounding (6e-8) times x in SiLU′'s x(1 − σ) (below 1e-6 for x ≤ 17,
/// above which σ rounds to 1), and the exponentials that underflow below −88 (true SiLU(−100) ≈ −3.7e-42,
/// float gives −0). It is scaled by |outputGrad| (≤ 2 here) for the gradients, which are multiplied by it.
/// </remarks>
public class ActivationTypeTests
{
    private delegate void ForwardFn(ReadOnlySpan<float> input, Span<float> output);

    private delegate void BackwardFn(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad);

    private const double Abs = 2e-6;
    private const double Rel = 2e-6;

    // Empty, one value, under / at / over one 8-lane vector, several vectors plus a tail, and a batch
    // (longer than TensorPrimitives compositions' 256-value blocks and not a multiple of them).
    private static readonly int[] Lengths = [0, 1, 7, 8, 9, 33, 1000];

    // 0 and ±tiny (a subnormal too), ±1, both sides of Softplus's threshold, where exp(±x) is huge or
    // underflows (±50, ±100), far beyond float's exp range (±1e30, ±MaxValue), and NaN.
    private static readonly float[] Special =
    [
        0f, -0f, float.Epsilon, -float.Epsilon, 1e-30f, -1e-30f, 1f, -1f, 20f, -20f, 20.0001f, -20.0001f,
        50f, -50f, 100f, -100f, 1e30f, -1e30f, float.MaxValue, -float.MaxValue, float.NaN,
    ];

    public static TheoryData<string> Names => ["ReLU", "Tanh", "Sigmoid", "Softplus", "SiLU"];

    private static void Apply<T>(ReadOnlySpan<float> input, Span<float> output)
        where T : IActivation => T.Forward(input, output);

    private static void ApplyBackward<T>(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad)
        where T : IActivation => T.Backward(input, outputGrad, inputGrad);

    private sealed record Case(string Name, ForwardFn Forward, BackwardFn Backward, Func<double, double> F, Func<double, double> Derivative);

    private static Case For<T>(string name, Func<double, double> f, Func<double, double> derivative)
        where T : IActivation => new(name, Apply<T>, ApplyBackward<T>, f, derivative);

    // References in double, from the definitions (PyTorch's where it decides an edge):
    // relu = max(x, 0), relu′ = x <= 0 ? 0 : 1 (0 at 0; threshold_backward passes the gradient where x is NaN);
    // tanh′ = 1 − tanh²; σ = 1 / (1 + e^−x), σ′ = σ(1 − σ);
    // softplus = x > 20 ? x : log(1 + e^x), softplus′ = x > 20 ? 1 : σ(x);
    // silu = x·σ(x), silu′ = σ(x)(1 + x(1 − σ(x))).
    private static Case Get(string name) => name switch
    {
        "ReLU" => For<ReLU>(name, x => Math.Max(x, 0), x => x <= 0 ? 0 : 1),
        "Tanh" => For<Tanh>(name, Math.Tanh, x => 1 - Math.Tanh(x) * Math.Tanh(x)),
        "Sigmoid" => For<Sigmoid>(name, Sigma, x => Sigma(x) * (1 - Sigma(x))),
        "Softplus" => For<Softplus>(name, x => x > 20 ? x : Log1P(Math.Exp(x)), x => x > 20 ? 1 : Sigma(x)),
        "SiLU" => For<SiLU>(name, x => x * Sigma(x), x => Sigma(x) * (1 + x * (1 - Sigma(x)))),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static double Sigma(double x) => 1 / (1 + Math.Exp(-x));

    // log(1 + e) in double loses e's low digits when e is small (and all of e below 1e-16), which Softplus far
    // below 0 is made of; there the series e − e²/2 + e³/3 is exact to 1e-12 relative (next term e⁴/4).
    private static double Log1P(double e) => e < 1e-4 ? e * (1 - e * (0.5 - e / 3)) : Math.Log(1 + e);

    /// <summary>Special values in every other slot (a different lane for each length), random ones in [−30, 30] between.</summary>
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

        Check.Close(expected, actual, what, Abs * Math.Max(1, Math.Abs(gradScale)), Rel); // fails on NaN or ∞ too
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

    private const int Guard = 16;
    private const float Sentinel = 12345f;

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

    [Theory]
    [MemberData(nameof(Names))]
    public void Forward_MatchesDoubleReference(string name)
    {
        Case c = Get(name);
        foreach (int length in Lengths)
        {
            float[] x = Inputs(length, seed: 60 + length);
            float[] y = Guarded(length);
            c.Forward(x, y.AsSpan(0, length));
            AssertGuardIntact(y, length, $"{name} forward, length {length}");
            for (int i = 0; i < length; i++)
            {
                AssertClose(c.F(x[i]), y[i], 1, $"{name}({x[i]:R}), length {length}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Backward_MatchesDoubleReference(string name)
    {
        Case c = Get(name);
        foreach (int length in Lengths)
        {
            float[] x = Inputs(length, seed: 70 + length);
            float[] outputGrad = Check.RandomFloats(new Random(80 + length), length, -2, 2);
            float[] inputGrad = Guarded(length);
            c.Backward(x, outputGrad, inputGrad.AsSpan(0, length));
            AssertGuardIntact(inputGrad, length, $"{name} backward, length {length}");
            for (int i = 0; i < length; i++)
            {
                AssertClose(outputGrad[i] * c.Derivative(x[i]), inputGrad[i], outputGrad[i], $"{name}′({x[i]:R})·{outputGrad[i]:R}, length {length}");
            }
        }
    }

    /// <summary>
    /// Backward against central differences of the type's own float Forward (h = 0.01): the truncation error
    /// h²/6·|f‴| is below 5e-5 for these functions, and rounding f(x ± h) to float (an ulp of 20 is 2e-6,
    /// divided by 2h) adds up to 1e-4 · |outputGrad| near ±20, hence abs 1e-4 · max(1, |outputGrad|), rel 1e-3.
    /// </summary>
    [Theory]
    [MemberData(nameof(Names))]
    public void Backward_MatchesFiniteDifferences(string name)
    {
        const float h = 1e-2f;
        Case c = Get(name);
        var random = new Random(90);
        float[] x = [.. Check.RandomFloats(random, 200, -6, 6), .. Check.RandomFloats(random, 50, 15, 25), .. Check.RandomFloats(random, 50, -25, -15)];
        float[] outputGrad = Check.RandomFloats(new Random(91), x.Length, -2, 2);
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
            if (name == "ReLU" && Math.Abs(x[i]) < 2 * h)
            {
                continue; // the kink
            }

            double numeric = outputGrad[i] * ((double)yPlus[i] - yMinus[i]) / ((double)plus[i] - minus[i]);
            Check.Close(numeric, inputGrad[i], $"{name} backward at {x[i]:R}", abs: 1e-4 * Math.Max(1, Math.Abs(outputGrad[i])), rel: 1e-3);
            checkedCount++;
        }

        Assert.True(checkedCount > 250, $"only {checkedCount} points checked");
    }

    /// <summary>
    /// Far below 0 Sigmoid, Softplus and SiLU (and their gradients) are tiny, down to 1e-38, which the absolute
    /// term of the tolerance would let a result of 0 pass. Relative to the reference, with no absolute term:
    /// 1e-5 (~170 ulps; the results are a few exact-rounded or few-ulp operations on exp(x), so they are far
    /// closer, but a lost log1p, log(1 + e) = 0 for e &lt; 6e-8, is off by 100%). Stops at −87, above which
    /// exp(x) is still a normal float. Not ReLU (exactly 0) nor Tanh, whose gradient 1 − tanh² is 0 once tanh
    /// rounds to −1 (below about −9), as PyTorch's, computed from the output, is.
    /// </summary>
    [Theory]
    [InlineData("Sigmoid")]
    [InlineData("Softplus")]
    [InlineData("SiLU")]
    public void FarBelowZero_TinyResultsKeepTheirRelativeAccuracy(string name)
    {
        Case c = Get(name);
        float[] x = [.. Check.RandomFloats(new Random(95), 200, -87, -10), -20f, -20.0001f, -50f, -87f];
        float[] outputGrad = Check.RandomFloats(new Random(96), x.Length, 0.5, 2);
        var y = new float[x.Length];
        var inputGrad = new float[x.Length];
        c.Forward(x, y);
        c.Backward(x, outputGrad, inputGrad);
        for (int i = 0; i < x.Length; i++)
        {
            Check.Close(c.F(x[i]), y[i], $"{name}({x[i]:R})", abs: 0, rel: 1e-5);
            Check.Close(outputGrad[i] * c.Derivative(x[i]), inputGrad[i], $"{name}′({x[i]:R})·{outputGrad[i]:R}", abs: 0, rel: 1e-5);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void InPlace_GivesBitwiseTheSameAsSeparateBuffers(string name)
    {
        Case c = Get(name);
        foreach (int length in new[] { 9, 1000 })
        {
            float[] x = Inputs(length, seed: 100 + length);
            float[] outputGrad = Check.RandomFloats(new Random(110 + length), length, -2, 2);
            var y = new float[length];
            c.Forward(x, y);
            var inputGrad = new float[length];
            c.Backward(x, outputGrad, inputGrad);

            // Forward: output is input.
            float[] buffer = (float[])x.Clone();
            c.Forward(buffer, buffer);
            AssertBitwiseEqual(y, buffer, $"{name} forward in place");

            // Backward: inputGrad is outputGrad.
            buffer = (float[])outputGrad.Clone();
            c.Backward(x, buffer, buffer);
            AssertBitwiseEqual(inputGrad, buffer, $"{name} backward, inputGrad = outputGrad");

            // Backward: inputGrad is input.
            buffer = (float[])x.Clone();
            c.Backward(buffer, outputGrad, buffer);
            AssertBitwiseEqual(inputGrad, buffer, $"{name} backward, inputGrad = input");

            // Backward: all three are the same memory.
            var expectedAll = new float[length];
            c.Backward(x, x, expectedAll);
            buffer = (float[])x.Clone();
            c.Backward(buffer, buffer, buffer);
            AssertBitwiseEqual(expectedAll, buffer, $"{name} backward, all three the same");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void LengthMismatch_ThrowsNamingTheSpanAndTheExpectedLength(string name)
    {
        Case c = Get(name);
        var x = new float[5];

        ArgumentException output = Assert.Throws<ArgumentException>(() => c.Forward(x, new float[4]));
        Assert.Equal("output", output.ParamName);
        Assert.Contains("input.Length = 5", output.Message, StringComparison.Ordinal);

        ArgumentException outputGrad = Assert.Throws<ArgumentException>(() => c.Backward(x, new float[6], new float[5]));
        Assert.Equal("outputGrad", outputGrad.ParamName);
        Assert.Contains("input.Length = 5", outputGrad.Message, StringComparison.Ordinal);

        ArgumentException inputGrad = Assert.Throws<ArgumentException>(() => c.Backward(x, new float[5], new float[4]));
        Assert.Equal("inputGrad", inputGrad.ParamName);
        Assert.Contains("input.Length = 5", inputGrad.Message, StringComparison.Ordinal);

        // Empty is fine.
        c.Forward([], []);
        c.Backward([], [], []);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void PartialOverlap_ThrowsNamingTheSpan(string name)
    {
        Case c = Get(name);
        var shared = new float[40];
        var other = new float[10];
        var another = new float[10];

        Assert.Equal("output", Assert.Throws<ArgumentException>(() => c.Forward(shared.AsSpan(0, 10), shared.AsSpan(5, 10))).ParamName);
        Assert.Equal("inputGrad", Assert.Throws<ArgumentException>(() => c.Backward(shared.AsSpan(0, 10), other, shared.AsSpan(1, 10))).ParamName);
        Assert.Equal("inputGrad", Assert.Throws<ArgumentException>(() => c.Backward(other, shared.AsSpan(3, 10), shared.AsSpan(0, 10))).ParamName);
        Assert.Equal("outputGrad", Assert.Throws<ArgumentException>(() => c.Backward(shared.AsSpan(0, 10), shared.AsSpan(9, 10), another)).ParamName);

        // Adjacent (non-overlapping) spans of the same array are fine.
        c.Forward(shared.AsSpan(0, 10), shared.AsSpan(10, 10));
        c.Backward(shared.AsSpan(0, 10), shared.AsSpan(10, 10), shared.AsSpan(20, 10));
    }

    /// <summary>
    /// One sample gives bitwise what the same value gives inside a batch, at any lane: true of the types on the
    /// vector loop (its tail is a padded vector) and of ReLU's exact maximum. Not claimed for Tanh and Sigmoid,
    /// whose TensorPrimitives calls may take another path for short spans.
    /// </summary>
    [Theory]
    [InlineData("ReLU")]
    [InlineData("Softplus")]
    [InlineData("SiLU")]
    public void AValue_GivesTheSameResultWhateverTheSpanLength(string name)
    {
        Case c = Get(name);
        float[] batch = Inputs(1000, seed: 120);
        float[] outputGrad = Check.RandomFloats(new Random(121), batch.Length, -2, 2);
        var y = new float[batch.Length];
        var inputGrad = new float[batch.Length];
        c.Forward(batch, y);
        c.Backward(batch, outputGrad, inputGrad);

        foreach (int length in new[] { 1, 7, 9, 33 })
        {
            for (int start = 0; start + length <= 100; start += length)
            {
                var ySlice = new float[length];
                var gradSlice = new float[length];
                c.Forward(batch.AsSpan(start, length), ySlice);
                c.Backward(batch.AsSpan(start, length), outputGrad.AsSpan(start, length), gradSlice);
                AssertBitwiseEqual(y.AsSpan(start, length), ySlice, $"{name} forward of [{start}, {start + length})");
                AssertBitwiseEqual(inputGrad.AsSpan(start, length), gradSlice, $"{name} backward of [{start}, {start + length})");
            }
        }
    }

    [Fact]
    public void ReLU_Backward_IsZeroAtZero_AndPassesTheGradientWhereTheInputIsNaN()
    {
        float[] x = [0f, -0f, float.Epsilon, -float.Epsilon, float.NaN, 1f, -1f, 0f, 0f];
        float[] outputGrad = [3f, 3f, 3f, 3f, 3f, 3f, 3f, 3f, float.NaN];
        var inputGrad = new float[x.Length];
        ApplyBackward<ReLU>(x, outputGrad, inputGrad);
        AssertBitwiseEqual([0f, 0f, 3f, 0f, 3f, 3f, 0f, 0f, 0f], inputGrad, "relu′");
    }

    [Fact]
    public void Softplus_AboveTheThreshold_IsTheInputWithGradientOne()
    {
        float[] x = [20.0001f, 20.5f, 21f, 50f, 88.8f, 100f, 1e30f, float.MaxValue, 20.0001f, 30f, 40f];
        float[] outputGrad = Check.RandomFloats(new Random(130), x.Length, -2, 2);
        var y = new float[x.Length];
        var inputGrad = new float[x.Length];
        Apply<Softplus>(x, y);
        ApplyBackward<Softplus>(x, outputGrad, inputGrad);
        AssertBitwiseEqual(x, y, "softplus above 20");
        AssertBitwiseEqual(outputGrad, inputGrad, "softplus′ above 20");

        // At 20 itself PyTorch still takes log1p(exp(20)) = 20 + 2.1e-9, which is 20 in float.
        Apply<Softplus>([20f], y.AsSpan(0, 1));
        Assert.Equal(20f, y[0]);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void BuiltInTypes_AreSealedClasses(string name)
    {
        Type type = name switch
        {
            "ReLU" => typeof(ReLU),
            "Tanh" => typeof(Tanh),
            "Sigmoid" => typeof(Sigmoid),
            "Softplus" => typeof(Softplus),
            "SiLU" => typeof(SiLU),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        Assert.True(type.IsClass && type.IsSealed && type.IsPublic, $"{type} is not a public sealed class");
        Assert.True(typeof(IActivation).IsAssignableFrom(type));
        Assert.Equal(nameof(CustomizedLinear), type.Namespace);
    }

    /// <summary>
    /// <c>LeakyReLU(0.2)</c> as a user writes it: members implemented explicitly, so reachable only through the
    /// interface, as in the generator's <c>T.Forward(...)</c>.
    /// </summary>
    private sealed class LeakyReLU02 : IActivation
    {
        private const float Slope = 0.2f;

        static void IActivation.Forward(ReadOnlySpan<float> input, Span<float> output)
        {
            for (int i = 0; i < input.Length; i++)
            {
                output[i] = input[i] > 0f ? input[i] : Slope * input[i];
            }
        }

        static void IActivation.Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> inputGrad)
        {
            for (int i = 0; i < input.Length; i++)
            {
                inputGrad[i] = input[i] > 0f ? outputGrad[i] : Slope * outputGrad[i];
            }
        }
    }

    [Fact]
    public void UserActivation_WithExplicitlyImplementedMembers_WorksThroughTheConstraint()
    {
        float[] x = [-2f, -0.5f, 0f, 0.5f, 3f, -1e30f];
        float[] outputGrad = [1f, 2f, 3f, 4f, 5f, 6f];
        var y = new float[x.Length];
        var inputGrad = new float[x.Length];

        Apply<LeakyReLU02>(x, y);
        ApplyBackward<LeakyReLU02>(x, outputGrad, inputGrad);

        Assert.Equal([0.2f * -2f, 0.2f * -0.5f, 0f, 0.5f, 3f, 0.2f * -1e30f], y);
        Assert.Equal([0.2f * 1f, 0.2f * 2f, 0.2f * 3f, 4f, 5f, 0.2f * 6f], inputGrad);

        // And in place, as for the built-in types.
        Apply<LeakyReLU02>(x, x);
        Assert.Equal(y, x);
    }

    public static TheoryData<string> LegacyNames => ["ReLU", "Tanh", "Sigmoid"];

    /// <summary>The old <see cref="Activation"/> methods and the types are one implementation: bitwise the same.</summary>
    [Theory]
    [MemberData(nameof(LegacyNames))]
    public void ActivationMethods_AgreeBitwiseWithTheTypes(string name)
    {
        Case c = Get(name);
        (ForwardFn forward, BackwardFn backward) = name switch
        {
            "ReLU" => ((ForwardFn)Activation.Relu, (BackwardFn)Activation.ReluBackward),
            "Tanh" => (Activation.Tanh, Activation.TanhBackward),
            "Sigmoid" => (Activation.Sigmoid, Activation.SigmoidBackward),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };

        foreach (int length in Lengths)
        {
            float[] x = Inputs(length, seed: 140 + length);
            float[] outputGrad = Check.RandomFloats(new Random(150 + length), length, -2, 2);
            var expected = new float[length];
            var actual = new float[length];

            c.Forward(x, expected);
            forward(x, actual);
            AssertBitwiseEqual(expected, actual, $"Activation.{name} forward, length {length}");

            c.Backward(x, outputGrad, expected);
            backward(x, outputGrad, actual);
            AssertBitwiseEqual(expected, actual, $"Activation.{name} backward, length {length}");
        }
    }
}
