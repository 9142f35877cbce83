namespace MnistLeNet.Training;

/// <summary>Training was asked to stop (a token, Ctrl-C, the stop button) and stopped between two batches, with a
/// checkpoint at <see cref="Trainer.CheckpointPath"/> if it has one.</summary>
public sealed class TrainingStoppedException(int epoch, int batch, int batchCount, string? checkpointPath, CancellationToken token)
    : OperationCanceledException(
        $"training stopped at epoch {epoch}, after batch {batch} of {batchCount}" + (checkpointPath is null ? "" : $"; checkpoint saved to {checkpointPath}"),
        token)
{
    /// <summary>The epoch that was running (1-based).</summary>
    public int Epoch { get; } = epoch;

    /// <summary>How many batches of that epoch were done.</summary>
    public int Batch { get; } = batch;

    /// <summary>Where the checkpoint was saved, or null when none was asked for.</summary>
    public string? CheckpointPath { get; } = checkpointPath;
}
