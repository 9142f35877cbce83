using MnistLeNet.Data;
using MnistLeNet.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistLeNet.Prediction;

/// <summary>The model's logits for one batch of a dataset, with the batch's labels.</summary>
public sealed record InferenceBatch(Tensor Logits, Tensor Labels, int FirstIndex);

/// <summary>Runs a model over a dataset in batches, in eval mode without gradients: the loop behind evaluation and prediction.</summary>
public static class Inference
{
    /// <summary>Small enough that every intermediate tensor stays in the CPU cache.</summary>
    public const int BatchSize = 250;

    /// <summary>Every batch's logits, in order; its tensors are freed when the loop moves on, so copy out what you keep.</summary>
    /// <param name="forward">null: <c>model.call</c>; the speedrun passes a faster one that computes the same.</param>
    public static IEnumerable<InferenceBatch> Batches(nn.Module<Tensor, Tensor> model, MnistDataset data, int batchSize = BatchSize,
        Func<Tensor, Tensor>? forward = null)
    {
        forward ??= model.call;
        var device = ModelDevice.Of(model);
        using var evalMode = EvalMode.Enter(model);
        using var noGrad = no_grad();
        int first = 0;
        foreach (var batch in new BatchLoader(data, batchSize) { Device = device })
        {
            using var scope = NewDisposeScope();
            yield return new InferenceBatch(forward(batch.Images), batch.Labels, first);
            first += batch.Size;
        }
    }
}
