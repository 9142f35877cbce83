using MnistLeNet.Cli;
using MnistLeNet.Model;
using MnistLeNet.Training;
using TorchSharp;

namespace MnistLeNet.Tests;

/// <summary>How a training run ends when something happens near its end: a Ctrl-C after the last batch, a checkpoint
/// that cannot be written, a loss that exploded without becoming NaN.</summary>
public class RunEndingTests
{
    static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void A_sigint_after_the_last_batch_either_stops_as_promised_or_says_the_run_had_finished()
    {
        using var dir = new TempDir();
        using (var model = TrainingOptions.Fast.CreateModel()) ModelFile.Save(model, dir.File("m.dat"));
        var before = File.ReadAllBytes(dir.File("m.dat"));
        using var cli = new RunningCli(dir.Path, ["train", "--recipe", "fast", "--epochs", "1", "--limit", "640", "--out", "m.dat", "--data", Mnist.Directory]);
        cli.WaitForLine("[validation] epoch 1"); // printed after the last batch
        cli.Signal(RunningCli.SIGINT);
        int code = cli.WaitForExit();

        // Which of the two depends on whether the signal came before the results began to replace the old files.
        if (code == StopSignals.ExitCode)
        {
            Assert.Contains("stopping after the current batch", cli.Output);
            Assert.Contains("stopped after the last batch: m.dat was not changed", cli.Output);
            Assert.Contains("To save it: mnist-lenet train --resume m.checkpoint --out m.dat", cli.Output);
            Assert.Equal(before, File.ReadAllBytes(dir.File("m.dat")));
            var resumed = Run("train", "--resume", dir.File("m.checkpoint"), "--out", dir.File("m.dat"), "--data", Mnist.Directory);
            Assert.True(resumed.Code == 0, resumed.Err);
            Assert.NotEqual(before, File.ReadAllBytes(dir.File("m.dat")));
        }
        else
        {
            Assert.Equal(0, code);
            Assert.Contains("training has already finished", cli.Output);
            Assert.DoesNotContain("stopping after the current batch", cli.Output);
            Assert.NotEqual(before, File.ReadAllBytes(dir.File("m.dat")));
        }
    }

    [Fact]
    public void A_checkpoint_that_cannot_be_written_after_an_epoch_does_not_end_the_run()
    {
        using var dir = new TempDir();
        // The checkpoint's temporary name is taken by a folder: every save fails, as on a full disk.
        Directory.CreateDirectory(dir.File("c.tmp"));
        using var test = Mnist.Test.Take(100);
        var options = TrainingOptions.Fast with { Epochs = 2, TrainLimit = 640 };
        using var model = options.CreateModel();
        var warnings = new List<CheckpointNotSaved>();
        var history = new Trainer(model, options, torch.CPU) { CheckpointPath = dir.File("c") }
            .Fit(Mnist.Train, test, e => { if (e is CheckpointNotSaved w) warnings.Add(w); });

        Assert.Equal(2, history.Epochs.Count);
        Assert.Equal([1, 2], warnings.Select(w => w.Epoch));
        Assert.Contains("training goes on", warnings[0].ToString());
        Assert.Contains(dir.File("c"), warnings[0].ToString());
        Assert.False(File.Exists(dir.File("c")));
    }

    [Fact]
    public void A_classic_run_whose_loss_explodes_without_becoming_nan_is_saved_with_a_warning()
    {
        using var dir = new TempDir();
        var (code, _, err) = Run("train", "--recipe", "classic", "--epochs", "1", "--limit", "500", "--lr", "1e9", "--out", dir.File("m.dat"));
        Assert.Equal(0, code);
        Assert.Contains("warning: training diverged: the mean training loss reached", err);
        Assert.Contains("Try a smaller learning rate (--lr, now 1000000000)", err);

        var healthy = Run("train", "--recipe", "classic", "--epochs", "1", "--limit", "500", "--out", dir.File("m.dat"));
        Assert.Equal(0, healthy.Code);
        Assert.DoesNotContain("diverged", healthy.Err);
    }
}
