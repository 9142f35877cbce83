namespace MnistLeNet.Charts;

// Learning curves: how the loss and the accuracy change while the network trains.
public static partial class Plots
{
    /// <summary>
    /// Loss (training and test) and accuracy (test, and training where given) after every epoch, in two panels. The x axes always
    /// show epochs 1..<paramref name="totalEpochs"/>, so a chart redrawn after each epoch of a running
    /// training keeps its scale while the lines grow.
    /// </summary>
    /// <param name="trainLoss">mean training loss of each finished epoch (may be empty)</param>
    /// <param name="testLoss">test loss after each finished epoch</param>
    /// <param name="testAccuracy">test accuracy (0..1) after each finished epoch</param>
    /// <param name="totalEpochs">how many epochs the training will run</param>
    /// <param name="trainAccuracy">training accuracy (0..1) of each finished epoch, drawn beside the test accuracy (null or empty: none)</param>
    public static ChartHtml TrainingCurves(double[] trainLoss, double[] testLoss, double[] testAccuracy, int totalEpochs,
        string title = "Training progress", double[]? trainAccuracy = null)
        => new(new TrainingCurvesChart(trainLoss, testLoss, testAccuracy, totalEpochs, title, trainAccuracy));

    /// <summary>The loss of single batches as training goes on (the numbers of the tutorial's log lines).</summary>
    /// <param name="x">when each loss was logged, in epochs (1.5 = half-way through epoch 2)</param>
    /// <param name="loss">the loss of the batch logged at that moment</param>
    public static ChartHtml BatchLoss(double[] x, double[] loss, string title = "Loss of the logged batches")
    {
        if (x.Length != loss.Length) throw new ArgumentException($"{x.Length} positions but {loss.Length} losses", nameof(loss));
        return Lines(x, new Dictionary<string, double[]> { ["batch loss"] = loss }, title, "epoch", "cross-entropy");
    }
}
