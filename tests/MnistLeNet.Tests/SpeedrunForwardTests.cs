using MnistLeNet.Model;
using MnistLeNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistLeNet.Tests;

/// <summary>
/// The speedrun's speed tricks give what the model's own forward (<c>model.call</c>, that is <see cref="LeNet.forward"/>)
/// gives, on the same weights and images: so a change to LeNet.forward that the tricks do not follow fails here.
/// </summary>
public class SpeedrunForwardTests
{
    [Theory]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.ReLU)]
    public void Training_outputs_and_gradients_equal_the_model_s_own_up_to_float_rounding(Activation activation)
    {
        manual_seed(3);
        using var model = new LeNet(10, activation);
        using var scope = NewDisposeScope();
        var images = Mnist.Test.Images[..64];
        var labels = Mnist.Test.Labels[..64];

        var plain = model.call(images);
        var plainGradients = autograd.grad([nn.functional.cross_entropy(plain, labels)], [.. model.parameters()]);
        var fast = SpeedrunForward.Training(model, images);
        var fastGradients = autograd.grad([nn.functional.cross_entropy(fast, labels)], [.. model.parameters()]);

        Assert.True(fast.allclose(plain, rtol: 1e-5, atol: 1e-5), $"largest difference {(fast - plain).abs().max().item<float>()}");
        Assert.Equal(10, plainGradients.Count);
        for (int i = 0; i < plainGradients.Count; i++)
            Assert.True(fastGradients[i].allclose(plainGradients[i], rtol: 1e-4, atol: 1e-6),
                $"gradient {i}: largest difference {(fastGradients[i] - plainGradients[i]).abs().max().item<float>()}");
    }

    [Theory]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.ReLU)]
    public void The_test_evaluation_s_logits_are_the_model_s_own_bit_for_bit(Activation activation)
    {
        manual_seed(3);
        using var model = new LeNet(activation: activation);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var images = randn(40, 1, 28, 28); // negative values too
        Assert.True(SpeedrunForward.Evaluation(model, images).equal(model.call(images)).all().item<bool>());
    }

    [Fact]
    public void Quarter_pooling_equals_max_pool2d_with_negative_values()
    {
        using var x = randn(3, 4, 10, 8) - 1;
        using var expected = nn.functional.max_pool2d(x, 2, 2);
        using var pooled = SpeedrunForward.QuarterMaxPool(x);
        Assert.True(pooled.equal(expected).all().item<bool>());
    }

    [Fact]
    public void A_run_with_them_stays_with_the_plain_run()
    {
        var options = TrainingOptions.Speedrun with { TrainLimit = 640, ImageBudget = 640, EarlyStop = null, LogEvery = 1 };
        var plain = Losses(options with { SpeedrunLayers = false });
        var fast = Losses(options with { SpeedrunLayers = true });
        Assert.Equal(10, fast.Count);
        for (int i = 0; i < fast.Count; i++) Assert.Equal(plain[i], fast[i], 4);
    }

    [Fact]
    public void They_are_refused_for_a_model_that_is_not_LeNet()
    {
        using var model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10));
        var e = Assert.Throws<ArgumentException>(() => new Trainer(model, TrainingOptions.Fast with { SpeedrunLayers = true }, CPU));
        Assert.Contains(nameof(TrainingOptions.SpeedrunLayers), e.Message);
    }

    static List<double> Losses(TrainingOptions options)
    {
        using var model = options.CreateModel();
        using var test = Mnist.Test.Take(100);
        var losses = new List<double>();
        new Trainer(model, options, CPU).Fit(Mnist.Train, test, e => { if (e is BatchLogged logged) losses.Add(logged.Loss); });
        Assert.All(model.parameters(), p => Assert.True(p.is_contiguous())); // the weights keep their ordinary layout (saving, the evaluation path)
        return losses;
    }
}
