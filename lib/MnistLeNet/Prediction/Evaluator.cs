using MnistLeNet.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistLeNet.Prediction;

/// <summary>Accuracy (0..1) and mean cross-entropy loss of a model on a dataset.</summary>
public sealed record Evaluation(double Accuracy, double Loss, int Correct, int Count);

/// <summary>Measures a model on a dataset without changing it.</summary>
public static class Evaluator
{
    /// <param name="forward">Computes a batch's logits; null: the model's own forward (see <see cref="Inference.Batches"/>).</param>
    public static Evaluation Evaluate(nn.Module<Tensor, Tensor> model, MnistDataset data, int batchSize = Inference.BatchSize,
        Func<Tensor, Tensor>? forward = null)
    {
        using var lossFn = nn.CrossEntropyLoss(reduction: nn.Reduction.Sum);
        long correct = 0;
        double lossSum = 0;
        foreach (var batch in Inference.Batches(model, data, batchSize, forward))
        {
            lossSum += lossFn.forward(batch.Logits, batch.Labels).item<float>();
            correct += batch.Logits.argmax(1).eq(batch.Labels).sum().item<long>();
        }
        return new Evaluation((double)correct / data.Count, lossSum / data.Count, (int)correct, data.Count);
    }
}
