using MnistLeNet.Data;
using MnistLeNet.Model;
using MnistLeNet.Prediction;
using MnistLeNet.Training;

namespace MnistLeNet.Tests;

public sealed class ConfusionMatrixTests(BrieflyTrainedModel trained) : IClassFixture<BrieflyTrainedModel>
{
    readonly MnistDataset _test = trained.Test;
    readonly LeNet _model = trained.Model;

    [Fact]
    public void Rows_sum_to_the_class_counts_and_the_diagonal_to_the_correct_answers()
    {
        var counts = ConfusionMatrix.Compute(_model, _test);
        var classCounts = _test.ClassCounts();
        for (int label = 0; label < 10; label++)
            Assert.Equal(classCounts[label], Enumerable.Range(0, 10).Sum(p => counts[label, p]));
        var evaluation = Evaluator.Evaluate(_model, _test, batchSize: 300); // batches of 300, 300, 300, 100
        Assert.Equal(evaluation.Correct, Enumerable.Range(0, 10).Sum(d => counts[d, d]));
        Assert.InRange(evaluation.Correct, 300, 990); // there are mistakes to count
        Assert.Equal(counts, ConfusionMatrix.Compute(_model, _test));
    }

    [Fact]
    public void The_most_confident_mistakes_are_wrong_and_sorted_surest_first()
    {
        var mistakes = Mistakes.MostConfidentMistakes(_model, _test, 10);
        Assert.Equal(10, mistakes.Count);
        Assert.All(mistakes, m => Assert.NotEqual(m.Label, m.Predicted));
        Assert.All(mistakes, m => Assert.Equal(_test.Labels.data<long>()[m.Index], m.Label));
        Assert.Equal(mistakes.Select(m => m.Confidence).OrderDescending(), mistakes.Select(m => m.Confidence));
        var again = Predictor.Predict(_model, _test, mistakes[0].Index);
        Assert.Equal(again.Predicted, mistakes[0].Predicted);

        var all = Mistakes.MostConfidentMistakes(_model, _test, int.MaxValue);
        Assert.Equal(_test.Count - Evaluator.Evaluate(_model, _test).Correct, all.Count);
        Assert.True(all.Skip(10).All(m => m.Confidence <= mistakes[^1].Confidence));
    }
}
