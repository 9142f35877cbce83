using MnistLeNet.Data;
using MnistLeNet.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistLeNet.Prediction;

/// <summary>The model's answer for one image: the ten probabilities and the most likely digit.</summary>
public sealed record Prediction(int Index, int Label, int Predicted, float[] Probabilities)
{
    public float Confidence => Probabilities[Predicted];
    public bool Correct => Label == Predicted;
}

/// <summary>Turns the model's logits into probabilities with softmax (they are ≥ 0 and sum to 1).</summary>
public static class Predictor
{
    /// <summary>Probabilities for a batch of images [N,1,28,28] (or one image [1,28,28]); one row per image.</summary>
    public static float[][] Probabilities(LeNet model, Tensor images)
    {
        if (images.dim() == 3) images = images.unsqueeze(0);
        var device = model.parameters().First().device;
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var probabilities = nn.functional.softmax(model.forward(images.to(device)), dim: 1).cpu();
            int n = (int)probabilities.shape[0], k = (int)probabilities.shape[1];
            var flat = probabilities.data<float>().ToArray();
            return Enumerable.Range(0, n).Select(i => flat.AsSpan(i * k, k).ToArray()).ToArray();
        }
        finally
        {
            model.train(wasTraining);
        }
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
        using var index = tensor(indices.Select(i => (long)i).ToArray());
        var rows = Probabilities(model, data.Images.index_select(0, index));
        return indices.Select((i, row) => new Prediction(i, data.LabelBytes[i], ArgMax(rows[row]), rows[row])).ToList();
    }

    static int ArgMax(float[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}
