using System.Globalization;

namespace MnistLeNet.Charts;

// What the network does: its answers (probabilities, confusion matrix) and what it looks at (filters, feature maps).
public static partial class Plots
{
    /// <summary>Bar colours in <see cref="Probabilities"/>: the prediction, the true label (when wrong), the others.</summary>
    public const string PredictedColor = "#ff7f0e", LabelColor = "#2ca02c", OtherColor = "#1f77b4";

    /// <summary>The ten softmax outputs as bars, the prediction highlighted; with <paramref name="label"/>, right or wrong.</summary>
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

    /// <summary>Convolution filters (size × size, row by row) on one colour scale: red positive, blue negative.</summary>
    public static ChartHtml Filters(IReadOnlyList<float[]> filters, int size = 5, string title = "conv1 filters (5×5 weights)")
    {
        var titles = Enumerable.Range(0, filters.Count).Select(i => $"filter {i}").ToArray();
        return ImageGrid(filters, size, titles, columns: Math.Min(filters.Count, 8), title, colorscale: "rdbu", cellPx: 90, sharedScale: true);
    }

    /// <summary>One layer's output for one image: a picture per channel (width × width, row by row), each its own scale.</summary>
    public static ChartHtml FeatureMaps(IReadOnlyList<float[]> maps, int width, string title)
    {
        var titles = Enumerable.Range(0, maps.Count).Select(i => $"channel {i}").ToArray();
        return ImageGrid(maps, width, titles, columns: Math.Min(maps.Count, 8), title, colorscale: "viridis", cellPx: 100);
    }
}
