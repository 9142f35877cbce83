namespace MnistLeNet.Training;

/// <summary>
/// Training was asked to stop (a cancellation token, Ctrl-C, a notebook's stop button) and stopped
/// between two batches. The model keeps what it learned so far; when the trainer has a
/// <see cref="Trainer.CheckpointPath"/>, a checkpoint to resume from was saved there.
/// </summary>
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
