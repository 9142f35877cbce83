using System.Globalization;

namespace MnistLeNet.Charts;

// What the network does: its answers (probabilities, confusion matrix) and what it looks at (filters, feature maps).
public static partial class Plots
{
    /// <summary>Colour of the bar of the most likely digit in <see cref="Probabilities"/>.</summary>
    public const string PredictedColor = "#ff7f0e";
    /// <summary>Colour of the true label's bar in <see cref="Probabilities"/> when the prediction is wrong.</summary>
    public const string LabelColor = "#2ca02c";
    /// <summary>Colour of the other bars in <see cref="Probabilities"/>.</summary>
    public const string OtherColor = "#1f77b4";

    /// <summary>
    /// The network's ten probabilities (softmax outputs) for one image as bars on a 0..1 scale; the
    /// most likely digit (the prediction) is highlighted. With <paramref name="label"/>, the title
    /// says whether the prediction is right, and a wrong prediction also marks the true digit.
    /// </summary>
    /// <param name="probabilities">one value per digit 0..9, summing to 1</param>
    /// <param name="label">the true digit, if known</param>
    /// <param name="title">default: says what was predicted (and whether it is right)</param>
    public static ChartHtml Probabilities(float[] probabilities, int? label = null, string? title = null)
    {
        if (probabilities.Length == 0) throw new ArgumentException("no probabilities", nameof(probabilities));
        var predicted = probabilities.ArgMax();
        var colors = probabilities.Select((_, i) =>
            i == predicted ? PredictedColor : i == label ? LabelColor : OtherColor).ToArray();
        var texts = probabilities.Select(p => p >= 0.005 ? p.ToString("0.00", CultureInfo.InvariantCulture) : "").ToArray();
        var p = probabilities[predicted].ToString("0.0000", CultureInfo.InvariantCulture);
        title ??= label is null ? $"predicted {predicted} (p = {p})"
            : label == predicted ? $"label {label}, predicted {predicted} (p = {p}): right"
            : $"label {label}, predicted {predicted} (p = {p}): wrong";
        var labels = Enumerable.Range(0, probabilities.Length).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        return new(new ColoredBarsChart(labels, ToDouble(probabilities), colors, texts, title, "digit", "probability", 0.0, 1.08));
    }

    /// <summary>Confusion matrix: rows = true class, columns = predicted; counts in the cells, colour = share of the row.</summary>
    public static ChartHtml ConfusionMatrix(int[,] counts, IReadOnlyList<string>? labels = null, string title = "Confusion matrix")
    {
        var n = counts.GetLength(0);
        var rows = new double[n][];
        for (var r = 0; r < n; r++)
        {
            rows[r] = new double[counts.GetLength(1)];
            for (var c = 0; c < rows[r].Length; c++) rows[r][c] = counts[r, c];
        }
        var l = labels?.ToArray() ?? Enumerable.Range(0, n).Select(i => i.ToString()).ToArray();
        return new(new ConfusionMatrixChart(rows, l, title));
    }

    /// <summary>
    /// Convolution filters (e.g. conv1's six 5×5 weights) side by side on one shared colour scale:
    /// red = positive weight, blue = negative, white = zero.
    /// </summary>
    /// <param name="filters">each filter's weights, row by row (size × size values)</param>
    /// <param name="size">width (= height) of a filter</param>
    public static ChartHtml Filters(IReadOnlyList<float[]> filters, int size = 5, string title = "conv1 filters (5×5 weights)")
    {
        var titles = Enumerable.Range(0, filters.Count).Select(i => $"filter {i}").ToArray();
        return ImageGrid(filters, size, titles, columns: Math.Min(filters.Count, 8), title, colorscale: "rdbu", cellPx: 90, sharedScale: true);
    }

    /// <summary>
    /// Feature maps: what one layer outputs for one image, one small picture per channel (bright = large
    /// value; each map has its own scale).
    /// </summary>
    /// <param name="maps">one map per channel, row by row (width × width values)</param>
    /// <param name="width">pixels per row of a map (24 after conv1, 8 after conv2)</param>
    public static ChartHtml FeatureMaps(IReadOnlyList<float[]> maps, int width, string title)
    {
        var titles = Enumerable.Range(0, maps.Count).Select(i => $"channel {i}").ToArray();
        return ImageGrid(maps, width, titles, columns: Math.Min(maps.Count, 8), title, colorscale: "viridis", cellPx: 100);
    }
}
