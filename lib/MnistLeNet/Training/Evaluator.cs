using MnistLeNet.Data;
using MnistLeNet.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistLeNet.Training;

/// <summary>Accuracy (0..1) and mean cross-entropy loss of a model on a dataset.</summary>
public sealed record Evaluation(double Accuracy, double Loss, int Correct, int Count);

/// <summary>Measures a model on a dataset without changing it.</summary>
public static class Evaluator
{
    public static Evaluation Evaluate(LeNet model, MnistDataset data, int batchSize = LeNet.InferenceBatchSize)
    {
        var device = model.Device;
        using var evalMode = EvalMode.Enter(model);
        using var noGrad = torch.no_grad();
        using var lossFn = nn.CrossEntropyLoss(reduction: nn.Reduction.Sum);
        long correct = 0;
        double lossSum = 0;
        foreach (var batch in new BatchLoader(data, batchSize) { Device = device })
        {
            using (batch)
            using (var scope = NewDisposeScope())
            {
                var logits = model.forward(batch.Images);
                lossSum += lossFn.forward(logits, batch.Labels).item<float>();
                correct += logits.argmax(1).eq(batch.Labels).sum().item<long>();
            }
        }
        return new Evaluation((double)correct / data.Count, lossSum / data.Count, (int)correct, data.Count);
    }
}
