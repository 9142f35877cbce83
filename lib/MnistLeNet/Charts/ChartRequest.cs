using System.Text.Json;
using System.Text.Json.Serialization;

namespace MnistLeNet.Charts;

// One record per chart, compiled into both MnistLeNet and MnistLeNet.Plotting so both agree; only JSON crosses.

[JsonPolymorphic(TypeDiscriminatorPropertyName = "chart")]
[JsonDerivedType(typeof(PlotlyJsRequest), "plotly.js")]
[JsonDerivedType(typeof(ImageChart), "image")]
[JsonDerivedType(typeof(ImageGridChart), "image-grid")]
[JsonDerivedType(typeof(AnnotatedImageChart), "annotated-image")]
[JsonDerivedType(typeof(LinesChart), "lines")]
[JsonDerivedType(typeof(TrainingCurvesChart), "training-curves")]
[JsonDerivedType(typeof(ColoredBarsChart), "colored-bars")]
[JsonDerivedType(typeof(GroupedBarsChart), "grouped-bars")]
[JsonDerivedType(typeof(ConfusionMatrixChart), "confusion-matrix")]
internal abstract record ChartRequest(string Title)
{
    public string ToJson() => JsonSerializer.Serialize(this, ChartRequestJson.Default.ChartRequest);

    public static ChartRequest FromJson(string json) =>
        JsonSerializer.Deserialize(json, ChartRequestJson.Default.ChartRequest) ?? throw new ArgumentException("no chart request", nameof(json));
}

// Source-generated: file-based apps and trimmed builds turn reflection-based JSON off.
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(ChartRequest))]
internal sealed partial class ChartRequestJson : JsonSerializerContext;

// Not a chart: the answer is plotly.min.js itself.
internal sealed record PlotlyJsRequest() : ChartRequest("plotly.js");
internal sealed record ImageChart(double[] Pixels, int Width, string Title, string Colorscale, int SizePx) : ChartRequest(Title);
internal sealed record ImageGridChart(double[][] Images, int Width, string[]? Titles, int Columns, string Title,
    string Colorscale, int CellPx, bool SharedScale) : ChartRequest(Title);
internal sealed record AnnotatedImageChart(double[] Pixels, int Width, string Title, int Decimals, int CellPx) : ChartRequest(Title);
internal sealed record LinesChart(double[] X, string[] Names, double[][] Ys, string Title, string XTitle, string YTitle,
    bool Markers) : ChartRequest(Title);
internal sealed record TrainingCurvesChart(double[] TrainLoss, double[] TestLoss, double[] TestAccuracy, int TotalEpochs,
    string Title, double[]? TrainAccuracy = null) : ChartRequest(Title);
internal sealed record ColoredBarsChart(string[] Labels, double[] Values, string[] Colors, string[] Texts, string Title,
    string XTitle, string YTitle, double YMin, double YMax) : ChartRequest(Title);
internal sealed record GroupedBarsChart(string[] Labels, string[] Names, double[][] Values, string[][] HoverTexts, string Title,
    string XTitle, string YTitle, string YTickFormat) : ChartRequest(Title);
internal sealed record ConfusionMatrixChart(double[][] Counts, string[] Labels, string Title) : ChartRequest(Title);
