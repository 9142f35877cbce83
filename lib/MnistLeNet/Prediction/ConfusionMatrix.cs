using MnistLeNet.Data;
using MnistLeNet.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistLeNet.Prediction;

/// <summary>
/// Counts which digit the model answers for each true digit: <c>counts[label, predicted]</c>.
/// The diagonal holds the right answers; every other cell is one kind of mistake
/// (e.g. <c>counts[4, 9]</c> = fours taken for nines). Draw it with <c>Plots.ConfusionMatrix</c>;
/// <see cref="Mistakes"/> finds the images behind the mistakes.
/// </summary>
public static class ConfusionMatrix
{
    /// <summary>
    /// Runs the model over the whole dataset (in batches, without gradients) and counts
    /// (true label, predicted digit) pairs. Row r sums to the number of images of digit r.
    /// </summary>
    public static int[,] Compute(LeNet model, MnistDataset data, int batchSize = LeNet.InferenceBatchSize)
    {
        var counts = new int[model.NumClasses, model.NumClasses];
        var device = model.Device;
        using var evalMode = EvalMode.Enter(model);
        using var noGrad = no_grad();
        foreach (var batch in new BatchLoader(data, batchSize) { Device = device })
        {
            using (batch)
            using (var scope = NewDisposeScope())
            {
                var predicted = model.forward(batch.Images).argmax(1).cpu().data<long>().ToArray();
                var labels = batch.Labels.cpu().data<long>().ToArray();
                for (int i = 0; i < labels.Length; i++) counts[labels[i], predicted[i]]++;
            }
        }
        return counts;
    }
}
