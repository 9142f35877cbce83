using MnistLeNet.Model;
using MnistLeNet.Prediction;
using MnistLeNet.Training;
using TorchSharp;

namespace MnistLeNet.Tests;

public class PredictorTests
{
    [Fact]
    public void Probabilities_are_non_negative_and_sum_to_one()
    {
        using var model = TrainingOptions.Classic.CreateModel();
        foreach (var row in Predictor.Probabilities(model, Mnist.Test.Images[..8]))
        {
            Assert.Equal(10, row.Length);
            Assert.All(row, p => Assert.InRange(p, 0f, 1f));
            Assert.Equal(1.0, row.Sum(), 5);
        }
    }

    [Fact]
    public void Batch_and_single_predictions_agree_and_carry_labels()
    {
        using var model = TrainingOptions.Fast.CreateModel();
        var many = Predictor.PredictMany(model, Mnist.Test, [0, 1, 2]);
        var single = Predictor.Predict(model, Mnist.Test, 2);
        Assert.Equal(new[] { 7, 2, 1 }, many.Select(p => p.Label));
        Assert.Equal(single.Probabilities, many[2].Probabilities, (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.Equal(Array.IndexOf(single.Probabilities, single.Probabilities.Max()), single.Predicted);
    }

    [Fact]
    public void A_picture_as_28x28_pixels_gets_the_probabilities_of_its_image_tensor()
    {
        using var model = TrainingOptions.Fast.CreateModel();
        var expected = Predictor.Probabilities(model, Mnist.Test.Images[..1])[0];
        Assert.Equal(expected, Predictor.Probabilities(model, Mnist.Test.Pixels(0)), (a, b) => Math.Abs(a - b) < 1e-6);
        var e = Assert.Throws<ArgumentException>(() => Predictor.Probabilities(model, new float[28, 27]));
        Assert.Contains("28×27", e.Message);
        Assert.Equal("pixels", e.ParamName);
    }

    [Fact]
    public void ArgMax_is_the_index_of_the_largest_value_and_the_first_one_on_a_tie()
    {
        Assert.Equal(2, new[] { 0.1f, 0.2f, 0.6f, 0.1f }.ArgMax());
        Assert.Equal(1, new[] { 0.1f, 0.45f, 0.45f }.ArgMax());
        Assert.Equal(0, new[] { 3f }.ArgMax());
        Assert.Equal(3, new[] { -5f, -4f, -3f, -2f }.ArgMax());
        Assert.Throws<ArgumentException>(() => Array.Empty<float>().ArgMax());
    }

    [Fact]
    public void Prediction_leaves_a_training_model_in_training_mode()
    {
        using var model = new LeNet();
        model.train();
        Predictor.Predict(model, Mnist.Test, 0);
        Assert.True(model.training);
    }

    [Fact]
    public void Out_of_range_index_names_the_range()
    {
        using var model = new LeNet();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Predictor.Predict(model, Mnist.Test, -1));
        Assert.Contains("0..9999", e.Message);
    }
}
