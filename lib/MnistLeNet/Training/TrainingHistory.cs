using MnistLeNet.Charts;

namespace MnistLeNet.Training;

/// <summary>What one epoch achieved: mean training loss, test loss and accuracy (0..1), and time taken.
/// An epoch cut short (by an image budget or an early stop) counts the images it did.</summary>
public sealed record EpochResult(int Epoch, double TrainLoss, double TestLoss, double TestAccuracy, double TrainSeconds, int TrainImages)
{
    public double ImagesPerSecond => TrainImages / TrainSeconds;

    /// <summary>The running accuracy of the epoch's batches as they were trained on, where the loop measured it (notebook 4's does).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public double? TrainAccuracy { get; init; }
}

/// <summary>Something that happened during training, for printing or plotting while it runs.</summary>
public abstract record TrainingEvent;

/// <summary>The loss of one batch, every <see cref="TrainingOptions.LogEvery"/> batches (the tutorial's log line).</summary>
public sealed record BatchLogged(int Epoch, int BatchId, int BatchCount, double Loss) : TrainingEvent
{
    public override string ToString() => $"epoch: {Epoch}, batch_id: {BatchId}, loss is: {Loss:F4}";
}

/// <summary>Progress inside an epoch, reported about a hundred times per epoch.</summary>
public sealed record BatchProgress(int Epoch, int EpochCount, int BatchesDone, int BatchCount) : TrainingEvent
{
    public override string ToString() => $"epoch {Epoch}/{EpochCount}: {BatchesDone}/{BatchCount} batches ({100.0 * BatchesDone / BatchCount:F0}%)";
}

/// <summary>An epoch finished and was validated on the test set.</summary>
public sealed record EpochCompleted(EpochResult Result) : TrainingEvent
{
    public override string ToString() => $"[validation] epoch {Result.Epoch}: accuracy/loss: {Result.TestAccuracy:F4}/{Result.TestLoss:F4}";
}

/// <summary>A test evaluation inside an epoch, for a recipe with <see cref="TrainingOptions.EarlyStop"/>.</summary>
public sealed record TestChecked(long Images, double TestAccuracy, double TestLoss) : TrainingEvent
{
    public override string ToString() => $"[check] after {Images} images: accuracy/loss: {TestAccuracy:F4}/{TestLoss:F4}";
}

/// <summary>A test evaluation reached <see cref="TrainingOptions.EarlyStop"/>'s target: training stops here.</summary>
public sealed record TargetReached(long Images, double TestAccuracy) : TrainingEvent
{
    public override string ToString() => $"target reached: test accuracy {TestAccuracy:F4} after {Images} training images";
}

/// <summary>The checkpoint after an epoch could not be written (e.g. the disk is full); training went on, and the
/// previous checkpoint at <paramref name="Path"/>, if any, is unchanged.</summary>
public sealed record CheckpointNotSaved(int Epoch, string Path, string Reason) : TrainingEvent
{
    public override string ToString() =>
        $"warning: the checkpoint after epoch {Epoch} could not be saved ({Reason}); training goes on, and {Path} is as it was. " +
        "Make room on the disk: stopped before the next checkpoint, the run would resume from the previous one (or start over).";
}

/// <summary>The results of a training run, one entry per epoch, plus every logged batch loss.</summary>
public sealed class TrainingHistory
{
    public List<EpochResult> Epochs { get; } = [];
    public List<BatchLogged> LoggedBatches { get; } = [];

    /// <summary>Training images processed in all.</summary>
    public long TrainImages => Epochs.Sum(e => (long)e.TrainImages);

    public double FinalAccuracy => Epochs.Count == 0 ? double.NaN : Epochs[^1].TestAccuracy;

    /// <summary>Above this mean training loss an epoch has diverged (ten times guessing's ln 10): with sigmoids a too large
    /// learning rate can get there and stay finite, so no NaN stops the run.</summary>
    public static double DivergedLoss { get; } = 10 * Math.Log(Data.MnistDataset.NumClasses);

    /// <summary>The largest mean training loss of an epoch, if it is above <see cref="DivergedLoss"/>; else null.</summary>
    public double? DivergedTrainLoss => Epochs.Count > 0 && Epochs.Max(e => e.TrainLoss) is var worst && !(worst <= DivergedLoss) ? worst : null;

    /// <summary>Training images per second over the whole run (validation excluded).</summary>
    public double ImagesPerSecond => Epochs.Sum(e => e.TrainImages) / Epochs.Sum(e => e.TrainSeconds);

    /// <summary>Loss and accuracy per epoch, the x axis fixed to 1..<paramref name="totalEpochs"/> so a live chart can be redrawn.</summary>
    public ChartHtml CurvesChart(int totalEpochs, string title = "Training progress")
        => Plots.TrainingCurves(
            Epochs.Select(e => e.TrainLoss).ToArray(),
            Epochs.Select(e => e.TestLoss).ToArray(),
            Epochs.Select(e => e.TestAccuracy).ToArray(),
            totalEpochs, title,
            Epochs.All(e => e.TrainAccuracy is not null) ? Epochs.Select(e => e.TrainAccuracy!.Value).ToArray() : null);

    /// <summary>The logged batches' losses over time in epochs (batch 500 of 6000 in epoch 2 is at 1.08).</summary>
    public ChartHtml BatchLossChart(string title = "Loss of the logged batches")
        => Plots.BatchLoss(
            LoggedBatches.Select(b => b.Epoch - 1 + (double)b.BatchId / b.BatchCount).ToArray(),
            LoggedBatches.Select(b => b.Loss).ToArray(),
            title);
}
