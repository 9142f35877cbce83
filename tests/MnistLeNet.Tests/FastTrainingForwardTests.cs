using MnistLeNet.Model;
using MnistLeNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistLeNet.Tests;

/// <summary>The speedrun's training tricks (channels-last memory, conv3 as a matrix product) give the plain model's values and gradients.</summary>
public class FastTrainingForwardTests
{
    [Theory]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.ReLU)]
    public void Outputs_and_gradients_equal_the_plain_model_s_up_to_float_rounding(Activation activation)
    {
        manual_seed(3);
        using var model = new LeNet(10, activation);
        using var scope = NewDisposeScope();
        var images = Mnist.Test.Images[..64];
        var labels = Mnist.Test.Labels[..64];

        var plain = model.call(images);
        var plainGradients = autograd.grad([nn.functional.cross_entropy(plain, labels)], [.. model.parameters()]);
        var fast = FastTrainingForward.Forward(model, images);
        var fastGradients = autograd.grad([nn.functional.cross_entropy(fast, labels)], [.. model.parameters()]);

        Assert.True(fast.allclose(plain, rtol: 1e-5, atol: 1e-5), $"largest difference {(fast - plain).abs().max().item<float>()}");
        Assert.Equal(10, plainGradients.Count);
        for (int i = 0; i < plainGradients.Count; i++)
            Assert.True(fastGradients[i].allclose(plainGradients[i], rtol: 1e-4, atol: 1e-6),
                $"gradient {i}: largest difference {(fastGradients[i] - plainGradients[i]).abs().max().item<float>()}");
    }

    [Fact]
    public void A_run_with_them_stays_with_the_plain_run()
    {
        var options = TrainingOptions.Speedrun with { TrainLimit = 640, ImageBudget = 640, StopAt = null, LogEvery = 1 };
        var plain = Losses(options with { FastTrainingForward = false });
        var fast = Losses(options with { FastTrainingForward = true });
        Assert.Equal(10, fast.Count);
        for (int i = 0; i < fast.Count; i++) Assert.Equal(plain[i], fast[i], 4);
    }

    [Fact]
    public void They_are_refused_for_a_model_that_is_not_LeNet()
    {
        using var model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10));
        var e = Assert.Throws<ArgumentException>(() => new Trainer(model, TrainingOptions.Fast with { FastTrainingForward = true }, CPU));
        Assert.Contains(nameof(TrainingOptions.FastTrainingForward), e.Message);
    }

    static List<double> Losses(TrainingOptions options)
    {
        using var model = options.CreateModel();
        using var test = Mnist.Test.Take(100);
        var losses = new List<double>();
        new Trainer(model, options, CPU).Fit(Mnist.Train, test, e => { if (e is BatchLogged logged) losses.Add(logged.Loss); });
        Assert.All(model.parameters(), p => Assert.True(p.is_contiguous())); // the weights keep their ordinary layout (saving, FastLeNet)
        return losses;
    }
}
