using System.Text.Json;

namespace MnistLeNet.Tests;

/// <summary><c>train --recipe speedrun</c> in a fresh process, as the benchmark and a user run it.</summary>
public class SpeedrunCliTests
{
    static (int Code, string Out, string Err) Train(TempDir dir, params string[] args) =>
        ChildProcess.Run("dotnet", [RunningCli.Dll, "train", "--recipe", "speedrun", "--out", dir.File("m.dat"), "--json", .. args],
            dir.Path, TimeSpan.FromMinutes(5));

    static JsonElement LastJson(string stdout) => JsonDocument.Parse(stdout.TrimEnd().Split('\n')[^1]).RootElement;

    [Fact]
    public void The_speedrun_stops_at_99_percent_and_reports_images_and_seconds_from_process_start()
    {
        using var dir = new TempDir();
        var (code, stdout, stderr) = Train(dir, "--seed", "1", "--threads", "1");
        Assert.True(code == 0, stderr);
        var json = LastJson(stdout);
        Assert.Equal("speedrun", json.GetProperty("recipe").GetString());
        Assert.True(json.GetProperty("reached_target").GetBoolean());
        Assert.Equal(0.99, json.GetProperty("target_accuracy").GetDouble());
        var accuracy = json.GetProperty("test_accuracy").EnumerateArray().Last().GetDouble();
        Assert.InRange(accuracy, 0.99, 1.0);
        long images = json.GetProperty("train_images").GetInt64();
        Assert.InRange(images, 60_000, 100_063);                       // nothing stops before 60,000 images
        Assert.Contains($"target reached: test accuracy {accuracy:F4} after {images} training images", stdout);
        Assert.True(json.GetProperty("seconds_from_process_start").GetDouble() > 0);
        // Every field the other recipes report is there too.
        foreach (var field in new[] { "epochs", "batch_size", "device", "test_loss", "train_loss", "train_images_per_second", "model", "training_chart", "first_test_image", "non_finite" })
            Assert.True(json.TryGetProperty(field, out _), field);

        // The saved model takes raw images like every other: evaluated afresh, it scores what the run reported.
        var evaluate = ChildProcess.Run("dotnet", [RunningCli.Dll, "evaluate", "--model", dir.File("m.dat"), "--json"], dir.Path, TimeSpan.FromMinutes(2));
        Assert.Equal(0, evaluate.Code);
        Assert.Equal(accuracy, LastJson(evaluate.Out).GetProperty("accuracy").GetDouble(), 4);
    }

    [Fact]
    public void A_short_run_never_reaches_the_first_check_and_says_so()
    {
        using var dir = new TempDir();
        var (code, stdout, stderr) = Train(dir, "--limit", "2000", "--epochs", "1");
        Assert.True(code == 0, stderr);
        var json = LastJson(stdout);
        Assert.False(json.GetProperty("reached_target").GetBoolean());
        Assert.Equal(2000, json.GetProperty("train_images").GetInt64());
        Assert.DoesNotContain("[check]", stdout);
    }

    [Fact]
    public void Recipes_without_a_target_report_null_for_it()
    {
        using var dir = new TempDir();
        var (code, stdout, stderr) = ChildProcess.Run("dotnet", [RunningCli.Dll, "train", "--recipe", "fast", "--limit", "640", "--epochs", "1", "--out", dir.File("m.dat"), "--json"],
            dir.Path, TimeSpan.FromMinutes(5));
        Assert.True(code == 0, stderr);
        var json = LastJson(stdout);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("reached_target").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("target_accuracy").ValueKind);
        Assert.Equal(640, json.GetProperty("train_images").GetInt64());
    }
}
