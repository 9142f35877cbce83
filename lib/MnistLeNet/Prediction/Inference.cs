using MnistLeNet.Data;
using MnistLeNet.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistLeNet.Prediction;

/// <summary>The model's logits for one batch of a dataset, with the batch's labels.</summary>
public sealed record InferenceBatch(Tensor Logits, Tensor Labels, int FirstIndex);

/// <summary>
/// Runs a model over a dataset in batches, in evaluation mode and without gradients: the one loop
/// behind evaluation, the confusion matrix, the mistakes and prediction. Works with any
/// <c>Module&lt;Tensor,Tensor&gt;</c> that maps [N,1,28,28] to [N,classes].
/// </summary>
public static class Inference
{
    /// <summary>Images per batch: small enough that every intermediate tensor stays in the CPU cache.</summary>
    public const int BatchSize = 250;

    /// <summary>
    /// The logits of every batch, in dataset order. Each batch's tensors (and any tensor the caller makes
    /// while looking at it) are freed when the loop moves on, so copy out what you keep.
    /// </summary>
    /// <param name="forward">Computes a batch's logits; null: the model's own forward (<c>model.call</c>).
    /// The speedrun passes a faster one that computes the same.</param>
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
