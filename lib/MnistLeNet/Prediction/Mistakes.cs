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
    public static IReadOnlyList<Prediction> MostConfidentMistakes(LeNet model, MnistDataset data, int count, int batchSize = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var mistakes = new List<Prediction>();
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int size = Math.Min(batchSize, data.Count - start);
            using var images = data.Images.narrow(0, start, size);
            var rows = Predictor.Probabilities(model, images);
            for (int i = 0; i < size; i++)
            {
                var p = new Prediction(start + i, data.LabelBytes[start + i], ArgMax(rows[i]), rows[i]);
                if (!p.Correct) mistakes.Add(p);
            }
        }
        return mistakes.OrderByDescending(p => p.Confidence).ThenBy(p => p.Index).Take(count).ToList();
    }

    static int ArgMax(float[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}
