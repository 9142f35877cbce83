using MnistLeNet.Data;
using MnistLeNet.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistLeNet.Prediction;

/// <summary>The model's answer for one image: the ten probabilities and the most likely digit.</summary>
public sealed record Prediction(int Index, int Label, float[] Probabilities)
{
    /// <summary>The digit with the largest probability (the first one on a tie).</summary>
    public int Predicted { get; } = Array.IndexOf(Probabilities, Probabilities.Max());

    public float Confidence => Probabilities[Predicted];
    public bool Correct => Label == Predicted;
}

/// <summary>Turns the model's logits into probabilities with softmax (they are ≥ 0 and sum to 1).</summary>
public static class Predictor
{
    /// <summary>Probabilities for a batch of images [N,1,28,28] (or one image [1,28,28]); one row per image.</summary>
    public static float[][] Probabilities(LeNet model, Tensor images)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var evalMode = EvalMode.Enter(model);
        var batch = images.dim() == 3 ? images.unsqueeze(0) : images;
        var device = model.Device;
        var probabilities = nn.functional.softmax(model.forward(batch.to(device)), dim: 1);
        return TensorRows.Of(probabilities, rows: (int)probabilities.shape[0]);
    }

    /// <summary>Predicts image <paramref name="index"/> of <paramref name="data"/>.</summary>
    public static Prediction Predict(LeNet model, MnistDataset data, int index) => PredictMany(model, data, [index])[0];

    /// <summary>Predicts several images of <paramref name="data"/> in one batch.</summary>
    public static IReadOnlyList<Prediction> PredictMany(LeNet model, MnistDataset data, IReadOnlyList<int> indices)
    {
        foreach (var i in indices)
            if (i < 0 || i >= data.Count)
                throw new ArgumentOutOfRangeException(nameof(indices), i, $"the {data.Split} set has {data.Count} images (0..{data.Count - 1})");
        using var scope = NewDisposeScope();
        var index = tensor(indices.Select(i => (long)i).ToArray());
        var rows = Probabilities(model, data.Images.index_select(0, index));
        return indices.Select((i, row) => new Prediction(i, data.LabelBytes[i], rows[row])).ToList();
    }
}
