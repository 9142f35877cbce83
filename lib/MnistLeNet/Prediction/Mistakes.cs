using MnistLeNet.Data;
using MnistLeNet.Model;

namespace MnistLeNet.Prediction;

/// <summary>Finds the images the model gets wrong.</summary>
public static class Mistakes
{
    /// <summary>
    /// The <paramref name="count"/> wrong predictions with the highest confidence, surest first: the
    /// images where the model is most convinced of a wrong digit (often badly written or mislabelled
    /// digits). Fewer are returned when the model makes fewer mistakes.
    /// </summary>
    public static IReadOnlyList<Prediction> MostConfidentMistakes(LeNet model, MnistDataset data, int count, int batchSize = LeNet.InferenceBatchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Enumerable.Range(0, data.Count).Chunk(batchSize)
            .SelectMany(indices => Predictor.PredictMany(model, data, indices))
            .Where(p => !p.Correct)
            .OrderByDescending(p => p.Confidence).ThenBy(p => p.Index)
            .Take(count)
            .ToList();
    }
}
