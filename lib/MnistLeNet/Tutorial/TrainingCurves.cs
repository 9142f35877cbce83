using MnistLeNet.Charts;
using MnistLeNet.Training;

namespace MnistLeNet.Tutorial;

/// <summary>
/// Turns a <see cref="TrainingHistory"/> into charts. The charts themselves know nothing about
/// training; this class only picks the numbers out of the history.
/// </summary>
public static class TrainingCurves
{
    /// <summary>
    /// Loss (train and test) and accuracy (test, and train where every epoch recorded it) per epoch, with the x axis fixed to epochs
    /// 1..<paramref name="totalEpochs"/>: call it again after every epoch to redraw a live chart.
    /// </summary>
    public static ChartHtml Chart(TrainingHistory history, int totalEpochs, string title = "Training progress")
        => Plots.TrainingCurves(
            history.Epochs.Select(e => e.TrainLoss).ToArray(),
            history.Epochs.Select(e => e.TestLoss).ToArray(),
            history.Epochs.Select(e => e.TestAccuracy).ToArray(),
            totalEpochs, title,
            history.Epochs.All(e => e.TrainAccuracy is not null) ? history.Epochs.Select(e => e.TrainAccuracy!.Value).ToArray() : null);

    /// <summary>
    /// The loss of every logged batch (the tutorial's "batch_id: ..., loss is: ..." lines) over time,
    /// measured in epochs: batch 500 of 6000 in epoch 2 is at 1 + 500/6000 ≈ 1.08.
    /// </summary>
    public static ChartHtml BatchLossChart(TrainingHistory history, string title = "Loss of the logged batches")
        => Plots.BatchLoss(
            history.LoggedBatches.Select(b => b.Epoch - 1 + (double)b.BatchId / b.BatchCount).ToArray(),
            history.LoggedBatches.Select(b => b.Loss).ToArray(),
            title);
}
