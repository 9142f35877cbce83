using MnistLeNet.Training;
using TorchSharp;

namespace MnistLeNet.Tests;

public class CheckpointTests
{
    static readonly TrainingOptions Classic = TrainingOptions.Classic with { Epochs = 2, TrainLimit = 200, LogEvery = 5 };
    /// <summary>Adam under a warm-up + cosine schedule over whole epochs (no budget, no standardisation).</summary>
    static readonly TrainingOptions FastWarmupCosine = TrainingOptions.Fast with { Epochs = 2, TrainLimit = 640, LogEvery = 3, Schedule = ScheduleKind.WarmupCosine, LearningRate = 0.01 };
    /// <summary>Standardised inputs, warm-up + cosine, a budget that ends inside epoch 2, and checks that never stop it.</summary>
    static readonly TrainingOptions Speedrun = TrainingOptions.Speedrun with
    {
        TrainLimit = 640,
        ImageBudget = 1000,
        LogEvery = 3,
        EarlyStop = new EarlyStop(1.0, FromImages: 200, EveryImages: 200),
    };

    /// <summary>The weights and the per-epoch results, everything a run produces.</summary>
    sealed record Outcome(float[] Weights, double[] Results);

    static Outcome OutcomeOf(Trainer trainer, TrainingHistory history) => new(
        trainer.Model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray(),
        history.Epochs.SelectMany(e => new[] { e.TrainLoss, e.TestLoss, e.TestAccuracy, e.TrainImages }).ToArray());

    [Theory]
    [InlineData("classic", 1, 7)]
    [InlineData("classic", 2, 13)]
    [InlineData("fast", 1, 4)]
    [InlineData("fast", 2, 0)]
    [InlineData("speedrun", 1, 5)]
    [InlineData("speedrun", 2, 3)]
    public void A_run_stopped_and_resumed_ends_bitwise_equal_to_an_uninterrupted_run(string recipe, int stopEpoch, int stopBatch)
    {
        var options = recipe switch { "classic" => Classic, "fast" => FastWarmupCosine, _ => Speedrun };
        using var test = Mnist.Test.Take(200);
        using var dir = new TempDir();

        using var uninterruptedModel = options.CreateModel();
        var uninterrupted = new Trainer(uninterruptedModel, options, torch.CPU);
        var expected = OutcomeOf(uninterrupted, uninterrupted.Fit(Mnist.Train, test));

        using var firstModel = options.CreateModel();
        var first = new Trainer(firstModel, options, torch.CPU) { CheckpointPath = dir.File("run.checkpoint") };
        using var stop = new CancellationTokenSource();
        var stopped = Assert.Throws<TrainingStoppedException>(() => first.Fit(Mnist.Train, test, e =>
        {
            // Progress reports "batches done": ask to stop when stopBatch batches of stopEpoch are done.
            if (e is BatchProgress p && p.Epoch == stopEpoch && p.BatchesDone == stopBatch) stop.Cancel();
            if (e is EpochCompleted c && c.Result.Epoch == stopEpoch - 1 && stopBatch == 0) stop.Cancel();
        }, stop.Token));
        Assert.Equal((stopEpoch, stopBatch), (stopped.Epoch, stopped.Batch));

        var checkpoint = Checkpoint.Load(dir.File("run.checkpoint"));
        Assert.Equal((stopEpoch, stopBatch), (checkpoint.Epoch, checkpoint.Batch));
        using var resumedModel = (options with { Seed = 99 }).CreateModel(); // other weights: the checkpoint must replace them
        var resumed = new Trainer(resumedModel, options, torch.CPU);
        var actual = OutcomeOf(resumed, resumed.Resume(checkpoint, Mnist.Train, test));

        Assert.Equal(expected.Results, actual.Results);
        Assert.True(expected.Weights.SequenceEqual(actual.Weights), "the resumed run's weights differ from the uninterrupted run's");
    }

    [Fact]
    public void A_checkpoint_is_saved_after_every_epoch()
    {
        using var test = Mnist.Test.Take(100);
        using var dir = new TempDir();
        using var model = Classic.CreateModel();
        var positions = new List<(int, int)>();
        var trainer = new Trainer(model, Classic, torch.CPU) { CheckpointPath = dir.File("c") };
        trainer.Fit(Mnist.Train, test, e =>
        {
            if (e is EpochCompleted) positions.Add((Checkpoint.Load(dir.File("c")).Epoch, Checkpoint.Load(dir.File("c")).Batch));
        });
        Assert.Equal([(2, 0), (3, 0)], positions);
        Assert.Equal(["c"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_checkpoint_of_another_recipe_is_refused()
    {
        using var test = Mnist.Test.Take(100);
        using var dir = new TempDir();
        using var model = Classic.CreateModel();
        new Trainer(model, Classic, torch.CPU) { CheckpointPath = dir.File("c") }.Fit(Mnist.Train, test);
        var other = Classic with { LearningRate = 0.01 };
        using var otherModel = other.CreateModel();
        Assert.Throws<ArgumentException>(() => new Trainer(otherModel, other, torch.CPU).Resume(Checkpoint.Load(dir.File("c")), Mnist.Train, test));
    }

    [Fact]
    public void A_damaged_checkpoint_is_refused_by_name()
    {
        using var test = Mnist.Test.Take(100);
        using var dir = new TempDir();
        using var model = Classic.CreateModel();
        new Trainer(model, Classic with { Epochs = 1 }, torch.CPU) { CheckpointPath = dir.File("c") }.Fit(Mnist.Train, test);
        var bytes = File.ReadAllBytes(dir.File("c"));
        bytes[bytes.Length / 2] ^= 1;
        File.WriteAllBytes(dir.File("c"), bytes);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(dir.File("c")));
        Assert.Contains(dir.File("c"), e.Message);
        Assert.Contains("checksum", e.Message);
    }

    [Fact]
    public void Outside_a_notebook_there_is_no_cell_to_cancel()
    {
        Assert.Equal(CancellationToken.None, NotebookKernel.CellCancellation);
    }
}
