using MnistLeNet.Model;
using MnistLeNet.Prediction;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistLeNet.Tests;

/// <summary>The fast inference path for LeNet gives exactly what the plain model gives.</summary>
public class InferenceTests
{
    [Theory]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.ReLU)]
    public void The_fast_path_equals_the_plain_model(Activation activation)
    {
        manual_seed(3);
        using var model = new LeNet(activation: activation);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var images = randn(40, 1, 28, 28); // negative values too
        Assert.True(FastLeNet.Applies(images));
        Assert.True(Inference.Logits(model, images).equal(model.call(images)).all().item<bool>());
    }

    [Fact]
    public void Quarter_pooling_equals_max_pool2d_with_negative_values()
    {
        using var x = randn(3, 4, 10, 8) - 1;
        using var expected = nn.functional.max_pool2d(x, 2, 2);
        using var pooled = FastLeNet.MaxPool(x);
        Assert.True(pooled.equal(expected).all().item<bool>());
    }

    [Fact]
    public void The_fast_path_is_taken_only_without_gradients_and_for_more_than_a_few_images()
    {
        using var many = rand(40, 1, 28, 28);
        using var few = rand(2, 1, 28, 28);
        Assert.False(FastLeNet.Applies(many)); // gradients are enabled outside no_grad
        using var noGrad = no_grad();
        Assert.True(FastLeNet.Applies(many));
        Assert.False(FastLeNet.Applies(few));
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
