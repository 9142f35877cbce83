using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using MnistLeNet.Charts;
using MnistLeNet.Training;

namespace MnistLeNet.Tests;

/// <summary>The charts get the numbers right and draw them the right way round; pages work offline.</summary>
public class ChartTests
{
    static JsonElement Figure(ChartHtml chart) => JsonDocument.Parse(chart.FigureJson).RootElement;
    static double[] Numbers(JsonElement array) => array.EnumerateArray().Select(v => v.GetDouble()).ToArray();
    static string[] Strings(JsonElement array) => array.EnumerateArray().Select(v => v.GetString()!).ToArray();

    [Fact]
    public void A_digit_heatmap_holds_the_pixels_row_0_first_on_a_reversed_y_axis()
    {
        var pixels = Mnist.Test.Pixels(0);
        var fig = Figure(Plots.Digit(pixels, "a seven"));
        var z = fig.GetProperty("data")[0].GetProperty("z");
        Assert.Equal(28, z.GetArrayLength());
        for (int r = 0; r < 28; r++)
        {
            var row = Numbers(z[r]);
            Assert.Equal(28, row.Length);
            for (int c = 0; c < 28; c++) Assert.Equal(pixels[r, c], row[c], tolerance: 1e-4); // rounded to 4 decimals
        }
        // Row 0 is drawn at the top only because the y axis runs downwards.
        Assert.Equal("reversed", fig.GetProperty("layout").GetProperty("yaxis").GetProperty("autorange").GetString());
        Assert.Equal("a seven", fig.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void Digits_make_one_cell_per_image_with_its_caption()
    {
        var images = Enumerable.Range(0, 10).Select(Mnist.Test.Pixels).ToArray();
        var titles = Enumerable.Range(0, 10).Select(i => $"label {Mnist.Test.Labels.data<long>()[i]}").ToArray();
        var fig = Figure(Plots.Digits(images, titles, columns: 4));
        var traces = fig.GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal(12, traces.Length); // 3 rows of 4; the last two cells empty
        Assert.Equal(images[9][5, 7], Numbers(traces[9].GetProperty("z")[5])[7], tolerance: 1e-4);
        var captions = fig.GetProperty("layout").GetProperty("annotations").EnumerateArray().Select(a => a.GetProperty("text").GetString()).ToArray();
        Assert.Equal(titles, captions.Where(t => t!.Length > 0));
        Assert.Throws<ArgumentException>(() => Plots.Digits(images, titles[..3]));
    }

    [Fact]
    public void Pixel_values_write_every_non_zero_pixel_in_its_cell()
    {
        var pixels = Mnist.Test.Pixels(0);
        var fig = Figure(Plots.PixelValues(pixels, decimals: 2));
        var texts = fig.GetProperty("layout").GetProperty("annotations").EnumerateArray()
            .Select(a => a.GetProperty("text").GetString()).Where(t => t!.Length > 0).ToArray();
        Assert.Equal(pixels.Cast<float>().Count(v => v != 0), texts.Length);
        Assert.Equal(pixels[8, 10].ToString("0.00", System.Globalization.CultureInfo.InvariantCulture),
            fig.GetProperty("layout").GetProperty("annotations").EnumerateArray()
               .Single(a => a.GetProperty("x").ToString() == "10" && a.GetProperty("y").ToString() == "8").GetProperty("text").GetString());
    }

    [Fact]
    public void Probability_bars_sum_to_one_and_highlight_the_most_likely_digit()
    {
        float[] p = [0.01f, 0.02f, 0.05f, 0.6f, 0.02f, 0.2f, 0.03f, 0.03f, 0.02f, 0.02f];
        var bars = Figure(Plots.Probabilities(p)).GetProperty("data")[0];
        Assert.Equal(1.0, Numbers(bars.GetProperty("y")).Sum(), 5);
        var colors = Strings(bars.GetProperty("marker").GetProperty("color"));
        Assert.Equal([3], Enumerable.Range(0, 10).Where(i => colors[i] == Plots.PredictedColor));
        Assert.Equal(9, colors.Count(c => c == Plots.OtherColor));

        // A wrong prediction also marks the true digit, and the title says it is wrong.
        var wrong = Figure(Plots.Probabilities(p, label: 5));
        colors = Strings(wrong.GetProperty("data")[0].GetProperty("marker").GetProperty("color"));
        Assert.Equal(Plots.PredictedColor, colors[3]);
        Assert.Equal(Plots.LabelColor, colors[5]);
        Assert.Contains("wrong", wrong.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        Assert.Contains("right", Plots.Probabilities(p, label: 3).Title);
    }

    [Fact]
    public void Class_counts_show_each_digits_share_of_train_and_test_side_by_side()
    {
        var train = Mnist.Train.ClassCounts();
        var test = Mnist.Test.ClassCounts();
        var fig = Figure(Plots.ClassCounts(train, test));
        var traces = fig.GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal(2, traces.Length);
        Assert.Equal("group", fig.GetProperty("layout").GetProperty("barmode").GetString());
        Assert.Equal(train[1] / 60000.0, Numbers(traces[0].GetProperty("y"))[1], 6);
        Assert.Equal(test[5] / 10000.0, Numbers(traces[1].GetProperty("y"))[5], 6);
        Assert.Contains($"{test[5]:N0} images of 5", Strings(traces[1].GetProperty("hovertext"))[5]);
    }

    [Fact]
    public void Training_curves_keep_the_epoch_axis_fixed_while_epochs_arrive()
    {
        var history = new TrainingHistory();
        JsonElement Layout() => Figure(history.CurvesChart(totalEpochs: 5)).GetProperty("layout");
        var before = Layout();
        history.Epochs.Add(new EpochResult(1, 0.9, 0.4, 0.87, 1, 100));
        history.Epochs.Add(new EpochResult(2, 0.3, 0.2, 0.93, 1, 100));
        var fig = Figure(history.CurvesChart(totalEpochs: 5));
        foreach (var axis in new[] { "xaxis", "xaxis2" })
        {
            var range = Numbers(fig.GetProperty("layout").GetProperty(axis).GetProperty("range"));
            Assert.Equal(range, Numbers(before.GetProperty(axis).GetProperty("range")));
            Assert.True(range[0] < 1 && range[1] > 5 && range[1] < 6, string.Join(",", range));
        }
        var traces = fig.GetProperty("data").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        Assert.Equal([1.0, 2.0], Numbers(traces["train loss"].GetProperty("x")));
        Assert.Equal([0.9, 0.3], Numbers(traces["train loss"].GetProperty("y")));
        Assert.Equal([0.4, 0.2], Numbers(traces["test loss"].GetProperty("y")));
        Assert.Equal([0.87, 0.93], Numbers(traces["test accuracy"].GetProperty("y")));
        Assert.Equal("x2", traces["test accuracy"].GetProperty("xaxis").GetString());
        Assert.DoesNotContain(traces.Keys, k => k.StartsWith("train accuracy", StringComparison.Ordinal)); // not measured: not drawn
    }

    [Fact]
    public void Training_curves_draw_the_training_accuracy_beside_the_test_accuracy_when_every_epoch_has_one()
    {
        var history = new TrainingHistory();
        history.Epochs.Add(new EpochResult(1, 0.9, 0.4, 0.87, 1, 100) { TrainAccuracy = 0.8 });
        history.Epochs.Add(new EpochResult(2, 0.3, 0.2, 0.93, 1, 100) { TrainAccuracy = 0.95 });
        var traces = Figure(history.CurvesChart(totalEpochs: 5)).GetProperty("data").EnumerateArray()
            .ToDictionary(t => t.GetProperty("name").GetString()!);
        var train = traces.Single(t => t.Key.StartsWith("train accuracy", StringComparison.Ordinal)).Value;
        Assert.Equal([0.8, 0.95], Numbers(train.GetProperty("y")));
        Assert.Equal("x2", train.GetProperty("xaxis").GetString());               // in the accuracy panel, with the test accuracy
        Assert.Equal([0.87, 0.93], Numbers(traces["test accuracy"].GetProperty("y")));
    }

    [Fact]
    public void Batch_losses_are_placed_at_their_point_in_training_measured_in_epochs()
    {
        var history = new TrainingHistory();
        history.LoggedBatches.Add(new BatchLogged(1, 0, 100, 2.3));
        history.LoggedBatches.Add(new BatchLogged(1, 50, 100, 1.0));
        history.LoggedBatches.Add(new BatchLogged(2, 25, 100, 0.5));
        var line = Figure(history.BatchLossChart()).GetProperty("data")[0];
        Assert.Equal([0.0, 0.5, 1.25], Numbers(line.GetProperty("x")));
        Assert.Equal([2.3, 1.0, 0.5], Numbers(line.GetProperty("y")));
    }

    [Fact]
    public void Filters_share_one_colour_range_centred_on_zero()
    {
        float[][] filters = [Enumerable.Range(0, 25).Select(i => i / 100f).ToArray(), Enumerable.Range(0, 25).Select(i => -i / 50f).ToArray()];
        var traces = Figure(Plots.Filters(filters)).GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal(2, traces.Length);
        foreach (var t in traces)
        {
            Assert.Equal(-0.48, t.GetProperty("zmin").GetDouble(), 6);
            Assert.Equal(0.48, t.GetProperty("zmax").GetDouble(), 6);
            Assert.Equal(5, t.GetProperty("z").GetArrayLength());
        }
        Assert.Equal(-0.46, Numbers(traces[1].GetProperty("z")[4])[3], 6); // row 4, column 3 = value 23
    }

    [Fact]
    public void Feature_maps_make_one_picture_per_channel()
    {
        var maps = Enumerable.Range(0, 16).Select(c => Enumerable.Range(0, 64).Select(i => (float)(c + i)).ToArray()).ToArray();
        var fig = Figure(Plots.FeatureMaps(maps, 8, "after conv2"));
        var traces = fig.GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal(16, traces.Length);
        Assert.Equal(8, traces[15].GetProperty("z").GetArrayLength());
        Assert.Equal(15 + 63, Numbers(traces[15].GetProperty("z")[7])[7]);
        Assert.Equal(2, fig.GetProperty("layout").GetProperty("grid").GetProperty("rows").GetInt32());
    }

    [Fact]
    public void A_standalone_page_carries_plotly_js_inline_and_fetches_nothing()
    {
        var page = Plots.Digit(Mnist.Test.Pixels(1), "a two").ToStandaloneHtml();
        var inlinePlotly = PlotlyEngine.PlotlyJs.Replace("</", "<\\/");
        Assert.True(inlinePlotly.Length > 3_000_000);
        Assert.Contains(inlinePlotly, page);
        // No element loads anything: no <script src=...>, <link href=...>, <img src=...> anywhere on the page.
        Assert.DoesNotMatch(new Regex(@"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=", RegexOptions.IgnoreCase), page);
        // plotly.min.js itself mentions cdn.plot.ly (for map charts we never draw); the rest of the page names no URL at all,
        // and requires nothing (no require.js module paths).
        var ours = page.Replace(inlinePlotly, "");
        Assert.DoesNotMatch(new Regex("https?://"), ours);
        Assert.DoesNotContain("require(", ours);
        Assert.Contains("Plotly.newPlot", ours);
    }

    [Fact]
    public void The_plotly_js_cell_carries_plotly_js_once_so_later_charts_do_not()
    {
        var cell = Plots.LoadPlotlyJs();
        Assert.Contains(PlotlyEngine.PlotlyJsScript, cell.Html);
        Assert.Matches(@"^plotly\.js \d+\.\d+\.\d+ \(inline\)$", cell.ToString()); // the version read from plotly.js
        var chart = Plots.Digit(Mnist.Test.Pixels(3)).Html;
        Assert.Contains("Plotly.newPlot", chart);
        Assert.DoesNotContain(PlotlyEngine.PlotlyJsScript, chart);
    }

    static readonly double[] Four = [0, 0.5, 1, 0.25];

    static readonly ChartRequest[] OneOfEachKind =
    [
        new ImageChart(Four, 2, "image", "greys", 50),
        new ImageGridChart([Four, Four], 2, ["a", "b"], 2, "grid", "rdbu", 50, true),
        new AnnotatedImageChart(Four, 2, "annotated", 1, 20),
        new LinesChart([1, 2], ["s"], [[0.5, 0.25]], "lines", "x", "y", true),
        new TrainingCurvesChart([1, 0.5], [1, 0.75], [0.5, 0.625], 2, "curves"),
        new ColoredBarsChart(["0", "1"], [0.25, 0.75], ["red", "blue"], ["", ""], "bars", "x", "y", 0, 1),
        new GroupedBarsChart(["0", "1"], ["a"], [[1, 2]], [["x", "y"]], "grouped", "x", "y", ""),
        new ConfusionMatrixChart([[1, 0], [0, 1]], ["0", "1"], "confusion"),
    ];

    [Fact]
    public void Every_kind_of_chart_request_crosses_to_the_plotting_engine_and_comes_back_a_figure()
    {
        var kinds = typeof(ChartRequest).GetCustomAttributes<JsonDerivedTypeAttribute>().Select(a => a.DerivedType)
            .Where(t => t != typeof(PlotlyJsRequest));
        Assert.Equal(kinds.Select(t => t.Name).Order(), OneOfEachKind.Select(r => r.GetType().Name).Order());
        foreach (var request in OneOfEachKind)
        {
            var fig = Figure(new ChartHtml(request));
            Assert.True(fig.GetProperty("data").GetArrayLength() > 0, request.GetType().Name);
            Assert.Equal(request.Title, fig.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        }
    }

    [Fact]
    public void The_serialisers_loop_check_compares_references_and_every_figure_is_what_the_deep_comparison_gives()
    {
        Plots.Digit(Mnist.Test.Pixels(0)); // loads the plotting engine if nothing did before
        var plotly = AssemblyLoadContext.All.Single(c => c.Name == PlotlyEngine.PlottingAssemblyName)
            .Assemblies.Single(a => a.GetName().Name == "Plotly.NET");
        var settings = plotly.GetType("Globals", throwOnError: true)!.GetProperty("JSON_CONFIG")!.GetValue(null)!;
        var comparer = settings.GetType().GetProperty("EqualityComparer")!;
        Assert.Same(ReferenceEqualityComparer.Instance, comparer.GetValue(settings));
        // Why the comparer cannot change a figure: loops are serialised whatever the check finds.
        Assert.Equal("Serialize", settings.GetType().GetProperty("ReferenceLoopHandling")!.GetValue(settings)!.ToString());
        var byReference = OneOfEachKind.Select(r => new ChartHtml(r).FigureJson).ToArray();
        comparer.SetValue(settings, null); // Newtonsoft.Json's default: Equals, i.e. DynamicObj's deep comparison
        try
        {
            Assert.Equal(OneOfEachKind.Select(r => new ChartHtml(r).FigureJson), byReference);
        }
        finally
        {
            comparer.SetValue(settings, ReferenceEqualityComparer.Instance);
        }
    }

    [Fact]
    public void Saving_replaces_the_file_in_one_step_and_leaves_no_temporary_file()
    {
        using var dir = new TempDir();
        var path = dir.File("sub/chart.html");
        var full = Plots.Digit(Mnist.Test.Pixels(2), "first").SaveHtml(path);
        Assert.Equal(Path.GetFullPath(path), full);
        Plots.Digit(Mnist.Test.Pixels(2), "second").SaveHtml(path);
        Assert.Contains("<title>second</title>", File.ReadAllText(path));
        Assert.Equal(["chart.html"], Directory.GetFiles(dir.File("sub")).Select(Path.GetFileName));
    }

    [Fact]
    public void Plotly_runs_in_its_own_load_context_so_the_hosts_FSharp_Core_is_never_touched()
    {
        Plots.Digit(Mnist.Test.Pixels(0)); // loads the plotting engine if nothing did before
        Assert.DoesNotContain(AssemblyLoadContext.Default.Assemblies, a => a.GetName().Name is "FSharp.Core" or "Plotly.NET");
        var plotting = Assert.Single(AssemblyLoadContext.All, c => c.Name == PlotlyEngine.PlottingAssemblyName);
        var fsharp = Assert.Single(plotting.Assemblies, a => a.GetName().Name == "FSharp.Core");
        Assert.Equal(new Version(10, 1, 0, 0), fsharp.GetName().Version);
        Assert.Contains(plotting.Assemblies, a => a.GetName().Name == "Plotly.NET");
    }
}
