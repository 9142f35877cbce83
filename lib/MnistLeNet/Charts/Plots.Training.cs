namespace MnistLeNet.Charts;

// Learning curves: how the loss and the accuracy change while the network trains.
public static partial class Plots
{
    /// <summary>Loss and accuracy per finished epoch in two panels; x spans 1..<paramref name="totalEpochs"/>, so a
    /// chart redrawn each epoch keeps its scale.</summary>
    public static ChartHtml TrainingCurves(double[] trainLoss, double[] testLoss, double[] testAccuracy, int totalEpochs,
        string title = "Training progress", double[]? trainAccuracy = null)
        => new(new TrainingCurvesChart(trainLoss, testLoss, testAccuracy, totalEpochs, title, trainAccuracy));

    /// <summary>The loss of single batches as training goes on (the numbers of the tutorial's log lines).</summary>
    /// <param name="x">when each loss was logged, in epochs (1.5 = half-way through epoch 2)</param>
    public static ChartHtml BatchLoss(double[] x, double[] loss, string title = "Loss of the logged batches")
    {
        if (x.Length != loss.Length) throw new ArgumentException($"{x.Length} positions but {loss.Length} losses", nameof(loss));
        return Lines(x, new Dictionary<string, double[]> { ["batch loss"] = loss }, title, "epoch", "cross-entropy");
    }
}
