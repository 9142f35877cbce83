using System.Globalization;

namespace MnistLeNet.Charts;

// The data: one digit, many digits, a digit's pixel values, how many digits of each class.
public static partial class Plots
{
    /// <summary>One digit, [row, column] values 0..1 (e.g. <c>MnistDataset.Pixels(i)</c>), dark ink on white.</summary>
    public static ChartHtml Digit(float[,] pixels, string title = "")
        => Image(ToDouble(pixels), pixels.GetLength(1), title);

    /// <summary>Several digits of one size in a grid, each with its own caption (e.g. "label 7").</summary>
    public static ChartHtml Digits(IReadOnlyList<float[,]> images, IReadOnlyList<string> titles, int columns = 8, string title = "")
    {
        if (images.Count == 0) throw new ArgumentException("no images to show", nameof(images));
        if (titles.Count != images.Count) throw new ArgumentException($"{images.Count} images but {titles.Count} titles", nameof(titles));
        return ImageGrid(images.Select(ToDouble).ToArray(), images[0].GetLength(1), titles, columns, title);
    }

    /// <summary>A digit with every pixel's value in its cell (zeros blank): what the network really receives.</summary>
    public static ChartHtml PixelValues(float[,] pixels, string title = "", int decimals = 1, int cellPx = 26)
        => new(new AnnotatedImageChart(ToDouble(pixels), pixels.GetLength(1), title, decimals, cellPx));

    /// <summary>Images per digit in each set, as shares so sets of different sizes compare; counts on hover.</summary>
    public static ChartHtml ClassCounts(int[] train, int[] test, string title = "How many images of each digit")
    {
        if (train.Length != test.Length) throw new ArgumentException($"{train.Length} training classes but {test.Length} test classes", nameof(test));
        var labels = Enumerable.Range(0, train.Length).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var sets = new[] { ("train", train), ("test", test) };
        var names = sets.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Item1} ({s.Item2.Sum():N0} images)")).ToArray();
        var shares = sets.Select(s => Shares(s.Item2)).ToArray();
        var hover = sets.Select((s, k) => s.Item2.Select((n, d) =>
            string.Create(CultureInfo.InvariantCulture, $"{s.Item1}: {n:N0} images of {d} ({shares[k][d]:P1})")).ToArray()).ToArray();
        return new(new GroupedBarsChart(labels, names, shares, hover, title, "digit", "share of the set", ".0%"));
    }

    static double[] Shares(int[] counts)
    {
        double total = counts.Sum();
        return counts.Select(c => total > 0 ? c / total : 0).ToArray();
    }
}
