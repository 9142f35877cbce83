using System.Diagnostics;
using MnistLeNet.Data;

namespace MnistLeNet.Training;

/// <summary>
/// Live progress for notebook 4's own loop (like d2l's <c>Animator</c>): a status line and two charts while the cell runs,
/// the final curves at <see cref="Finish"/> (which every notebook client saves), the stop button at the next
/// <see cref="Batch"/>, and <see cref="Trainer"/>'s thread count from Start to Finish. Outside a kernel it only records.
/// </summary>
public sealed class TrainingProgress(int batchesPerEpoch, int logEvery = 500)
{
    /// <summary>Progress for a loop over <paramref name="loader"/>'s batches, with the thread count for its batch size.</summary>
    public TrainingProgress(BatchLoader loader, int logEvery = 500) : this(loader.BatchCount, logEvery) => _threadCount = CpuThreads.For(loader.BatchSize);

    readonly int? _threadCount;
    IDisposable? _threads;

    static readonly TimeSpan RedrawEvery = TimeSpan.FromSeconds(1);

    readonly Stopwatch _sinceRedraw = new(), _epochClock = new();
    Action<object>? _status, _batchChart, _epochChart;
    int _plannedEpochs, _epoch;
    double _epochLoss;
    int _epochImages;

    /// <summary>Everything recorded so far, over every run of the training cell.</summary>
    public TrainingHistory History { get; } = new();

    /// <summary>Starts showing progress for <paramref name="epochs"/> more epochs (call at the top of the training cell).</summary>
    public void Start(int epochs)
    {
        _threads?.Dispose();
        _threads = _threadCount is int threads ? CpuThreads.Use(threads) : null;
        _plannedEpochs = History.Epochs.Count + epochs;
        _status = NotebookKernel.Display($"training {epochs} epoch(s): the live status shows here while the cell runs");
        _batchChart = NotebookKernel.Display("(the loss chart appears after the first batches; final charts below when done)");
        _epochChart = NotebookKernel.Display("(the accuracy chart appears after the first epoch)");
        _sinceRedraw.Restart();
    }

    /// <summary>Records one batch's loss; redraws now and then; stops the loop if the learner pressed stop.</summary>
    /// <exception cref="OperationCanceledException">The notebook's stop button (or a kernel interrupt) was used.</exception>
    public void Batch(int epoch, int batchId, double loss, int images)
    {
        NotebookKernel.CellCancellation.ThrowIfCancellationRequested();
        if (epoch != _epoch) { _epoch = epoch; _epochLoss = 0; _epochImages = 0; _epochClock.Restart(); }
        _epochLoss += loss * images;
        _epochImages += images;
        if (batchId % logEvery == 0) History.LoggedBatches.Add(new BatchLogged(epoch, batchId, batchesPerEpoch, loss));
        if (_sinceRedraw.Elapsed < RedrawEvery) return;
        _sinceRedraw.Restart();
        _status?.Invoke($"epoch {epoch}: batch {batchId + 1:N0}/{batchesPerEpoch:N0}, loss {loss:F4}, {_epochImages / _epochClock.Elapsed.TotalSeconds:N0} images/s");
        _batchChart?.Invoke(History.BatchLossChart());
    }

    /// <summary>Records an epoch's validation result (and, if the loop measured it, its training accuracy) and redraws the epoch chart.</summary>
    public void Epoch(int epoch, double testAccuracy, double testLoss, double? trainAccuracy = null)
    {
        History.Epochs.Add(new EpochResult(epoch, _epochLoss / Math.Max(1, _epochImages), testLoss, testAccuracy, _epochClock.Elapsed.TotalSeconds, _epochImages)
        {
            TrainAccuracy = trainAccuracy,
        });
        _epochChart?.Invoke(History.CurvesChart(_plannedEpochs));
        _batchChart?.Invoke(History.BatchLossChart());
    }

    /// <summary>Ends the live display, gives torch its thread count back and shows the final curves (call at the end of the training cell).</summary>
    public void Finish()
    {
        _threads?.Dispose();
        _threads = null;
        var last = History.Epochs.LastOrDefault();
        _status?.Invoke(last is null ? "done" : $"done: {History.Epochs.Count} epoch(s) so far, test accuracy {last.TestAccuracy:P2}, {last.ImagesPerSecond:N0} training images/s in the last epoch");
        _batchChart?.Invoke("(final charts below)");
        _epochChart?.Invoke("");
        NotebookKernel.Display(History.BatchLossChart());
        if (History.Epochs.Count > 0) NotebookKernel.Display(History.CurvesChart(History.Epochs.Count));
    }
}
