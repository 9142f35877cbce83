using MnistLeNet.Data;
using static TorchSharp.torch;

namespace MnistLeNet.Prediction;

/// <summary>Finds the images the model gets wrong.</summary>
public static class Mistakes
{
    /// <summary>
    /// The <paramref name="count"/> wrong predictions with the highest confidence, surest first: the
    /// images where the model is most convinced of a wrong digit (often badly written or mislabelled
    /// digits). Fewer are returned when the model makes fewer mistakes.
    /// </summary>
    public static IReadOnlyList<ImagePrediction> MostConfidentMistakes(nn.Module<Tensor, Tensor> model, MnistDataset data, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var wrong = new List<ImagePrediction>();
        var labels = data.Labels.data<long>();
        foreach (var batch in Inference.Batches(model, data))
        {
            var rows = Predictor.Rows(nn.functional.softmax(batch.Logits, dim: 1));
            for (int row = 0; row < rows.Length; row++)
            {
                int index = batch.FirstIndex + row;
                var prediction = new ImagePrediction(index, (int)labels[index], rows[row]);
                if (!prediction.Correct) wrong.Add(prediction);
            }
        }
        return wrong.OrderByDescending(p => p.Confidence).ThenBy(p => p.Index).Take(count).ToList();
    }
}
