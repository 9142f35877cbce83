using MnistLeNet.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistLeNet.Tests;

public class ModelInspectionTests
{
    static Tensor Parameter(LeNet model, string name) => model.named_parameters().Single(p => p.name == name).parameter;

    [Fact]
    public void Conv1_filters_are_six_arrays_of_25_weights_equal_to_conv1_weight()
    {
        using var model = new LeNet();
        var filters = ModelInspection.Conv1Filters(model);
        Assert.Equal(6, filters.Length);
        Assert.All(filters, f => Assert.Equal(25, f.Length));
        var weight = Parameter(model, "conv1.weight"); // [6,1,5,5]
        for (int f = 0; f < 6; f++)
            for (int r = 0; r < 5; r++)
                for (int c = 0; c < 5; c++)
                    Assert.Equal(weight[f, 0, r, c].item<float>(), filters[f][r * 5 + c]);
    }

    [Fact]
    public void Feature_maps_after_conv1_are_six_24x24_maps_equal_to_the_convolution()
    {
        using var model = new LeNet();
        using var image = Mnist.Test[0].Image; // [1,28,28]
        var maps = ModelInspection.FeatureMaps(model, image, "conv1");
        Assert.Equal(6, maps.Length);
        Assert.All(maps, m => Assert.Equal(24 * 24, m.Length));
        Assert.Equal(24, ModelInspection.MapWidth(maps));

        using var expected = nn.functional.conv2d(image.unsqueeze(0), Parameter(model, "conv1.weight"), Parameter(model, "conv1.bias")).detach();
        for (int ch = 0; ch < 6; ch++)
            for (int r = 0; r < 24; r += 5)
                for (int c = 0; c < 24; c += 3)
                    Assert.Equal(expected[0, ch, r, c].item<float>(), maps[ch][r * 24 + c], 5);
    }

    [Fact]
    public void Feature_maps_of_later_layers_are_what_those_layers_output()
    {
        using var model = new LeNet();
        using var image = Mnist.Test[3].Image;
        var conv1 = ModelInspection.FeatureMaps(model, image, "conv1");
        var pooled = ModelInspection.FeatureMaps(model, image.reshape(28, 28), "max_pool1"); // pooling the sigmoid of conv1
        Assert.Equal(6, pooled.Length);
        Assert.Equal(12, ModelInspection.MapWidth(pooled));
        static double Sigmoid(float v) => 1 / (1 + Math.Exp(-v));
        var square = new[] { conv1[2][0], conv1[2][1], conv1[2][24], conv1[2][25] }.Max();
        Assert.Equal(Sigmoid(square), pooled[2][0], 5);

        var conv2 = ModelInspection.FeatureMaps(model, image.reshape(1, 1, 28, 28), "conv2");
        Assert.Equal(16, conv2.Length);
        Assert.Equal(8, ModelInspection.MapWidth(conv2));

        using var logits = model.forward(image.unsqueeze(0)).detach();
        var fc2 = Assert.Single(ModelInspection.FeatureMaps(model, image, "fc2")); // no channels: one array
        Assert.Equal(logits[0, 4].item<float>(), fc2[4], 5);
    }

    [Fact]
    public void An_unknown_layer_names_the_layers_there_are()
    {
        using var model = new LeNet();
        using var image = Mnist.Test[0].Image;
        var e = Assert.Throws<ArgumentException>(() => ModelInspection.FeatureMaps(model, image, "conv9"));
        Assert.Contains("conv1", e.Message);
        Assert.Contains("max_pool1", e.Message);
        Assert.Throws<ArgumentException>(() => ModelInspection.FeatureMaps(model, Mnist.Test.Images[..2], "conv1"));
    }
}
