using System.Text.RegularExpressions;

namespace MnistLeNet.Charts;

/// <summary>The tutorial's charts: plain numbers in, a <see cref="ChartHtml"/> out.</summary>
public static partial class Plots
{
    /// <summary>plotly.js inline, for a notebook's first cell, so saved copies carry it however chart cells change.</summary>
    public static HtmlFragment LoadPlotlyJs()
    {
        PlotlyEngine.TakePlotlyJs(); // this cell carries plotly.js, so no chart after it needs to
        var version = Regex.Match(PlotlyEngine.PlotlyJs, @"plotly\.js v([0-9.]+)").Groups[1].Value; // from its header comment
        return new(PlotlyEngine.PlotlyJsScript + $"<div style=\"font-size:smaller;color:#666\">plotly.js {version} loaded inline (offline).</div>",
            $"plotly.js {version} (inline)");
    }

    /// <summary>One image, row-major, values in any range: row 0 at the top, dark ink on white.</summary>
    /// <param name="colorscale">"greys" (dark ink), "gray" (light ink), "rdbu" (signed), "viridis"</param>
    public static ChartHtml Image(double[] pixels, int width = 28, string title = "", string colorscale = "greys", int sizePx = 280)
        => new(new ImageChart(pixels, width, title, colorscale, sizePx));

    /// <summary>Many images in a grid with a title per cell: a batch of digits, 5x5 filters, feature maps.</summary>
    /// <param name="sharedScale">one colour range for all cells (compare weights); false: each cell auto-scaled</param>
    public static ChartHtml ImageGrid(IReadOnlyList<float[]> images, int width = 28, IReadOnlyList<string>? titles = null,
        int columns = 8, string title = "", string colorscale = "greys", int cellPx = 90, bool sharedScale = false)
        => ImageGrid(images.Select(ToDouble).ToArray(), width, titles, columns, title, colorscale, cellPx, sharedScale);

    public static ChartHtml ImageGrid(IReadOnlyList<double[]> images, int width = 28, IReadOnlyList<string>? titles = null,
        int columns = 8, string title = "", string colorscale = "greys", int cellPx = 90, bool sharedScale = false)
        => new(new ImageGridChart(images.ToArray(), width, titles?.ToArray(), columns, title, colorscale, cellPx, sharedScale));

    /// <summary>Line chart of several series over x (e.g. epochs). Series may be shorter than x (in progress).</summary>
    public static ChartHtml Lines(IReadOnlyList<double> x, IReadOnlyDictionary<string, double[]> series, string title = "",
        string xTitle = "", string yTitle = "", bool markers = true)
        => new(new LinesChart(x.ToArray(), series.Keys.ToArray(), series.Values.ToArray(), title, xTitle, yTitle, markers));

    static double[] ToDouble(Array values) => values.Cast<float>().Select(v => (double)v).ToArray();
}
