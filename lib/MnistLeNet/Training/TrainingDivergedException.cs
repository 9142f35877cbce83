using System.Globalization;

namespace MnistLeNet.Training;

/// <summary>The loss became NaN or infinite: every further step would only spread the damage (the learning rate is too large).</summary>
public sealed class TrainingDivergedException(int epoch, int batch, double loss, double learningRate)
    : Exception(string.Format(CultureInfo.InvariantCulture,
        "training diverged: the loss became {0} at epoch {1}, batch {2} (learning rate {3}); nothing was saved. Try a smaller learning rate, e.g. {4}.",
        double.IsNaN(loss) ? "NaN" : "infinite", epoch, batch, learningRate, learningRate / 10))
{
    public int Epoch { get; } = epoch;
    public int Batch { get; } = batch;
    public double Loss { get; } = loss;
}
