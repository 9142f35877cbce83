using System.Text.Json;
using MnistLeNet.Cli;

namespace MnistLeNet.Tests;

public class CliTests
{
    static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData(new string[0], "Usage")]
    [InlineData(new[] { "fly" }, "unknown command 'fly'")]
    [InlineData(new[] { "train", "--epochs", "zero" }, "--epochs must be a whole number")]
    [InlineData(new[] { "train", "--epochs" }, "Required argument missing for option: '--epochs'")]
    [InlineData(new[] { "train", "--recipe", "slow" }, "--recipe must be one of classic, fast")]
    [InlineData(new[] { "train", "--lr", "-1" }, "--lr must be a positive number")]
    [InlineData(new[] { "train", "--colour", "red" }, "unknown option --colour")]
    [InlineData(new[] { "train", "--json", "--json" }, "given twice")]
    [InlineData(new[] { "train", "extra" }, "unexpected argument 'extra'")]
    [InlineData(new[] { "predict", "--index", "3" }, "Option '--model' is required")]
    [InlineData(new[] { "predict", "--model", "m.dat" }, "'predict' needs --index or --image")]
    [InlineData(new[] { "predict", "--model", "m.dat", "--image" }, "Required argument missing for option: '--image'")]
    [InlineData(new[] { "predict", "--model", "m.dat", "--image", "a.png", "--index", "3" }, "--image cannot be combined with --index")]
    [InlineData(new[] { "pad", "--out", "pad.html" }, "Option '--model' is required")]
    [InlineData(new[] { "predict", "--model", "m.dat", "--index", "10000" }, "--index must be a whole number from 0 to 9999")]
    [InlineData(new[] { "evaluate", "--device", "tpu" }, "--device must be one of auto, cpu, cuda")]
    public void Bad_command_lines_print_usage_and_exit_2_without_a_stack_trace(string[] args, string message)
    {
        var (code, _, err) = Run(args);
        Assert.Equal(2, code);
        Assert.Contains(message, err);
        Assert.Contains("Usage: mnist-lenet", err);
        Assert.DoesNotContain("   at ", err);
    }

    [Theory]
    [InlineData(new[] { "train", "--help" }, "mnist-lenet train [options]", "--resume <CHECKPOINT>")]
    [InlineData(new[] { "help", "predict" }, "mnist-lenet predict [options]", "--image <PATH>")]
    [InlineData(new[] { "--help" }, "mnist-lenet [command] [options]", "download")]
    public void Help_describes_each_command_on_stdout_with_exit_0(string[] args, string usage, string option)
    {
        var (code, stdout, err) = Run(args);
        Assert.Equal(0, code);
        Assert.Contains(usage, stdout);
        Assert.Contains(option, stdout);
        Assert.Equal("", err);
    }

    [Fact]
    public void A_missing_model_file_is_an_error_naming_it_with_exit_1()
    {
        var (code, _, err) = Run("evaluate", "--model", "/nonexistent/m.dat");
        Assert.Equal(1, code);
        Assert.Contains("/nonexistent/m.dat", err);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public void Device_cuda_trains_on_a_gpu_or_fails_with_a_message_where_there_is_none()
    {
        using var dir = new TempDir();
        var (code, output, err) = Run("train", "--device", "cuda", "--epochs", "1", "--limit", "100", "--out", dir.File("m.dat"));
        if (TorchSharp.torch.cuda.is_available())
        {
            Assert.Equal(0, code);
            Assert.Contains("device: cuda", output);
        }
        else
        {
            Assert.Equal(1, code);
            Assert.Contains("no CUDA device", err);
            Assert.DoesNotContain("   at ", err);
        }
    }

    [Fact]
    public void Train_then_predict_and_evaluate_print_json_as_the_last_line()
    {
        using var dir = new TempDir();
        var model = dir.File("m.dat");
        var train = Run("train", "--recipe", "fast", "--epochs", "1", "--limit", "2000", "--out", model, "--json");
        Assert.Equal(0, train.Code);
        Assert.Contains("start training", train.Out);
        Assert.Contains("[validation]", train.Out);
        var trained = JsonDocument.Parse(LastLine(train.Out)).RootElement;
        Assert.Equal("fast (modified)", trained.GetProperty("recipe").GetString());
        Assert.Contains("recipe fast (modified): ", train.Out);
        Assert.Equal(1, trained.GetProperty("epochs").GetInt32());
        Assert.InRange(trained.GetProperty("test_accuracy")[0].GetDouble(), 0.5, 1.0);
        Assert.True(trained.GetProperty("train_images_per_second").GetDouble() > 0);
        Assert.Equal(model, trained.GetProperty("model").GetString());
        AssertTrainingChartShows(trained, train.Out, dir);

        var predict = Run("predict", "--model", model, "--index", "0", "--json");
        Assert.Equal(0, predict.Code);
        var p = JsonDocument.Parse(LastLine(predict.Out)).RootElement;
        Assert.Equal(0, p.GetProperty("index").GetInt32());
        Assert.Equal(7, p.GetProperty("label").GetInt32());
        var probabilities = p.GetProperty("probabilities").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        Assert.Equal(10, probabilities.Length);
        Assert.Equal(1.0, probabilities.Sum(), 4);
        Assert.Equal(Array.IndexOf(probabilities, probabilities.Max()), p.GetProperty("predicted").GetInt32());

        var evaluate = Run("evaluate", "--model", model, "--json");
        Assert.Equal(0, evaluate.Code);
        Assert.Equal(trained.GetProperty("test_accuracy")[0].GetDouble(),
            JsonDocument.Parse(LastLine(evaluate.Out)).RootElement.GetProperty("accuracy").GetDouble(), 4);
    }

    /// <summary>train wrote an offline chart next to the model, showing this run's numbers.</summary>
    static void AssertTrainingChartShows(JsonElement trained, string stdout, TempDir dir)
    {
        var chart = dir.File("m.training.html");
        Assert.Contains($"training chart (opens offline in a browser) saved to {chart}", stdout);
        Assert.Equal(chart, trained.GetProperty("training_chart").GetString());
        Assert.Equal(["m.dat", "m.training.html"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());

        var page = File.ReadAllText(chart);
        Assert.Contains("Plotly.newPlot", page);
        var figure = page[(page.IndexOf("var fig = ", StringComparison.Ordinal) + "var fig = ".Length)..];
        figure = figure[..figure.IndexOf(";\nvar id", StringComparison.Ordinal)];
        var traces = JsonDocument.Parse(figure).RootElement.GetProperty("data").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        var accuracy = traces["test accuracy"].GetProperty("y").EnumerateArray().Select(v => Math.Round(v.GetDouble(), 4));
        Assert.Equal(trained.GetProperty("test_accuracy").EnumerateArray().Select(v => v.GetDouble()), accuracy);
    }

    static string LastLine(string text) => text.TrimEnd().Split('\n')[^1];
}
