using System.Text.Json;
using MnistLeNet.Cli;

namespace MnistLeNet.Tests;

public class ChartCliTests
{
    [Fact]
    public void Train_writes_an_offline_training_chart_next_to_the_model()
    {
        using var dir = new TempDir();
        var model = dir.File("m.dat");
        var stdout = new StringWriter();
        int code = CliApp.Run(["train", "--recipe", "fast", "--epochs", "2", "--limit", "640", "--out", model, "--json"], stdout, new StringWriter());
        Assert.Equal(0, code);

        var chart = dir.File("m.training.html");
        Assert.Contains($"training chart (opens offline in a browser) saved to {chart}", stdout.ToString());
        var json = JsonDocument.Parse(stdout.ToString().TrimEnd().Split('\n')[^1]).RootElement;
        Assert.Equal(chart, json.GetProperty("training_chart").GetString());
        Assert.Equal(["m.dat", "m.training.html"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());

        // The page shows this run's numbers, with the epoch axis spanning the two epochs.
        var page = File.ReadAllText(chart);
        Assert.Contains("Plotly.newPlot", page);
        var figure = page[(page.IndexOf("var fig = ", StringComparison.Ordinal) + "var fig = ".Length)..];
        figure = figure[..figure.IndexOf(";\nvar id", StringComparison.Ordinal)];
        var traces = JsonDocument.Parse(figure).RootElement.GetProperty("data").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        var accuracy = traces["test accuracy"].GetProperty("y").EnumerateArray().Select(v => Math.Round(v.GetDouble(), 4));
        Assert.Equal(json.GetProperty("test_accuracy").EnumerateArray().Select(v => v.GetDouble()), accuracy);
    }
}
