namespace MnistLeNet.Training;

/// <summary>What one epoch achieved: mean training loss, test loss and accuracy (0..1), and time taken.</summary>
public sealed record EpochResult(int Epoch, double TrainLoss, double TestLoss, double TestAccuracy, double TrainSeconds, int TrainImages)
{
    public double ImagesPerSecond => TrainImages / TrainSeconds;
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

/// <summary>The results of a training run, one entry per epoch, plus every logged batch loss.</summary>
public sealed class TrainingHistory
{
    public List<EpochResult> Epochs { get; } = [];
    public List<BatchLogged> LoggedBatches { get; } = [];

    public double FinalAccuracy => Epochs.Count == 0 ? double.NaN : Epochs[^1].TestAccuracy;

    /// <summary>Training images per second over the whole run (validation excluded).</summary>
    public double ImagesPerSecond => Epochs.Sum(e => e.TrainImages) / Epochs.Sum(e => e.TrainSeconds);
}
