using System;
using System.IO;
using ScottPlot;
using SkiaSharp;

namespace MadeSample;

/// <summary>The sample's two pictures: drawn digits (SkiaSharp) and the training curve (ScottPlot).</summary>
public static class Pictures
{
    /// <summary>Screen pixels per image pixel in <c>samples.png</c>.</summary>
    private const int Scale = 3;

    /// <summary>Screen pixels between digits.</summary>
    private const int Gap = 4;

    /// <summary>
    /// A grid of <paramref name="columns"/> digits per row from <paramref name="images"/> (<c>[n, 784]</c>, 0 or 1),
    /// white on black like MNIST, as PNG.
    /// </summary>
    public static byte[] DigitGrid(ReadOnlySpan<float> images, int columns)
    {
        int count = images.Length / Digits.Pixels;
        int rows = (count + columns - 1) / columns;
        int side = 28 * Scale;
        using var bitmap = new SKBitmap(Gap + columns * (side + Gap), Gap + rows * (side + Gap), SKColorType.Gray8, SKAlphaType.Opaque);
        Span<byte> pixels = bitmap.GetPixelSpan();
        pixels.Fill(96); // grey gaps between black digit tiles
        int stride = bitmap.RowBytes;
        for (int n = 0; n < count; n++)
        {
            int left = Gap + (n % columns) * (side + Gap), top = Gap + (n / columns) * (side + Gap);
            for (int y = 0; y < side; y++)
            {
                for (int x = 0; x < side; x++)
                {
                    pixels[(top + y) * stride + left + x] = images[n * Digits.Pixels + (y / Scale) * 28 + x / Scale] >= 0.5f ? (byte)255 : (byte)0;
                }
            }
        }

        using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    /// <summary>Train and test NLL per epoch, with PyTorch's test NLL at the epochs the reference reports, as PNG.</summary>
    public static byte[] Curve(double[] train, double[] test, (int Epoch, double TestNll)[] reference)
    {
        var plot = new Plot();
        double[] epochs = new double[train.Length];
        for (int e = 0; e < epochs.Length; e++)
        {
            epochs[e] = e + 1;
        }

        var trainLine = plot.Add.Scatter(epochs, train);
        trainLine.LegendText = "train NLL (this sample)";
        trainLine.MarkerSize = 0;
        var testLine = plot.Add.Scatter(epochs, test);
        testLine.LegendText = "test NLL (this sample)";
        testLine.MarkerSize = 0;
        var torch = plot.Add.Markers(Array.ConvertAll(reference, r => (double)r.Epoch), Array.ConvertAll(reference, r => r.TestNll));
        torch.LegendText = "test NLL (libtorch, same recipe)";
        torch.MarkerSize = 9;
        plot.Title("MADE 784→500→784 on binarized MNIST digits");
        plot.XLabel("epoch");
        plot.YLabel("NLL (nats per image)");
        plot.ShowLegend(Alignment.UpperRight);
        return plot.GetImage(900, 560).GetImageBytes(ImageFormat.Png);
    }

    /// <summary>Writes <paramref name="bytes"/> beside <paramref name="path"/> and moves them into place: never a half-written file.</summary>
    public static void Write(string path, byte[] bytes)
    {
        string temporary = path + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }
}
