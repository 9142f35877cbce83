using MnistLeNet.Data;
using MnistLeNet.Model;
using MnistLeNet.Prediction;
using MnistLeNet.Training;
using MnistLeNet.Tutorial;
using TorchSharp;

namespace MnistLeNet.Tests;

public class TutorialHelpersTests
{
    [Fact]
    public void Without_a_saved_model_a_quick_one_is_trained_saved_and_returned_on_the_cpu()
    {
        using var dir = new TempDir();
        var log = new StringWriter();
        using var model = SavedModel.LoadOrTrainQuick(dir.File("mnist.dat"), Mnist.Train, Mnist.Test, log);

        Assert.Contains("No saved model", log.ToString());
        Assert.True(File.Exists(dir.File("mnist.dat")));
        Assert.Equal(DeviceType.CPU, model.parameters().First().device_type);
        Assert.False(model.training);
        Assert.Equal(7, Predictor.Predict(model, Mnist.Test, 0).Predicted);

        var again = new StringWriter();
        using var loaded = SavedModel.LoadOrTrainQuick(dir.File("mnist.dat"), Mnist.Train, Mnist.Test, again);
        Assert.Contains("Loaded the trained relu LeNet", again.ToString());
    }

    [Fact]
    public void Paddle_initialisation_gives_the_early_layers_much_larger_gradients()
    {
        using var probe = Mnist.Train.Take(100);
        var withDefault = GradientNorms.Of((TrainingOptions.Classic with { Init = InitKind.Default }).CreateModel(), probe.Images, probe.Labels);
        var withPaddle = GradientNorms.Of(TrainingOptions.Classic.CreateModel(), probe.Images, probe.Labels);
        Assert.Equal(["conv1.weight", "conv2.weight", "conv3.weight", "fc1.weight", "fc2.weight"], withDefault.Select(g => g.Name));
        foreach (var layer in new[] { 0, 1, 2, 3 })
            Assert.True(withPaddle[layer].Norm > 10 * withDefault[layer].Norm, $"{withDefault[layer].Name}: {withPaddle[layer].Norm} vs {withDefault[layer].Norm}");
    }

    [Fact]
    public void Quick_mode_shortens_to_one_epoch_only_when_the_variable_is_set()
    {
        var before = Environment.GetEnvironmentVariable(QuickMode.Variable);
        try
        {
            Environment.SetEnvironmentVariable(QuickMode.Variable, null);
            Assert.Equal(5, QuickMode.Apply(TrainingOptions.Classic).Epochs);
            Assert.StartsWith("Full run: 5 epochs", QuickMode.Describe(TrainingOptions.Classic));
            Environment.SetEnvironmentVariable(QuickMode.Variable, "1");
            Assert.Equal(1, QuickMode.Apply(TrainingOptions.Classic).Epochs);
            Assert.StartsWith("QUICK MODE", QuickMode.Describe(QuickMode.Apply(TrainingOptions.Classic)));
        }
        finally
        {
            Environment.SetEnvironmentVariable(QuickMode.Variable, before);
        }
    }

    [Fact]
    public void Pixel_text_shows_raw_values_and_dots_for_blank_pixels()
    {
        var pixels = new float[28, 28];
        pixels[1, 2] = 1f;
        pixels[1, 3] = 128 / 255f;
        var lines = PixelText.Values(pixels, firstRow: 1, rows: 1).TrimEnd().Split('\n');
        Assert.Single(lines);
        Assert.StartsWith(" 1 |   .   . 255 128   .", lines[0]);
    }
}
