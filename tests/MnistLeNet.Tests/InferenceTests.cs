using MnistLeNet.Model;
using MnistLeNet.Prediction;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistLeNet.Tests;

/// <summary>The batched inference loop, and that everything built on it runs the model's own forward.</summary>
public class InferenceTests
{
    [Fact]
    public void Evaluation_prediction_the_confusion_matrix_and_the_mistakes_run_the_model_s_own_forward()
    {
        using var model = new LeNet(activation: Activation.ReLU);
        using var data = Mnist.Test.Take(600);
        long images = 0; // the images the model's call saw: its forward hook runs only when model.call runs
        model.register_forward_hook((_, input, output) => { images += input.shape[0]; return output; });

        Evaluator.Evaluate(model, data);
        Assert.Equal(600, images);
        ConfusionMatrix.Compute(model, data);
        Assert.Equal(1200, images);
        Mistakes.MostConfidentMistakes(model, data, 5);
        Assert.Equal(1800, images);
        Predictor.PredictMany(model, data, [.. Enumerable.Range(0, 40)]);
        Assert.Equal(1840, images);
    }

    [Fact]
    public void Batches_cover_the_dataset_in_order_with_labels_and_restore_training_mode()
    {
        using var model = new LeNet();
        model.train();
        using var data = Mnist.Test.Take(600);
        var firsts = new List<int>();
        long images = 0;
        foreach (var batch in Inference.Batches(model, data))
        {
            Assert.False(model.training);
            Assert.False(is_grad_enabled());
            firsts.Add(batch.FirstIndex);
            images += batch.Logits.shape[0];
            Assert.Equal(data.Labels.data<long>()[batch.FirstIndex], batch.Labels[0].item<long>());
        }
        Assert.Equal([0, 250, 500], firsts);
        Assert.Equal(600, images);
        Assert.True(model.training);
        Assert.True(is_grad_enabled());
    }
}
