namespace MnistLeNet.Handwriting;

/// <summary>Every stage of <see cref="DigitImage"/>, in order, so that each can be shown.</summary>
/// <param name="Gray">1. grayscale, 0 = black, 1 = white (large pictures reduced to <see cref="DigitImage.WorkingSide"/>)</param>
/// <param name="Inverted">2. whether the picture was inverted (its ink was darker than its background)</param>
/// <param name="Oriented">2. bright ink on a dark background</param>
/// <param name="Background">3. the estimated background: <see cref="Oriented"/> with every thin bright stroke removed</param>
/// <param name="Ink">3. <see cref="Oriented"/> (slightly smoothed) minus <see cref="Background"/>: what stands out</param>
/// <param name="Threshold">3. Otsu's threshold on <see cref="Ink"/></param>
/// <param name="Mask">3. 1 where <see cref="Ink"/> is above the threshold, else 0</param>
/// <param name="Box">4. the ink's bounding box in <see cref="Mask"/></param>
/// <param name="Scaled">5. the box's mask, its longer side scaled to 20 pixels</param>
/// <param name="Digit">6-7. 28×28, values 0..1, ink centred: the network's input</param>
public sealed record DigitStages(GrayImage Gray, bool Inverted, GrayImage Oriented, GrayImage Background, GrayImage Ink,
    double Threshold, GrayImage Mask, (int X, int Y, int Width, int Height) Box, GrayImage Scaled, GrayImage Digit)
{
    /// <summary><see cref="Digit"/> as MNIST's 28×28 [row, column] pixels, for <c>Predictor.Probabilities</c> and <c>Plots.Digit</c>.</summary>
    public float[,] Input { get; } = Rows(Digit);

    static float[,] Rows(GrayImage image)
    {
        var rows = new float[image.Height, image.Width];
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
                rows[y, x] = (float)image[x, y];
        return rows;
    }
}

/// <summary>Turns a picture of one handwritten digit into MNIST's format, the way MNIST itself was made.</summary>
/// <remarks>digit-pad.js does the same, step by step; a test checks both give the same numbers.</remarks>
public static class DigitImage
{
    public const int Size = 28, BoxSide = 20;

    /// <summary>Larger pictures are first reduced to this longer side.</summary>
    public const int WorkingSide = 320;

    /// <summary>Ink must stand out from the background by at least this much (of the 0..1 range).</summary>
    public const double MinContrast = 0.15;

    /// <summary>Where the centre of mass goes (pixel 14, 14), as in MNIST.</summary>
    public const double Centre = 14.0;

    /// <summary>Reads an image file (PNG, JPEG, BMP, ...) and prepares it; <see cref="InvalidDataException"/> names the file.</summary>
    public static DigitStages FromFile(string path, bool centre = true)
    {
        var (rgba, width, height) = ImageFile.ReadRgba(path);
        try { return FromRgba(rgba, width, height, centre); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{path}: {e.Message}", e); }
    }

    /// <summary>Prepares RGBA bytes (transparent is white); <paramref name="centre"/> false centres the box, not the mass.</summary>
    public static DigitStages FromRgba(byte[] rgba, int width, int height, bool centre = true)
    {
        if (width < 1 || height < 1 || rgba.Length != 4L * width * height)
            throw new ArgumentException($"{rgba.Length} bytes are not {width}×{height} RGBA pixels", nameof(rgba));

        // 1. Grayscale, at a working size.
        var gray = Grayscale(rgba, width, height);
        int longer = Math.Max(width, height);
        if (longer > WorkingSide)
            gray = Resize(gray, Math.Max(1, width * WorkingSide / longer), Math.Max(1, height * WorkingSide / longer));

        // 2. Ink bright on black. Minus the local mean, ink is the rare far-off side: the sum of cubes says which.
        int radius = Math.Max(1, Math.Max(gray.Width, gray.Height) / 10);
        var local = Filter(gray, radius, Window.Mean);
        double skew = 0;
        for (int i = 0; i < gray.Pixels.Length; i++)
        {
            double detail = gray.Pixels[i] - local.Pixels[i];
            skew += detail * detail * detail;
        }
        bool inverted = skew < 0;
        var oriented = inverted ? gray with { Pixels = Array.ConvertAll(gray.Pixels, v => 1 - v) } : gray;

        // 3. Find the ink: an opening (min, then max, wider than a stroke) keeps the slow background; what stands out
        //    above it (3×3 mean against noise) is split into ink and noise by Otsu's threshold.
        var background = Filter(Filter(oriented, radius, Window.Min), radius, Window.Max);
        var smooth = Filter(oriented, 1, Window.Mean);
        var ink = gray with { Pixels = smooth.Pixels.Select((v, i) => Math.Max(0, v - background.Pixels[i])).ToArray() };
        double strongest = ink.Pixels.Max();
        if (strongest < MinContrast)
            throw new InvalidDataException($"no ink found: nothing stands out from the background by more than {MinContrast:0.##} (of 0..1)");
        int[] bins = Array.ConvertAll(ink.Pixels, v => Bin(v, strongest));
        int thresholdBin = Otsu(bins);
        var mask = new GrayImage(gray.Width, gray.Height, Array.ConvertAll(bins, b => b > thresholdBin ? 1.0 : 0.0));

        // 4. Crop to the ink's bounding box.
        var box = BoundingBox(mask);
        var crop = Crop(mask, box);

        // 5. The longer side to 20 pixels, keeping the aspect ratio.
        int side = Math.Max(box.Width, box.Height);
        var scaled = Resize(crop, Math.Max(1, (box.Width * BoxSide + side / 2) / side), Math.Max(1, (box.Height * BoxSide + side / 2) / side));

        // 6. Into 28×28, the centre of mass at the centre (or the box in the middle). 7. Values are 0..1 already.
        var (cx, cy) = CentreOfMass(scaled);
        int left = centre ? Place(Centre - cx, scaled.Width) : (Size - scaled.Width) / 2;
        int top = centre ? Place(Centre - cy, scaled.Height) : (Size - scaled.Height) / 2;
        var digit = new GrayImage(Size, Size, new double[Size * Size]);
        for (int y = 0; y < scaled.Height; y++)
            for (int x = 0; x < scaled.Width; x++)
                digit.Pixels[(top + y) * Size + left + x] = scaled[x, y];

        return new DigitStages(gray, inverted, oriented, background, ink, (thresholdBin + 1) * strongest / 256, mask, box, scaled, digit);
    }

    // ITU-R BT.601 luminance over white.
    static GrayImage Grayscale(byte[] rgba, int width, int height)
    {
        var pixels = new double[width * height];
        for (int i = 0; i < pixels.Length; i++)
        {
            double alpha = rgba[4 * i + 3] / 255.0;
            double luminance = (0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2]) / 255.0;
            pixels[i] = alpha * luminance + (1 - alpha);
        }
        return new GrayImage(width, height, pixels);
    }

    enum Window { Min, Max, Mean }

    // Over the (2r+1)² square around each pixel, clipped at the edges: rows, then columns.
    static GrayImage Filter(GrayImage image, int r, Window kind)
    {
        int w = image.Width, h = image.Height;
        var rows = Pass(image.Pixels, w, h, r, kind, alongRows: true);
        return new GrayImage(w, h, Pass(rows, w, h, r, kind, alongRows: false));
    }

    static double[] Pass(double[] pixels, int w, int h, int r, Window kind, bool alongRows)
    {
        var result = new double[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int at = alongRows ? x : y, from = Math.Max(0, at - r), to = Math.Min((alongRows ? w : h) - 1, at + r);
                double e = kind == Window.Mean ? 0 : pixels[y * w + x];
                for (int k = from; k <= to; k++)
                {
                    double v = alongRows ? pixels[y * w + k] : pixels[k * w + x];
                    e = kind == Window.Min ? Math.Min(e, v) : kind == Window.Max ? Math.Max(e, v) : e + v;
                }
                result[y * w + x] = kind == Window.Mean ? e / (to - from + 1) : e;
            }
        return result;
    }

    static int Bin(double value, double top) => Math.Min(255, (int)(value / top * 256));

    // The bin with the largest between-class variance; higher bins are ink.
    static int Otsu(int[] bins)
    {
        var histogram = new double[256];
        foreach (var b in bins) histogram[b]++;
        double total = bins.Length, sumAll = 0;
        for (int i = 0; i < 256; i++) sumAll += i * histogram[i];
        double below = 0, sumBelow = 0, best = -1;
        int threshold = 0;
        for (int i = 0; i < 256; i++)
        {
            below += histogram[i];
            if (below == 0) continue;
            double above = total - below;
            if (above == 0) break;
            sumBelow += i * histogram[i];
            double difference = sumBelow / below - (sumAll - sumBelow) / above;
            double between = below * above * difference * difference;
            if (between > best) (best, threshold) = (between, i);
        }
        return threshold;
    }

    static (int X, int Y, int Width, int Height) BoundingBox(GrayImage mask)
    {
        int left = mask.Width, top = mask.Height, right = -1, bottom = -1;
        for (int y = 0; y < mask.Height; y++)
            for (int x = 0; x < mask.Width; x++)
                if (mask[x, y] > 0)
                    (left, top, right, bottom) = (Math.Min(left, x), Math.Min(top, y), Math.Max(right, x), Math.Max(bottom, y));
        return (left, top, right - left + 1, bottom - top + 1);
    }

    static GrayImage Crop(GrayImage image, (int X, int Y, int Width, int Height) box)
    {
        var pixels = new double[box.Width * box.Height];
        for (int y = 0; y < box.Height; y++)
            Array.Copy(image.Pixels, (box.Y + y) * image.Width + box.X, pixels, y * box.Width, box.Width);
        return new GrayImage(box.Width, box.Height, pixels);
    }

    // Each new pixel is the mean of the area it covers (anti-aliased): rows, then columns.
    static GrayImage Resize(GrayImage image, int width, int height)
    {
        var rows = new double[width * image.Height];
        for (int y = 0; y < image.Height; y++)
            Resample(image.Pixels, y * image.Width, 1, image.Width, rows, y * width, 1, width);
        var result = new double[width * height];
        for (int x = 0; x < width; x++)
            Resample(rows, x, width, image.Height, result, x, width, height);
        return new GrayImage(width, height, result);
    }

    // n values (every step-th from 'from') to m: value j is the covered mean over [j·n/m, (j+1)·n/m).
    static void Resample(double[] source, int from, int step, int n, double[] target, int to, int targetStep, int m)
    {
        double scale = (double)n / m;
        for (int j = 0; j < m; j++)
        {
            double start = j * scale, end = (j + 1) * scale, sum = 0;
            for (int i = (int)start; i < end && i < n; i++)
                sum += source[from + i * step] * (Math.Min(end, i + 1) - Math.Max(start, i));
            target[to + j * targetStep] = sum / scale;
        }
    }

    static (double X, double Y) CentreOfMass(GrayImage image)
    {
        double mass = 0, x = 0, y = 0;
        for (int j = 0; j < image.Height; j++)
            for (int i = 0; i < image.Width; i++)
            {
                double v = image[i, j];
                mass += v;
                x += v * i;
                y += v * j;
            }
        return (x / mass, y / mass);
    }

    static int Place(double shift, int length) => Math.Clamp((int)Math.Floor(shift + 0.5), 0, Size - length);
}
