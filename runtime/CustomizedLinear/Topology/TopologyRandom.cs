// The mask builders' random number generator: xoshiro256** seeded by SplitMix64, with unbiased bounded
// integers (Lemire's method) and doubles from the top 53 bits. Written out here, not System.Random, so that a
// seed gives the same masks on every machine and every .NET version.
using System;
using System.Numerics;
using System.Runtime.CompilerServices;

// The generator is internal; the runtime tests check it against the published reference outputs.

namespace CustomizedLinear;

/// <summary>
/// xoshiro256** 1.0 (D. Blackman and S. Vigna, "Scrambled linear pseudorandom number generators", ACM TOMS 47(4),
/// 2021; reference code at https://prng.di.unimi.it/xoshiro256starstar.c). The 256-bit state is filled from the
/// 64-bit seed by four outputs of SplitMix64 (https://prng.di.unimi.it/splitmix64.c), as the authors recommend.
/// </summary>
/// <remarks>
/// Part of the masks' contract: changing any step here changes every seeded mask (the golden files in
/// tests/CustomizedLinear.Runtime.Tests/Fixtures/masks/ catch that).
/// </remarks>
internal sealed class TopologyRandom
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Seeds the state with the first four SplitMix64 outputs for <paramref name="seed"/>.</summary>
    public TopologyRandom(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>Starts from a raw state (reference vectors); the state must not be all zero.</summary>
    internal TopologyRandom(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
    }

    /// <summary>One SplitMix64 step (Steele, Lea and Flood, OOPSLA 2014): advances <paramref name="x"/> and mixes it.</summary>
    internal static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>
    /// A uniform integer in [0, <paramref name="bound"/>), <paramref name="bound"/> ≥ 1, by Lemire's multiply-and-reject
    /// ("Fast random integer generation in an interval", ACM TOMACS 29(1), 2019): no modulo bias.
    /// </summary>
    public ulong NextBelow(ulong bound)
    {
        UInt128 product = (UInt128)NextUInt64() * bound;
        ulong low = (ulong)product;
        if (low < bound)
        {
            // The low words below 2^64 mod bound would make some results one draw more likely: redraw them.
            ulong threshold = (0UL - bound) % bound;
            while (low < threshold)
            {
                product = (UInt128)NextUInt64() * bound;
                low = (ulong)product;
            }
        }
        return (ulong)(product >> 64);
    }

    /// <summary>A uniform integer in [<paramref name="min"/>, <paramref name="maxInclusive"/>].</summary>
    public int NextInt(int min, int maxInclusive)
        => min + (int)NextBelow((ulong)((long)maxInclusive - min + 1));

    /// <summary>A uniform double in [0, 1): the top 53 bits times 2^−53, so every value is a multiple of 2^−53.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
