using System.Globalization;
using MnistLeNet.Charts;
using Plotly.NET;
using Plotly.NET.LayoutObjects;
using CS = Plotly.NET.CSharp;

namespace MnistLeNet.Plotting;

/// <summary>
/// Chart builders for the MNIST LeNet tutorial, on Plotly.NET 6 + Plotly.NET.CSharp.
///
/// This assembly needs FSharp.Core 10.1, which the notebook kernel does not have, so it is never
/// referenced directly: the host (MnistLeNet.Charts.PlotlyEngine) loads it into its own
/// AssemblyLoadContext and calls <see cref="Draw"/>, its one entry point: a <see cref="ChartRequest"/>
/// (shared source, see ChartRequest.cs) as JSON in, the Plotly figure as JSON
/// ({"data":[...],"layout":{...}}) out. Turning a figure into HTML is the host's job.
/// </summary>
public static class PlotlyCharts
{
    // Plotly.NET serialises figures with Newtonsoft.Json, which checks every object it enters against the objects
    // it is inside of (a loop check). With its default comparer that calls DynamicObj's Equals, a deep hash of the
    // whole subtree (the layout's template included) for every nested object: ~0.4 s of CPU per chart, 99% of the
    // serialisation. Plotly.NET's settings serialise loops anyway (ReferenceLoopHandling.Serialize), so the check's
    // answer never changes the output; comparing references makes it cheap. Same figures, to the byte (tested).
    static PlotlyCharts() => global::Globals.JSON_CONFIG.EqualityComparer = ReferenceEqualityComparer.Instance;

    /// <summary>Draws one chart: a <see cref="ChartRequest"/> as JSON in, the figure JSON out
    /// (for a <see cref="PlotlyJsRequest"/>: plotly.min.js).</summary>
    public static string Draw(string requestJson) => ChartRequest.FromJson(requestJson) switch
    {
        PlotlyJsRequest => PlotlyJs(),
        ImageChart c => Image(c.Pixels, c.Width, c.Title, c.Colorscale, c.SizePx),
        ImageGridChart c => ImageGrid(c.Images, c.Width, c.Titles, c.Columns, c.Title, c.Colorscale, c.CellPx, c.SharedScale),
        AnnotatedImageChart c => AnnotatedImage(c.Pixels, c.Width, c.Title, c.Decimals, c.CellPx),
        LinesChart c => Lines(c.X, c.Names, c.Ys, c.Title, c.XTitle, c.YTitle, c.Markers),
        TrainingCurvesChart c => TrainingCurves(c.TrainLoss, c.TestLoss, c.TestAccuracy, c.TrainAccuracy ?? [], c.TotalEpochs, c.Title),
        ColoredBarsChart c => ColoredBars(c.Labels, c.Values, c.Colors, c.Texts, c.Title, c.XTitle, c.YTitle, c.YMin, c.YMax),
        GroupedBarsChart c => GroupedBars(c.Labels, c.Names, c.Values, c.HoverTexts, c.Title, c.XTitle, c.YTitle, c.YTickFormat),
        ConfusionMatrixChart c => ConfusionMatrix(c.Counts, c.Labels, c.Title),
        var other => throw new NotSupportedException($"no chart builder for {other.GetType().Name}"),
    };

    /// <summary>The plotly.min.js that Plotly.NET.dll carries as a resource (no CDN needed).</summary>
    private static string PlotlyJs()
    {
        var assembly = typeof(GenericChart).Assembly;
        using var s = assembly.GetManifestResourceStream(assembly.GetManifestResourceNames().Single(n => n.EndsWith(".min.js", StringComparison.Ordinal)))!;
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    }

    // ---------- charts ----------

    /// <summary>One grayscale image (e.g. a 28x28 digit), row 0 at the top, ink dark on white.</summary>
    /// <param name="pixels">row-major, length = width * height</param>
    /// <param name="colorscale">"greys" (ink dark), "gray" (ink light), "rdbu" (diverging, centred on 0), "viridis"</param>
    private static string Image(double[] pixels, int width, string title, string colorscale, int sizePx)
    {
        var z = ToRows(pixels, width);
        var chart = ImageTrace(z, colorscale, showScale: true);
        chart = CS.GenericChartExtensions.WithSize(chart, sizePx + 110, sizePx + (string.IsNullOrEmpty(title) ? 40 : 70));
        Mutate(chart, l =>
        {
            SetTitle(l, title);
            l.SetProperty("margin", Margin(l: 20, r: 20, t: string.IsNullOrEmpty(title) ? 20 : 50, b: 20));
            StyleImageAxes(l, "xaxis", "yaxis");
        });
        return GenericChart.toFigureJson(chart);
    }

    /// <summary>Small multiples: many images in a grid, one title per cell (digits, 5x5 filters, feature maps).</summary>
    /// <param name="images">each row-major, same length; width = pixels per row</param>
    /// <param name="titles">one per image, or null/empty</param>
    /// <param name="cellPx">pixel size of one cell</param>
    /// <param name="sharedScale">true: one colour range for all cells (compare magnitudes); false: each cell scaled to its own range</param>
    private static string ImageGrid(double[][] images, int width, string[]? titles, int columns, string title,
                                   string colorscale, int cellPx, bool sharedScale)
    {
        if (images.Length == 0) throw new ArgumentException("no images", nameof(images));
        columns = Math.Clamp(columns, 1, images.Length);
        var rows = (images.Length + columns - 1) / columns;
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var img in images) foreach (var v in img) { min = Math.Min(min, v); max = Math.Max(max, v); }
        if (IsDiverging(colorscale)) { var m = Math.Max(Math.Abs(min), Math.Abs(max)); min = -m; max = m; }

        var charts = new List<GenericChart>();
        for (var i = 0; i < rows * columns; i++)
        {
            // Empty cells keep the grid rectangular.
            var z = i < images.Length ? ToRows(images[i], width) : new[] { new[] { double.NaN } };
            var c = ImageTrace(z, colorscale, showScale: sharedScale && i == 0);
            if (sharedScale) SetTraceProps(c, ("zmin", min), ("zmax", max));
            else if (IsDiverging(colorscale)) SetTraceProps(c, ("zmid", 0.0));
            charts.Add(c);
        }
        var sub = Enumerable.Range(0, rows * columns)
            .Select(i => titles != null && i < titles.Length && i < images.Length ? titles[i] : "").ToArray();
        var grid = CS.Chart.Grid(charts, rows, columns,
            SubPlotTitles: sub,
            SubPlotTitleFont: Font.init(null, 11.0, null),
            XGap: 0.12, YGap: sub.Any(s => s.Length > 0) ? 0.3 : 0.08);
        var titleH = string.IsNullOrEmpty(title) ? 10 : 50;
        var barW = sharedScale ? 80 : 0;
        grid = CS.GenericChartExtensions.WithSize(grid, columns * cellPx + 40 + barW, rows * (cellPx + 22) + titleH + 20);
        Mutate(grid, l =>
        {
            SetTitle(l, title);
            l.SetProperty("margin", Margin(l: 20, r: 20 + barW, t: titleH + 10, b: 10));
            foreach (var name in l.GetPropertyNames(true).ToArray())
                if (name.StartsWith("xaxis", StringComparison.Ordinal) || name.StartsWith("yaxis", StringComparison.Ordinal))
                    StyleAxis(l, name, reversed: name.StartsWith("yaxis", StringComparison.Ordinal));
        });
        return GenericChart.toFigureJson(grid);
    }

    /// <summary>Several series over a shared x (loss / accuracy per epoch or per batch).</summary>
    /// <param name="ys">one array per series, each as long as x (shorter = series still in progress)</param>
    private static string Lines(double[] x, string[] names, double[][] ys, string title, string xTitle, string yTitle, bool markers)
    {
        if (names.Length != ys.Length) throw new ArgumentException("names and ys differ in length");
        var traces = ys.Select((y, i) => CS.Chart.Line<double, double, string>(
            x.Take(y.Length).ToArray(), y, ShowMarkers: markers, Name: names[i])).ToList();
        var chart = traces.Count == 1 ? traces[0] : CS.Chart.Combine(traces);
        chart = WithFrame(chart, title, xTitle, yTitle, 640, 380);
        Mutate(chart, l =>
        {
            l.SetProperty("hovermode", "x unified");
            if (x.Length is > 0 and <= 30 && x.All(v => v == Math.Floor(v)))
                AxisOf(l, "xaxis").SetProperty("dtick", 1); // epochs: no 1.5
        });
        return GenericChart.toFigureJson(chart);
    }

    /// <summary>Confusion matrix: rows = true class (top to bottom), columns = predicted class; counts written in the cells.</summary>
    private static string ConfusionMatrix(double[][] counts, string[] labels, string title)
    {
        var n = labels.Length;
        if (counts.Length != n || counts.Any(r => r.Length != n)) throw new ArgumentException("counts must be labels.Length square");
        var text = counts.Select(r => r.Select(Fmt).ToArray()).ToArray();
        // Colour by row-normalised rate so the diagonal does not wash out everything else; text shows raw counts.
        var rates = counts.Select(r => { var s = r.Sum(); return r.Select(v => s > 0 ? Math.Round(v / s, 4) : 0).ToArray(); }).ToArray();
        var chart = CS.Chart.AnnotatedHeatmap<double, string, string, string>(
            rates, text, X: labels, Y: labels, ReverseYAxis: true, ShowScale: true);
        chart = WithFrame(chart, title, "predicted", "true", 560, 500);
        Mutate(chart, l =>
        {
            AxisOf(l, "xaxis").SetProperty("type", "category");
            AxisOf(l, "yaxis").SetProperty("type", "category");
            ColorAnnotations(l, rates, dark: (row, col) => rates[row][col] > 0.5, fontSize: 11);
        });
        // plotly.js' named "Blues" runs dark -> light; reversed: low rates light.
        SetTraceProps(chart, ("colorscale", "Blues"), ("reversescale", true), ("zmin", 0.0), ("zmax", 1.0),
            ("hovertemplate", "true %{y}, predicted %{x}<br>%{z:.1%} of true %{y}<extra></extra>"));
        return GenericChart.toFigureJson(chart);
    }

    /// <summary>Bars with one colour per bar and an optional fixed y range (e.g. softmax outputs on 0..1).</summary>
    /// <param name="colors">one CSS colour per bar</param>
    private static string ColoredBars(string[] labels, double[] values, string[] colors, string[] texts, string title,
                                     string xTitle, string yTitle, double yMin, double yMax)
    {
        if (labels.Length != values.Length || colors.Length != values.Length || texts.Length != values.Length)
            throw new ArgumentException("labels, values, colors and texts differ in length");
        var chart = CS.Chart.Column<double, string, string>(values, Keys: labels, MultiText: texts,
            TextPosition: StyleParam.TextPosition.Outside, ShowLegend: false);
        SetTraceProps(chart, ("marker", Dyn(("color", colors))), ("cliponaxis", false),
            ("hovertemplate", "%{x}: %{y:.4f}<extra></extra>"));
        chart = WithFrame(chart, title, xTitle, yTitle, 600, 360, extraTop: 10);
        Mutate(chart, l =>
        {
            AxisOf(l, "xaxis").SetProperty("type", "category");
            AxisOf(l, "yaxis").SetProperty("range", new[] { yMin, yMax });
        });
        return GenericChart.toFigureJson(chart);
    }

    /// <summary>Grouped bars: one group per label, one bar per series in each group (e.g. train vs test per digit).</summary>
    /// <param name="values">one array per series, each as long as <paramref name="labels"/></param>
    /// <param name="hoverTexts">one array per series: what the mouse-over shows for each bar</param>
    /// <param name="yTickFormat">d3 format of the y axis, e.g. ".0%"; empty for plain numbers</param>
    private static string GroupedBars(string[] labels, string[] names, double[][] values, string[][] hoverTexts,
                                     string title, string xTitle, string yTitle, string yTickFormat)
    {
        if (names.Length != values.Length || hoverTexts.Length != values.Length) throw new ArgumentException("names, values and hoverTexts differ in length");
        if (values.Any(v => v.Length != labels.Length)) throw new ArgumentException("every series needs one value per label");
        var traces = values.Select((v, i) =>
        {
            var c = CS.Chart.Column<double, string, string>(v, Keys: labels, Name: names[i], ShowLegend: true);
            SetTraceProps(c, ("marker", Dyn(("color", SeriesColors[i % SeriesColors.Length]))),
                ("hovertext", hoverTexts[i]), ("hoverinfo", "text"));
            return c;
        }).ToList();
        var chart = CS.Chart.Combine(traces);
        chart = WithFrame(chart, title, xTitle, yTitle, 640, 380);
        Mutate(chart, l =>
        {
            l.SetProperty("barmode", "group");
            AxisOf(l, "xaxis").SetProperty("type", "category");
            if (!string.IsNullOrEmpty(yTickFormat)) AxisOf(l, "yaxis").SetProperty("tickformat", yTickFormat);
        });
        return GenericChart.toFigureJson(chart);
    }

    /// <summary>
    /// Two panels side by side, loss (train and test) on the left, accuracy (test, and train where given) on the right, per epoch.
    /// The x axes always span epochs 1..<paramref name="totalEpochs"/>, so a chart redrawn after every
    /// epoch keeps its scale while the lines grow.
    /// </summary>
    /// <param name="trainLoss">one value per finished epoch (may be empty)</param>
    private static string TrainingCurves(double[] trainLoss, double[] testLoss, double[] testAccuracy, double[] trainAccuracy, int totalEpochs, string title)
    {
        var n = Math.Max(trainLoss.Length, Math.Max(testLoss.Length, testAccuracy.Length));
        totalEpochs = Math.Max(Math.Max(totalEpochs, n), 1);
        GenericChart Line(double[] y, string name, string color, string hover)
        {
            var x = Enumerable.Range(1, y.Length).Select(e => (double)e).ToArray();
            var c = CS.Chart.Line<double, double, string>(x, y, ShowMarkers: true, Name: name);
            SetTraceProps(c, ("line", Dyn(("color", color), ("width", 2))), ("marker", Dyn(("color", color), ("size", 8))),
                ("hovertemplate", hover));
            return c;
        }
        var loss = CS.Chart.Combine(new[]
        {
            Line(trainLoss, "train loss", SeriesColors[0], "epoch %{x}: train loss %{y:.4f}<extra></extra>"),
            Line(testLoss, "test loss", SeriesColors[1], "epoch %{x}: test loss %{y:.4f}<extra></extra>"),
        });
        var testLine = Line(testAccuracy, "test accuracy", SeriesColors[2], "epoch %{x}: test accuracy %{y:.2%}<extra></extra>");
        var accuracy = trainAccuracy.Length == 0 ? testLine : CS.Chart.Combine(new[]
        {
            Line(trainAccuracy, "train accuracy (running, over the epoch's batches)", SeriesColors[3], "epoch %{x}: train accuracy %{y:.2%}<extra></extra>"),
            testLine,
        });
        var grid = CS.Chart.Grid(new[] { loss, accuracy }, 1, 2,
            SubPlotTitles: new[] { "loss (cross-entropy)", trainAccuracy.Length == 0 ? "test accuracy" : "accuracy" }, XGap: 0.18);
        grid = CS.GenericChartExtensions.WithSize(grid, 900, 380);
        Mutate(grid, l =>
        {
            SetTitle(l, title);
            l.SetProperty("margin", Margin(l: 60, r: 20, t: string.IsNullOrEmpty(title) ? 40 : 80, b: 50));
            l.SetProperty("legend", Dyn(("orientation", "h"), ("x", 0.0), ("y", -0.2)));
            foreach (var x in new[] { "xaxis", "xaxis2" })
            {
                var a = AxisOf(l, x);
                a.SetProperty("title", Dyn(("text", "epoch")));
                a.SetProperty("range", new[] { 0.7, totalEpochs + 0.3 }); // fixed: no rescaling as epochs arrive
                a.SetProperty("autorange", false);
                a.SetProperty("dtick", totalEpochs <= 20 ? 1 : Math.Ceiling(totalEpochs / 10.0));
            }
            AxisOf(l, "yaxis").SetProperty("rangemode", "tozero");
            AxisOf(l, "yaxis2").SetProperty("tickformat", ".1%");
            if (testAccuracy.Length == 0) AxisOf(l, "yaxis2").SetProperty("range", new[] { 0.0, 1.0 }); // nothing yet: not -100%..400%
        });
        return GenericChart.toFigureJson(grid);
    }

    /// <summary>
    /// An image with its value written in every cell (e.g. the 784 pixel values of a digit), row 0 at the top.
    /// Zeros are left blank so the digit stands out.
    /// </summary>
    /// <param name="decimals">digits after the decimal point in the cell texts</param>
    private static string AnnotatedImage(double[] pixels, int width, string title, int decimals, int cellPx)
    {
        var z = ToRows(pixels, width);
        var fmt = decimals <= 0 ? "0" : "0." + new string('0', decimals);
        var text = z.Select(r => r.Select(v => v == 0 ? "" : v.ToString(fmt, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        double min = z.SelectMany(r => r).Min(), max = z.SelectMany(r => r).Max();
        string[] Numbers(int n) => Enumerable.Range(0, n).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var chart = CS.Chart.AnnotatedHeatmap<double, string, string, string>(z, text,
            X: Numbers(width), Y: Numbers(z.Length), ReverseYAxis: true, ShowScale: false);
        var titleH = string.IsNullOrEmpty(title) ? 10 : 50;
        chart = CS.GenericChartExtensions.WithSize(chart, width * cellPx + 70, z.Length * cellPx + titleH + 50);
        Mutate(chart, l =>
        {
            SetTitle(l, title);
            l.SetProperty("margin", Margin(l: 40, r: 20, t: titleH + 20, b: 20));
            foreach (var name in new[] { "xaxis", "yaxis" })
            {
                var a = AxisOf(l, name);
                a.SetProperty("type", "category");
                a.SetProperty("showgrid", false);
                a.SetProperty("zeroline", false);
                a.SetProperty("dtick", 1);
                a.SetProperty("tickfont", Dyn(("size", 9)));
                a.SetProperty("constrain", "domain");
            }
            AxisOf(l, "xaxis").SetProperty("side", "top");
            AxisOf(l, "yaxis").SetProperty("autorange", "reversed");
            AxisOf(l, "yaxis").SetProperty("scaleanchor", "x");
            ColorAnnotations(l, z, dark: (row, col) => z[row][col] > min + (max - min) / 2, fontSize: Math.Max(6, cellPx / 3));
        });
        // plotly.js' "Greys" runs black -> white; reversed: 0 white, ink dark, as in Image.
        SetTraceProps(chart, ("colorscale", "Greys"), ("reversescale", true),
            ("hovertemplate", "row %{y}, col %{x}: %{z:.3f}<extra></extra>"));
        return GenericChart.toFigureJson(chart);
    }

    // plotly's default first three colours: blue, orange, green.
    private static readonly string[] SeriesColors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd"];

    // ---------- helpers ----------

    private static GenericChart ImageTrace(double[][] z, string colorscale, bool showScale)
    {
        var (scale, reverse) = colorscale.ToLowerInvariant() switch
        {
            "gray" or "grey" => (StyleParam.Colorscale.Greys, false),      // plotly Greys: low = black
            "rdbu" => (StyleParam.Colorscale.RdBu, false),               // replaced below: negative blue, 0 white, positive red
            "viridis" => (StyleParam.Colorscale.Viridis, false),
            _ => (StyleParam.Colorscale.Greys, true),                     // "greys": low = white, ink dark
        };
        var c = CS.Chart.Heatmap<double, int, int, string>(z, ColorScale: scale, ReverseScale: reverse,
            ShowScale: showScale, ReverseYAxis: true);
        if (IsDiverging(colorscale)) // explicit, so the sign convention does not depend on plotly's RdBu direction
            SetTraceProps(c, ("colorscale", new object[] { new object[] { 0.0, "#2166ac" }, new object[] { 0.5, "#f7f7f7" }, new object[] { 1.0, "#b2182b" } }),
                             ("reversescale", false));
        SetTraceProps(c, ("hovertemplate", "row %{y}, col %{x}: %{z:.3f}<extra></extra>"));
        return c;
    }

    private static bool IsDiverging(string colorscale) => colorscale.Equals("rdbu", StringComparison.OrdinalIgnoreCase);

    private static double[][] ToRows(double[] pixels, int width)
    {
        if (width <= 0 || pixels.Length % width != 0) throw new ArgumentException($"{pixels.Length} pixels are not rows of {width}");
        var h = pixels.Length / width;
        var rows = new double[h][];
        for (var r = 0; r < h; r++)
        {
            rows[r] = new double[width];
            for (var c = 0; c < width; c++) rows[r][c] = Math.Round(pixels[r * width + c], 4); // short JSON
        }
        return rows;
    }

    private static void Mutate(GenericChart chart, Action<Layout> f) => f(GenericChart.getLayout(chart));

    /// <summary>The frame every chart with axes shares: axis titles, size, title, and margins that leave room for them.</summary>
    private static GenericChart WithFrame(GenericChart chart, string title, string xTitle, string yTitle, int width, int height, int extraTop = 0)
    {
        chart = CS.GenericChartExtensions.WithXAxisStyle<double, double, string>(chart, TitleText: xTitle);
        chart = CS.GenericChartExtensions.WithYAxisStyle<double, double, string>(chart, TitleText: yTitle);
        chart = CS.GenericChartExtensions.WithSize(chart, width, height);
        Mutate(chart, l =>
        {
            SetTitle(l, title);
            l.SetProperty("margin", Margin(l: 60, r: 20, t: (string.IsNullOrEmpty(title) ? 20 : 50) + extraTop, b: 50));
        });
        return chart;
    }

    /// <summary>
    /// Makes each heatmap annotation readable on its cell: white text where the cell is dark, black
    /// elsewhere. Plotly.NET puts the annotations at cell indices (x = column, y = row); an F# seq may
    /// be lazy (new objects on each enumeration), so it is materialised, edited and stored back.
    /// </summary>
    private static void ColorAnnotations(Layout l, double[][] z, Func<int, int, bool> dark, int fontSize)
    {
        if (l.TryGetPropertyValue("annotations") is not { } opt || opt.Value is not System.Collections.IEnumerable seq) return;
        var anns = seq.OfType<DynamicObj.DynamicObj>().ToList();
        l.SetProperty("annotations", anns);
        foreach (var a in anns)
            if (a.TryGetPropertyValue("x")?.Value is int col && a.TryGetPropertyValue("y")?.Value is int row
                && row < z.Length && col < z[row].Length)
                a.SetProperty("font", Dyn(("color", dark(row, col) ? "white" : "black"), ("size", fontSize)));
    }

    private static void SetTraceProps(GenericChart chart, params (string, object)[] props)
    {
        foreach (var t in GenericChart.getTraces(chart))
            foreach (var (k, v) in props) t.SetProperty(k, v);
    }

    private static DynamicObj.DynamicObj Dyn(params (string, object)[] props)
    {
        var d = new DynamicObj.DynamicObj();
        foreach (var (k, v) in props) d.SetProperty(k, v);
        return d;
    }

    private static DynamicObj.DynamicObj Margin(int l, int r, int t, int b) => Dyn(("l", l), ("r", r), ("t", t), ("b", b));

    private static void SetTitle(Layout l, string title)
    {
        if (!string.IsNullOrEmpty(title)) l.SetProperty("title", Dyn(("text", title), ("x", 0.02), ("xanchor", "left"))); // left: clear of the mode bar
    }

    private static DynamicObj.DynamicObj AxisOf(Layout l, string name)
    {
        if (l.TryGetPropertyValue(name) is { } o && o.Value is DynamicObj.DynamicObj d) return d;
        var axis = new LinearAxis();
        l.SetProperty(name, axis);
        return axis;
    }

    private static void StyleImageAxes(Layout l, string x, string y)
    {
        StyleAxis(l, x, reversed: false);
        StyleAxis(l, y, reversed: true); // also anchors the y axis to its x axis (square pixels)
    }

    private static void StyleAxis(Layout l, string name, bool reversed)
    {
        var a = AxisOf(l, name);
        a.SetProperty("showticklabels", false);
        a.SetProperty("showgrid", false);
        a.SetProperty("zeroline", false);
        a.SetProperty("ticks", "");
        if (reversed) a.SetProperty("autorange", "reversed");
        // keep pixels square
        if (name.StartsWith("yaxis", StringComparison.Ordinal))
            a.SetProperty("scaleanchor", "x" + name["yaxis".Length..]);
        a.SetProperty("constrain", "domain");
    }

    private static string Fmt(double v) =>
        v == Math.Floor(v) && Math.Abs(v) < 1e9 ? v.ToString("0", CultureInfo.InvariantCulture)
                                                : v.ToString("0.###", CultureInfo.InvariantCulture);
}
