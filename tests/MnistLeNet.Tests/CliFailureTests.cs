using System.Text.Json;
using MnistLeNet.Cli;
using MnistLeNet.Data;
using MnistLeNet.Model;
using MnistLeNet.Training;
using TorchSharp;

namespace MnistLeNet.Tests;

/// <summary>What the CLI does when things go wrong: divergence, bad outputs, interruptions, full disks.</summary>
public class CliFailureTests
{
    static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A short run: fast recipe, one epoch, 100 images.</summary>
    static readonly string[] Short = ["train", "--recipe", "fast", "--epochs", "1", "--limit", "100"];

    static string[] Files(string dir) => Directory.GetFiles(dir).Select(Path.GetFileName).Order().ToArray()!;

    static byte[] AGoodModel(string path)
    {
        using var model = TrainingOptions.Fast.CreateModel();
        ModelFile.Save(model, path);
        return File.ReadAllBytes(path);
    }

    [Fact]
    public void Divergence_stops_training_with_exit_1_and_keeps_the_previous_model()
    {
        using var dir = new TempDir();
        var before = AGoodModel(dir.File("m.dat"));
        var (code, _, err) = Run("train", "--recipe", "fast", "--epochs", "1", "--limit", "2000", "--lr", "1e9", "--out", dir.File("m.dat"), "--json");
        Assert.Equal(1, code);
        Assert.Contains("training diverged: the loss became", err);
        Assert.Contains("at epoch 1, batch", err);
        Assert.Contains("smaller learning rate", err);
        Assert.DoesNotContain("   at ", err);
        Assert.Equal(before, File.ReadAllBytes(dir.File("m.dat")));
        Assert.Equal(["m.dat"], Files(dir.Path));
    }

    [Fact]
    public void Json_writes_null_for_numbers_that_are_not_finite_and_names_them()
    {
        // Finite but enormous weights: every logit overflows to infinity, so loss and probabilities are NaN.
        using var dir = new TempDir();
        using (var model = new LeNet(activation: Activation.ReLU))
        {
            using (torch.no_grad())
            {
                model.get_parameter("fc1.bias")!.fill_(1f);
                model.get_parameter("fc2.weight")!.fill_(3e38f);
            }
            ModelFile.Save(model, dir.File("huge.dat"));
        }

        var evaluate = Run("evaluate", "--model", dir.File("huge.dat"), "--json");
        Assert.Equal(0, evaluate.Code);
        var e = JsonDocument.Parse(evaluate.Out.TrimEnd().Split('\n')[^1]).RootElement;
        Assert.Equal(JsonValueKind.Null, e.GetProperty("loss").ValueKind);
        Assert.Equal(["loss"], e.GetProperty("non_finite").EnumerateArray().Select(x => x.GetString()));

        var predict = Run("predict", "--model", dir.File("huge.dat"), "--index", "0", "--json");
        Assert.Equal(0, predict.Code);
        var p = JsonDocument.Parse(predict.Out.TrimEnd().Split('\n')[^1]).RootElement;
        Assert.All(p.GetProperty("probabilities").EnumerateArray(), x => Assert.Equal(JsonValueKind.Null, x.ValueKind));
        Assert.Contains("probabilities[0]", p.GetProperty("non_finite").EnumerateArray().Select(x => x.GetString()));
    }

    [Theory]
    [InlineData("/proc/mnist-lenet-test.dat", 1, "cannot write")] // refused even to root
    [InlineData("{dir}", 1, "is a folder")]
    [InlineData("{dir}/file/m.dat", 1, "is a file, not a folder")]
    [InlineData("", 2, "--out needs a file name")]
    [InlineData("{dir}/m.checkpoint", 2, "kept for the checkpoint")]
    public void An_unusable_out_is_refused_before_training(string output, int exitCode, string message)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("file"), "");
        var (code, stdout, err) = Run([.. Short, "--out", output.Replace("{dir}", dir.Path)]);
        Assert.Equal(exitCode, code);
        Assert.Contains(message, err);
        Assert.DoesNotContain("start training", stdout);
    }

    [Fact]
    public void An_out_that_is_a_data_file_is_refused()
    {
        using var dir = new TempDir();
        var data = CopyOfTheData(dir);
        var labels = Path.Combine(data, MnistFiles.TestLabels.FileName);
        var before = File.ReadAllBytes(labels);
        var (code, stdout, err) = Run([.. Short, "--data", data, "--out", labels]);
        Assert.Equal(2, code);
        Assert.Contains($"is the MNIST data file {MnistFiles.TestLabels.FileName}", err);
        Assert.Equal(before, File.ReadAllBytes(labels));
        Assert.DoesNotContain("start training", stdout);
    }

    [Fact]
    public void Threads_beyond_the_cores_are_capped_with_a_warning()
    {
        using var dir = new TempDir();
        var (code, stdout, err) = Run([.. Short, "--threads", "999", "--out", dir.File("m.dat")]);
        Assert.Equal(0, code);
        Assert.Contains($"threads: {Environment.ProcessorCount}", stdout);
        Assert.Contains($"warning: --threads 999 is more than the {Environment.ProcessorCount} cores", err);
    }

    [Fact]
    public void Data_that_is_a_file_or_a_folder_in_place_of_a_file_gets_a_clear_message_and_no_download()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("not-a-folder"), "");
        AGoodModel(dir.File("m.dat"));
        var (code, _, err) = Run("evaluate", "--model", dir.File("m.dat"), "--data", dir.File("not-a-folder"));
        Assert.Equal(1, code);
        Assert.Contains($"{dir.File("not-a-folder")}: is a file, but the data folder must be a folder", err);

        var data = CopyOfTheData(dir);
        File.Delete(Path.Combine(data, MnistFiles.TestImages.FileName));
        Directory.CreateDirectory(Path.Combine(data, MnistFiles.TestImages.FileName));
        (code, _, err) = Run("evaluate", "--model", dir.File("m.dat"), "--data", data);
        Assert.Equal(1, code);
        Assert.Contains($"is a folder where the MNIST file {MnistFiles.TestImages.FileName} should be", err);
        Assert.DoesNotContain("download", err);
    }

    [Fact]
    public void Download_over_a_damaged_file_says_to_delete_it()
    {
        using var dir = new TempDir();
        var data = CopyOfTheData(dir);
        var labels = Path.Combine(data, MnistFiles.TestLabels.FileName);
        var bytes = File.ReadAllBytes(labels);
        File.WriteAllBytes(labels, bytes[..(bytes.Length / 2)]);
        var (code, _, err) = Run("download", "--data", data);
        Assert.Equal(1, code);
        Assert.Contains($"delete {labels} and run 'mnist-lenet download' again", err);
    }

    [Fact]
    public void Resume_keeps_the_recipe_of_the_checkpoint()
    {
        var (code, _, err) = Run("train", "--resume", "x.checkpoint", "--epochs", "3");
        Assert.Equal(2, code);
        Assert.Contains("--epochs cannot be combined with --resume", err);
    }

    [Fact]
    public void A_first_SIGTERM_saves_a_checkpoint_and_exits_130_then_resume_finishes_the_run()
    {
        using var dir = new TempDir();
        var before = AGoodModel(dir.File("m.dat"));
        using (var cli = new RunningCli(dir.Path, ["train", "--limit", "20000", "--epochs", "1", "--out", "m.dat", "--data", Mnist.Directory]))
        {
            cli.WaitForLine("batch_id: 500");

            // A second run on the same --out is refused while this one trains.
            var second = Run([.. Short, "--out", dir.File("m.dat")]);
            Assert.Equal(1, second.Code);
            Assert.Contains("another process is writing", second.Err);

            cli.Signal(RunningCli.SIGTERM);
            Assert.Equal(130, cli.WaitForExit());
            Assert.Contains("SIGTERM: stopping after the current batch", cli.Output);
            Assert.Contains("training stopped at epoch 1, after batch", cli.Output);
            Assert.Contains("To continue: mnist-lenet train --resume m.checkpoint --out m.dat", cli.Output);
        }
        Assert.Equal(before, File.ReadAllBytes(dir.File("m.dat")));
        Assert.Equal(["m.checkpoint", "m.dat"], Files(dir.Path));

        var resumed = Run("train", "--resume", dir.File("m.checkpoint"), "--out", dir.File("m.dat"));
        Assert.Equal(0, resumed.Code);
        Assert.Contains("resuming from", resumed.Out);
        Assert.Contains("[validation] epoch 1", resumed.Out);
        Assert.NotEqual(before, File.ReadAllBytes(dir.File("m.dat")));
        ModelFile.Load(dir.File("m.dat")).Dispose();
        Assert.Equal(["m.dat", "m.training.html"], Files(dir.Path));
    }

    [Fact]
    public void A_second_SIGINT_quits_at_once_and_the_next_run_cleans_up_after_it()
    {
        using var dir = new TempDir();
        var before = AGoodModel(dir.File("m.dat"));
        using (var cli = new RunningCli(dir.Path, ["train", "--out", "m.dat", "--data", Mnist.Directory]))
        {
            cli.WaitForLine("recipe classic"); // printed just before the data loads: no batch boundary for a while
            cli.Signal(RunningCli.SIGINT);
            cli.WaitForLine("SIGINT: stopping after the current batch");
            cli.Signal(RunningCli.SIGINT);
            Assert.Equal(130, cli.WaitForExit());
            Assert.DoesNotContain("checkpoint saved", cli.Output);
        }
        Assert.Equal(before, File.ReadAllBytes(dir.File("m.dat")));
        Assert.DoesNotContain("m.checkpoint", Files(dir.Path));

        // Quitting at once left the locked temporary files behind; the next run reuses and removes them.
        Assert.Equal(0, Run([.. Short, "--out", dir.File("m.dat")]).Code);
        Assert.Equal(["m.dat", "m.training.html"], Files(dir.Path));
    }

    [Fact]
    public void When_the_disk_fills_up_model_and_chart_both_stay_old_and_the_exit_status_says_so()
    {
        // No full disk without root: a file-size limit (ulimit -f, with SIGXFSZ ignored) fails writes
        // beyond 2 MB the same way. The model (~0.2 MB) fits; its chart (~5 MB, with plotly.js) does not.
        using var dir = new TempDir();
        File.WriteAllText(dir.File("m.dat"), "old model");
        File.WriteAllText(dir.File("m.training.html"), "old chart");
        using var cli = new RunningCli(dir.Path, [.. Short, "--out", "m.dat", "--data", Mnist.Directory],
            shellPrefix: "trap '' XFSZ; ulimit -f 2048",
            environment: new Dictionary<string, string> { ["DOTNET_EnableWriteXorExecute"] = "0" }); // the runtime's double mapping needs large files
        Assert.Equal(1, cli.WaitForExit());
        Assert.Contains("could not write m.dat and m.training.html", cli.Output);
        Assert.Contains("both are unchanged", cli.Output);
        Assert.Equal("old model", File.ReadAllText(dir.File("m.dat")));
        Assert.Equal("old chart", File.ReadAllText(dir.File("m.training.html")));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    /// <summary>The four MNIST files, copied into <paramref name="dir"/>/data.</summary>
    static string CopyOfTheData(TempDir dir)
    {
        var data = dir.File("data");
        Directory.CreateDirectory(data);
        foreach (var file in MnistFiles.All) File.Copy(Path.Combine(Mnist.Directory, file.FileName), Path.Combine(data, file.FileName));
        return data;
    }
}
