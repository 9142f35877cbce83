using MnistLeNet.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistLeNet.Tests;

public class LeNetTests
{
    [Fact]
    public void Maps_a_batch_of_images_to_ten_logits()
    {
        using var model = new LeNet();
        using var x = rand(3, 1, 28, 28);
        using var y = model.forward(x);
        Assert.Equal(new long[] { 3, 10 }, y.shape);
    }

    [Fact]
    public void Summary_shows_the_tutorial_shapes_and_parameter_counts_in_call_order()
    {
        using var model = new LeNet();
        var rows = ModelSummary.Of(model, 4, 1, 28, 28);
        var expected = new (string, string, long)[]
        {
            ("input", "[4,1,28,28]", 0),
            ("conv1", "[4,6,24,24]", 6 * 25 + 6),
            ("max_pool1", "[4,6,12,12]", 0),
            ("conv2", "[4,16,8,8]", 16 * 6 * 25 + 16),
            ("max_pool2", "[4,16,4,4]", 0),
            ("conv3", "[4,120,1,1]", 120 * 16 * 16 + 120),
            ("fc1", "[4,64]", 120 * 64 + 64),
            ("fc2", "[4,10]", 64 * 10 + 10),
        };
        Assert.Equal(expected, rows.Select(r => (r.Name, r.Shape, r.Parameters)));
        Assert.Equal(41_806, rows.Sum(r => r.Parameters));
        Assert.Equal(41_806, model.parameters().Sum(p => p.numel()));
        Assert.Contains("41,806", ModelSummary.Format(rows));
    }

    [Fact]
    public void The_summary_reads_any_module_through_its_hooks()
    {
        using var model = nn.Sequential(("conv", nn.Conv2d(1, 2, 3)), ("pool", nn.AvgPool2d(2)), ("flat", nn.Flatten()));
        var rows = ModelSummary.Of(model, 2, 1, 28, 28);
        Assert.Equal(["input", "conv", "pool", "flat"], rows.Select(r => r.Name));
        Assert.Equal("[2,338]", rows[^1].Shape);
        Assert.Equal(2 * 9 + 2, rows[1].Parameters);
    }

    [Theory]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.ReLU)]
    public void Forward_applies_the_layers_in_the_tutorials_order(Activation activation)
    {
        using var model = new LeNet(activation: activation);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = rand(3, 1, 28, 28);
        Func<Tensor, Tensor> pool = t => nn.functional.max_pool2d(t, 2, 2);
        Tensor expected;
        if (activation == Activation.Sigmoid)
        {
            var h = sigmoid(pool(sigmoid(model.conv1.forward(x))));
            h = model.conv3.forward(pool(model.conv2.forward(h))).flatten(1);
            expected = model.fc2.forward(sigmoid(model.fc1.forward(h)));
        }
        else
        {
            var h = pool(nn.functional.relu(model.conv1.forward(x)));
            h = nn.functional.relu(model.conv3.forward(pool(nn.functional.relu(model.conv2.forward(h))))).flatten(1);
            expected = model.fc2.forward(nn.functional.relu(model.fc1.forward(h)));
        }
        Assert.True(model.call(x).equal(expected).all().item<bool>());
    }

    [Fact]
    public void Paddle_init_draws_conv_weights_with_std_sqrt_2_over_fan_in_xavier_linear_and_zero_biases()
    {
        manual_seed(0);
        using var model = new LeNet();
        PaddleInit.Apply(model);
        var p = model.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        Assert.Equal(Math.Sqrt(2.0 / (16 * 4 * 4)), p["conv3.weight"].std().item<float>(), 2); // 30,720 draws
        Assert.Equal(Math.Sqrt(2.0 / (6 * 25)), p["conv2.weight"].std().item<float>(), 2);
        double limit = Math.Sqrt(6.0 / (120 + 64));
        Assert.True(p["fc1.weight"].abs().max().item<float>() <= limit);
        Assert.True(p["fc1.weight"].abs().max().item<float>() > 0.9 * limit);
        foreach (var (name, parameter) in p.Where(x => x.Key.EndsWith("bias")))
            Assert.True(parameter.abs().sum().item<float>() == 0, name);
    }
}
