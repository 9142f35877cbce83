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
    public void Summary_shows_the_tutorial_shapes_and_parameter_counts()
    {
        using var model = new LeNet();
        var rows = ModelSummary.Of(model, 4, 1, 28, 28);
        var expected = new (string, string, long)[]
        {
            ("input", "[4,1,28,28]", 0),
            ("conv1", "[4,6,24,24]", 6 * 25 + 6),
            ("sigmoid", "[4,6,24,24]", 0),
            ("max_pool1", "[4,6,12,12]", 0),
            ("sigmoid", "[4,6,12,12]", 0),
            ("conv2", "[4,16,8,8]", 16 * 6 * 25 + 16),
            ("max_pool2", "[4,16,4,4]", 0),
            ("conv3", "[4,120,1,1]", 120 * 16 * 16 + 120),
            ("flatten", "[4,120]", 0),
            ("fc1", "[4,64]", 120 * 64 + 64),
            ("sigmoid", "[4,64]", 0),
            ("fc2", "[4,10]", 64 * 10 + 10),
        };
        Assert.Equal(expected, rows.Select(r => (r.Name, r.Shape, r.Parameters)));
        Assert.Equal(41_806, rows.Sum(r => r.Parameters));
        Assert.Equal(41_806, model.parameters().Sum(p => p.numel()));
        Assert.Contains("41,806", ModelSummary.Format(rows));
    }

    [Fact]
    public void The_relu_variant_has_the_same_layers_with_relu_after_each_conv_and_fc1()
    {
        using var model = new LeNet(activation: Activation.ReLU);
        var names = ModelSummary.Of(model).Select(r => r.Name);
        Assert.Equal(new[] { "input", "conv1", "relu", "max_pool1", "conv2", "relu", "max_pool2", "conv3", "relu", "flatten", "fc1", "relu", "fc2" }, names);
        Assert.Equal(41_806, model.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Conv3_computed_as_a_matrix_product_equals_the_convolution()
    {
        using var model = new LeNet();
        using var x = randn(7, 16, 4, 4);
        var conv3 = model.Steps.Single(s => s.Name == "conv3").Apply;
        var p = model.named_parameters().ToDictionary(n => n.name, n => n.parameter);
        using var fast = conv3(x);
        using var reference = nn.functional.conv2d(x, p["conv3.weight"], p["conv3.bias"]);
        Assert.Equal(reference.shape, fast.shape);
        Assert.True(fast.allclose(reference, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Rejects_inputs_of_the_wrong_shape_naming_it()
    {
        using var model = new LeNet();
        using var x = rand(2, 28, 28);
        var e = Assert.Throws<ArgumentException>(() => model.forward(x));
        Assert.Contains("[2,28,28]", e.Message);
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
