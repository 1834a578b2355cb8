// The mask builders' generator against published reference outputs and a second, plainer implementation.
using System;
using System.Numerics;
using Xunit;

namespace CustomizedLinear.Runtime.Tests;

public class TopologyRandomTests
{
    [Fact]
    public void SplitMix64_MatchesPublishedOutputs()
    {
        // The first outputs of splitmix64.c for seeds 0 and 1234567, as quoted with the reference code.
        ulong x = 0;
        Assert.Equal(0xE220A8397B1DCDAFUL, TopologyRandom.SplitMix64(ref x));
        Assert.Equal(0x6E789E6AA1B965F4UL, TopologyRandom.SplitMix64(ref x));
        Assert.Equal(0x06C45D188009454FUL, TopologyRandom.SplitMix64(ref x));
        Assert.Equal(0xF88BB8A8724C81ECUL, TopologyRandom.SplitMix64(ref x));

        x = 1234567;
        Assert.Equal(6457827717110365317UL, TopologyRandom.SplitMix64(ref x));
        Assert.Equal(3203168211198807973UL, TopologyRandom.SplitMix64(ref x));
        Assert.Equal(9817491932198370423UL, TopologyRandom.SplitMix64(ref x));
    }

    [Fact]
    public void Xoshiro256StarStar_MatchesReferenceVector()
    {
        // xoshiro256starstar.c from the state {1, 2, 3, 4} (the vector rand_xoshiro tests against).
        var random = new TopologyRandom(1, 2, 3, 4);
        ulong[] expected = [11520, 0, 1509978240, 1215971899390074240, 1216172134540287360, 607988272756665600];
        foreach (ulong value in expected)
        {
            Assert.Equal(value, random.NextUInt64());
        }
    }

    [Fact]
    public void SeededStream_MatchesPlainImplementation()
    {
        foreach (ulong seed in new ulong[] { 0, 1, 42, ulong.MaxValue })
        {
            var random = new TopologyRandom(seed);
            var plain = new PlainXoshiro(seed);
            for (int n = 0; n < 1000; n++)
            {
                Assert.Equal(plain.Next(), random.NextUInt64());
            }
        }

        // Hand-checked with an independent Python transcription of the reference C code.
        var zero = new TopologyRandom(0);
        Assert.Equal(0x99EC5F36CB75F2B4UL, zero.NextUInt64());
        Assert.Equal(0xBF6E1F784956452AUL, zero.NextUInt64());
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(7UL)]
    [InlineData(1000UL)]
    [InlineData((1UL << 63) + 1)] // rejects almost half the draws
    [InlineData(ulong.MaxValue)]
    public void NextBelow_MatchesRejectionReference(ulong bound)
    {
        var random = new TopologyRandom(5);
        var plain = new PlainXoshiro(5);
        for (int n = 0; n < 2000; n++)
        {
            ulong value = random.NextBelow(bound);
            Assert.True(value < bound);
            Assert.Equal(plain.Below(bound), value);
        }
    }

    [Fact]
    public void NextInt_CoversTheInclusiveRangeUniformly()
    {
        var random = new TopologyRandom(9);
        var counts = new int[5];
        const int draws = 50_000;
        for (int n = 0; n < draws; n++)
        {
            counts[random.NextInt(3, 7) - 3]++;
        }
        // Binomial(50000, 0.2): σ ≈ 89; 5σ.
        foreach (int count in counts)
        {
            Assert.InRange(count, 10_000 - 450, 10_000 + 450);
        }
    }

    [Fact]
    public void NextDouble_IsTheTop53BitsOverTwoTo53()
    {
        var random = new TopologyRandom(11);
        var plain = new PlainXoshiro(11);
        for (int n = 0; n < 1000; n++)
        {
            double value = random.NextDouble();
            Assert.InRange(value, 0.0, 1.0 - Math.Pow(2, -53));
            Assert.Equal((double)(plain.Next() >> 11) / 9007199254740992.0, value);
        }
    }

    /// <summary>
    /// The algorithms written out again as literally as the papers put them: BigInteger for the 128-bit product,
    /// the threshold by BigInteger modulo, rotations by shifts.
    /// </summary>
    private sealed class PlainXoshiro
    {
        private readonly ulong[] _s = new ulong[4];

        public PlainXoshiro(ulong seed)
        {
            ulong x = seed;
            for (int k = 0; k < 4; k++)
            {
                unchecked
                {
                    x += 0x9E3779B97F4A7C15UL;
                    ulong z = x;
                    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                    z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                    _s[k] = z ^ (z >> 31);
                }
            }
        }

        private static ulong Rotl(ulong x, int k) => (x << k) | (x >> (64 - k));

        public ulong Next()
        {
            ulong result = unchecked(Rotl(unchecked(_s[1] * 5), 7) * 9);
            ulong t = _s[1] << 17;
            _s[2] ^= _s[0];
            _s[3] ^= _s[1];
            _s[1] ^= _s[2];
            _s[0] ^= _s[3];
            _s[2] ^= t;
            _s[3] = Rotl(_s[3], 45);
            return result;
        }

        public ulong Below(ulong bound)
        {
            BigInteger twoTo64 = BigInteger.One << 64;
            BigInteger threshold = twoTo64 % bound;
            while (true)
            {
                BigInteger product = (BigInteger)Next() * bound;
                if (product % twoTo64 >= threshold)
                {
                    return (ulong)(product >> 64);
                }
            }
        }
    }
}
