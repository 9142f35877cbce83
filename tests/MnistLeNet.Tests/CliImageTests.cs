using System.Text.Json;
using MnistLeNet.Cli;
using MnistLeNet.Handwriting;
using MnistLeNet.Model;
using MnistLeNet.Prediction;
using SkiaSharp;

namespace MnistLeNet.Tests;

/// <summary><c>predict --image</c> and <c>pad</c>: the CLI on pictures of digits.</summary>
public sealed class CliImageTests(BrieflyTrainedModel trained) : IClassFixture<BrieflyTrainedModel>, IDisposable
{
    readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    string SavedModel()
    {
        var path = _dir.File("m.dat");
        ModelFile.Save(trained.Model, path);
        return path;
    }

    /// <summary>Test images the model reads correctly, redrawn as pictures: (file, label).</summary>
    List<(string File, int Label)> Pictures(string folder, int count)
    {
        Directory.CreateDirectory(folder);
        var right = Predictor.PredictMany(trained.Model, trained.Test, Enumerable.Range(0, 40).ToList()).Where(p => p.Correct).Take(count).ToList();
        return right.Select((p, k) =>
        {
            var file = Path.Combine(folder, $"digit-{k}.{(k % 2 == 0 ? "png" : "jpg")}");
            File.WriteAllBytes(file, RedrawnDigit.Of(p.Index, seed: k).Encode(k % 2 == 0 ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg));
            return (file, p.Label);
        }).ToList();
    }

    [Fact]
    public void Predict_image_reads_files_and_folders_and_prints_one_json_line_per_picture()
    {
        var model = SavedModel();
        var loose = Pictures(_dir.File("loose"), 2);
        var folder = Pictures(_dir.File("folder"), 3);

        var (code, output, err) = Run("predict", "--model", model, "--image", loose[0].File, loose[1].File, _dir.File("folder"), "--json");

        Assert.True(code == 0, err);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(loose.Concat(folder).Select(p => p.File), lines.Select(l => l.GetProperty("file").GetString()));
        Assert.All(lines, l => Assert.Equal(10, l.GetProperty("probabilities").GetArrayLength()));
        Assert.All(lines, l => Assert.Equal(1, l.GetProperty("probabilities").EnumerateArray().Sum(p => p.GetDouble()), 3));
        int recognised = lines.Zip(loose.Concat(folder), (l, p) => l.GetProperty("predicted").GetInt32() == p.Label ? 1 : 0).Sum();
        Assert.True(recognised >= 4, $"{recognised} of 5 redrawn digits recognised:\n{output}");
    }

    [Fact]
    public void A_bad_picture_gets_its_own_error_the_others_are_predicted_and_the_exit_code_is_1()
    {
        var model = SavedModel();
        var good = Pictures(_dir.File("good"), 2);
        File.WriteAllText(_dir.File("notes.png"), "not a picture");
        File.WriteAllBytes(_dir.File("blank.png"), RedrawnDigit.Blank().Encode(SKEncodedImageFormat.Png));

        var (code, output, err) = Run("predict", "--model", model, "--image", good[0].File, _dir.File("notes.png"), _dir.File("blank.png"),
            _dir.File("missing.png"), good[1].File);

        Assert.Equal(1, code);
        Assert.Contains($"{good[0].File}: predicted", output);
        Assert.Contains($"{good[1].File}: predicted", output);
        Assert.Contains($"error: {_dir.File("notes.png")}: not an image", err);
        Assert.Contains($"error: {_dir.File("blank.png")}: no ink", err);
        Assert.Contains($"error: {_dir.File("missing.png")}: no such file", err);
        Assert.Contains("3 of 5 pictures could not be read", err);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public void In_json_a_bad_picture_is_a_line_with_its_error()
    {
        File.WriteAllText(_dir.File("notes.png"), "not a picture");
        var (code, output, _) = Run("predict", "--model", SavedModel(), "--image", _dir.File("notes.png"), "--json");
        Assert.Equal(1, code);
        var line = JsonDocument.Parse(output.Trim()).RootElement;
        Assert.Equal(_dir.File("notes.png"), line.GetProperty("file").GetString());
        Assert.Contains("not an image", line.GetProperty("error").GetString());
    }

    [Fact]
    public void An_empty_folder_is_an_error()
    {
        Directory.CreateDirectory(_dir.File("empty"));
        var (code, _, err) = Run("predict", "--model", SavedModel(), "--image", _dir.File("empty"));
        Assert.Equal(1, code);
        Assert.Contains("holds no picture files", err);
    }

    [Fact]
    public void Pad_writes_a_standalone_page_with_the_models_weights()
    {
        var (code, output, err) = Run("pad", "--model", SavedModel(), "--out", _dir.File("pad.html"));
        Assert.True(code == 0, err);
        Assert.Contains(_dir.File("pad.html"), output);
        var page = File.ReadAllText(_dir.File("pad.html"));
        Assert.StartsWith("<!DOCTYPE html>", page);
        Assert.Contains(DigitPad.ModelJson(ModelFile.Load(_dir.File("m.dat"))), page);
    }
}
