using MnistLeNet.Data;
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
    /// <summary>Counts (true label, predicted digit) pairs over the whole dataset. Row r sums to the number of images of digit r.</summary>
    public static int[,] Compute(nn.Module<Tensor, Tensor> model, MnistDataset data)
    {
        var counts = new int[MnistDataset.NumClasses, MnistDataset.NumClasses];
        foreach (var batch in Inference.Batches(model, data))
        {
            var predicted = batch.Logits.argmax(1).cpu().data<long>().ToArray();
            var labels = batch.Labels.cpu().data<long>().ToArray();
            for (int i = 0; i < labels.Length; i++) counts[labels[i], predicted[i]]++;
        }
        return counts;
    }
}
