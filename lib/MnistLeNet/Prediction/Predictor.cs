using MnistLeNet.Data;
using static TorchSharp.torch;

namespace MnistLeNet.Prediction;

/// <summary>The model's answer for one image: the ten probabilities and the most likely digit.</summary>
public sealed record ImagePrediction(int Index, int Label, float[] Probabilities)
{
    /// <summary>The digit with the largest probability (the first one on a tie).</summary>
    public int Predicted { get; } = Probabilities.ArgMax();

    public float Confidence => Probabilities[Predicted];
    public bool Correct => Label == Predicted;
}

/// <summary>Turns the model's logits into probabilities with softmax (they are ≥ 0 and sum to 1).</summary>
public static class Predictor
{
    /// <summary>Probabilities for a batch of images [N,1,28,28] (or one image [1,28,28]); one row per image.</summary>
    public static float[][] Probabilities(nn.Module<Tensor, Tensor> model, Tensor images)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var evalMode = Model.EvalMode.Enter(model);
        var batch = images.dim() == 3 ? images.unsqueeze(0) : images;
        var logits = model.call(batch.to(Model.ModelDevice.Of(model)));
        return Rows(nn.functional.softmax(logits, dim: 1));
    }

    /// <summary>Probabilities for one 28×28 picture, [row, column] (e.g. <c>MnistDataset.Pixels</c> or <c>DigitStages.Input</c>).</summary>
    public static float[] Probabilities(nn.Module<Tensor, Tensor> model, float[,] pixels)
    {
        if (pixels.GetLength(0) != MnistFiles.ImageSize || pixels.GetLength(1) != MnistFiles.ImageSize)
            throw new ArgumentException($"expected a {MnistFiles.ImageSize}×{MnistFiles.ImageSize} picture, got {pixels.GetLength(0)}×{pixels.GetLength(1)}", nameof(pixels));
        // Not tensor(pixels).reshape(...): the GC may finalize the unreferenced temporary while reshape runs (a segfault).
        using var rows = tensor(pixels);
        using var image = rows.reshape(1, 1, MnistFiles.ImageSize, MnistFiles.ImageSize);
        return Probabilities(model, image)[0];
    }

    /// <summary>Predicts image <paramref name="index"/> of <paramref name="data"/>.</summary>
    public static ImagePrediction Predict(nn.Module<Tensor, Tensor> model, MnistDataset data, int index) => PredictMany(model, data, [index])[0];

    /// <summary>Predicts several images of <paramref name="data"/> in one batch.</summary>
    public static IReadOnlyList<ImagePrediction> PredictMany(nn.Module<Tensor, Tensor> model, MnistDataset data, IReadOnlyList<int> indices)
    {
        foreach (var i in indices)
            if (i < 0 || i >= data.Count)
                throw new ArgumentOutOfRangeException(nameof(indices), i, $"the {data.Split} set has {data.Count} images (0..{data.Count - 1})");
        using var scope = NewDisposeScope();
        var rows = Probabilities(model, data.Images.index_select(0, tensor(indices.Select(i => (long)i).ToArray())));
        var labels = data.Labels.data<long>();
        return indices.Select((i, row) => new ImagePrediction(i, (int)labels[i], rows[row])).ToList();
    }

    /// <summary>The rows of a [N,classes] probability tensor (any device) as plain arrays.</summary>
    internal static float[][] Rows(Tensor probabilities) => Model.TensorRows.Of(probabilities, rows: (int)probabilities.shape[0]);
}
