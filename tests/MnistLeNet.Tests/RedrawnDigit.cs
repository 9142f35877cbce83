using SkiaSharp;

namespace MnistLeNet.Tests;

/// <summary>
/// An MNIST test digit redrawn as a "photo": ink of a given colour on a larger, unevenly lit, noisy page,
/// scaled and moved, as RGBA pixels (and encoded as PNG, JPEG or BMP). What is expected back from the
/// preprocessing is known: the original digit.
/// </summary>
public sealed record RedrawnDigit(byte[] Rgba, int Width, int Height)
{
    /// <param name="index">the MNIST test image</param>
    /// <param name="scale">how many page pixels one MNIST pixel becomes</param>
    /// <param name="ink">ink colour (default near-black)</param>
    /// <param name="page">the page's colour in its lightest corner (default off-white)</param>
    /// <param name="lighting">how much darker the far corner is (0..1)</param>
    public static RedrawnDigit Of(int index, int width = 120, int height = 100, double scale = 2.5, int left = 20, int top = 10,
        (byte R, byte G, byte B)? ink = null, (byte R, byte G, byte B)? page = null, double noise = 0.03, double lighting = 0.15, int seed = 0)
    {
        var digit = Mnist.Test.Pixels(index);
        var (inkColour, pageColour) = (ink ?? (20, 20, 30), page ?? (240, 235, 225));
        var random = new Random(seed);
        var rgba = new byte[4 * width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double light = 1 - lighting * (x + y) / (width + height);           // uneven lighting: darker towards the bottom right
                double v = Bilinear(digit, (x - left) / scale - 0.5, (y - top) / scale - 0.5);
                double n = noise * (random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5) * 2;
                byte Channel(byte p, byte i) => (byte)Math.Clamp(Math.Round(light * ((1 - v) * p + v * i) + 255 * n), 0, 255);
                int o = 4 * (y * width + x);
                (rgba[o], rgba[o + 1], rgba[o + 2], rgba[o + 3]) = (Channel(pageColour.R, inkColour.R), Channel(pageColour.G, inkColour.G), Channel(pageColour.B, inkColour.B), 255);
            }
        return new RedrawnDigit(rgba, width, height);
    }

    /// <summary>A page without a digit.</summary>
    public static RedrawnDigit Blank(int width = 120, int height = 100, double noise = 0.03) => Of(0, width, height, left: 10 * width, noise: noise);

    public byte[] Encode(SKEncodedImageFormat format, int quality = 90)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        System.Runtime.InteropServices.Marshal.Copy(Rgba, 0, bitmap.GetPixels(), Rgba.Length);
        using var data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    /// <summary>A 24-bit BMP file (SkiaSharp reads BMP but does not write it).</summary>
    public byte[] Bmp()
    {
        int stride = (3 * Width + 3) / 4 * 4;
        using var file = new MemoryStream();
        using var w = new BinaryWriter(file);
        w.Write((byte)'B'); w.Write((byte)'M'); w.Write(54 + stride * Height); w.Write(0); w.Write(54);
        w.Write(40); w.Write(Width); w.Write(Height); w.Write((short)1); w.Write((short)24); w.Write(0); w.Write(stride * Height);
        w.Write(2835); w.Write(2835); w.Write(0); w.Write(0);
        for (int y = Height - 1; y >= 0; y--)    // bottom row first
        {
            for (int x = 0; x < Width; x++)
            {
                int o = 4 * (y * Width + x);
                w.Write(Rgba[o + 2]); w.Write(Rgba[o + 1]); w.Write(Rgba[o]);
            }
            for (int p = 3 * Width; p < stride; p++) w.Write((byte)0);
        }
        w.Flush();
        return file.ToArray();
    }

    static double Bilinear(float[,] digit, double x, double y)
    {
        int x0 = (int)Math.Floor(x), y0 = (int)Math.Floor(y);
        double fx = x - x0, fy = y - y0;
        double At(int i, int j) => i < 0 || j < 0 || i > 27 || j > 27 ? 0 : digit[j, i];
        return (1 - fy) * ((1 - fx) * At(x0, y0) + fx * At(x0 + 1, y0)) + fy * ((1 - fx) * At(x0, y0 + 1) + fx * At(x0 + 1, y0 + 1));
    }
}
