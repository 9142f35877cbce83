using MnistLeNet.Model;
using MnistLeNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistLeNet.Tests;

public class ModelFileTests
{
    [Theory]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.ReLU)]
    public void Save_then_load_gives_identical_outputs_and_architecture(Activation activation)
    {
        using var dir = new TempDir();
        manual_seed(7);
        using var model = new LeNet(activation: activation);
        PaddleInit.Apply(model);
        model.eval();
        ModelFile.Save(model, dir.File("m.dat"));
        using var loaded = ModelFile.Load(dir.File("m.dat"));

        Assert.Equal(activation, loaded.Activation);
        using var x = Mnist.Test.Images[..5];
        using var a = model.forward(x);
        using var b = loaded.forward(x);
        Assert.True(a.eq(b).all().item<bool>());
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void A_file_that_is_not_a_model_is_rejected_by_name()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("notes.txt"), "hello, this is not a model");
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.Load(dir.File("notes.txt")));
        Assert.Contains("notes.txt", e.Message);
        Assert.Contains("not a LeNet parameter file", e.Message);
    }

    [Fact]
    public void A_truncated_model_file_is_rejected_by_name()
    {
        using var dir = new TempDir();
        using var model = new LeNet();
        ModelFile.Save(model, dir.File("m.dat"));
        var bytes = File.ReadAllBytes(dir.File("m.dat"));
        File.WriteAllBytes(dir.File("cut.dat"), bytes[..(bytes.Length - 100)]);
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.Load(dir.File("cut.dat")));
        Assert.Contains("cut.dat", e.Message);
    }

    [Fact]
    public void Parameters_of_another_architecture_are_rejected()
    {
        using var dir = new TempDir();
        using var other = new LeNet(numClasses: 5);
        ModelFile.Save(other, dir.File("five.dat"));
        // Rewrite the class count in the header to 10 (and the checksum to match): the stored fc2 shapes then disagree.
        var bytes = File.ReadAllBytes(dir.File("five.dat"));
        int at = 1 + "MnistLeNet.LeNet".Length + 4 + 1 + "Sigmoid".Length;
        Assert.Equal(5, BitConverter.ToInt32(bytes, at));
        BitConverter.GetBytes(10).CopyTo(bytes, at);
        File.WriteAllBytes(dir.File("ten.dat"), ModelFileBytes.Reseal(bytes));
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.Load(dir.File("ten.dat")));
        Assert.Contains("ten.dat", e.Message);
        Assert.DoesNotContain("checksum", e.Message);
    }

    [Fact]
    public void One_flipped_bit_in_the_weights_is_caught_by_the_checksum()
    {
        using var dir = new TempDir();
        using var model = TrainingOptions.Fast.CreateModel();
        ModelFile.Save(model, dir.File("m.dat"));
        var bytes = File.ReadAllBytes(dir.File("m.dat"));
        // An exponent bit of a weight in the middle of the file: the value becomes huge but stays finite.
        int at = ModelFileBytes.OffsetOf(bytes, model.parameters().ElementAt(4)) + 3;
        bytes[at] ^= 0x40;
        File.WriteAllBytes(dir.File("flipped.dat"), bytes);
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.Load(dir.File("flipped.dat")));
        Assert.Contains("flipped.dat", e.Message);
        Assert.Contains("checksum", e.Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Non_finite_weights_are_refused_on_load_naming_the_parameter(float value)
    {
        // A version 1 file has no checksum: the damage reaches the weights.
        using var dir = new TempDir();
        using var model = new LeNet(activation: Activation.ReLU);
        var bytes = ModelFileBytes.Version1(model);
        BitConverter.GetBytes(value).CopyTo(bytes, ModelFileBytes.OffsetOf(bytes, model.parameters().First()));
        File.WriteAllBytes(dir.File("nan.dat"), bytes);
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.Load(dir.File("nan.dat")));
        Assert.Contains("nan.dat", e.Message);
        Assert.Contains("conv1.weight holds NaN or infinite values", e.Message);
    }

    [Fact]
    public void Non_finite_weights_are_not_saved_and_the_old_file_stays()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("m.dat"), "the previous good model");
        using var model = new LeNet();
        using (torch.no_grad()) model.parameters().Last().fill_(float.NaN);
        var e = Assert.Throws<ArgumentException>(() => ModelFile.Save(model, dir.File("m.dat")));
        Assert.Contains("fc2.bias holds NaN", e.Message);
        Assert.Equal("the previous good model", File.ReadAllText(dir.File("m.dat")));
        Assert.Equal(["m.dat"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("7")]
    [InlineData("Sigmoid, ReLU")]
    [InlineData("relu")]
    [InlineData(" ReLU")]
    public void The_activation_field_is_parsed_strictly(string activation)
    {
        using var dir = new TempDir();
        using var model = new LeNet();
        File.WriteAllBytes(dir.File("v1.dat"), ModelFileBytes.Version1(model, activation));
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.Load(dir.File("v1.dat")));
        Assert.Contains($"unknown activation '{activation}'", e.Message);
    }

    [Fact]
    public void Version_1_files_still_load()
    {
        using var dir = new TempDir();
        using var model = TrainingOptions.Fast.CreateModel();
        File.WriteAllBytes(dir.File("v1.dat"), ModelFileBytes.Version1(model));
        using var loaded = ModelFile.Load(dir.File("v1.dat"));
        Assert.Equal(Activation.ReLU, loaded.Activation);
        Assert.Equal(model.parameters().SelectMany(p => p.data<float>().ToArray()), loaded.parameters().SelectMany(p => p.data<float>().ToArray()));
    }

    [Fact]
    public void An_unknown_version_gets_a_clear_message()
    {
        using var dir = new TempDir();
        using var model = new LeNet();
        var bytes = ModelFileBytes.Version1(model);
        BitConverter.GetBytes(3).CopyTo(bytes, 1 + "MnistLeNet.LeNet".Length);
        File.WriteAllBytes(dir.File("v3.dat"), bytes);
        Assert.Contains("format version 3; this program reads versions 1 and 2",
            Assert.Throws<InvalidDataException>(() => ModelFile.Load(dir.File("v3.dat"))).Message);
    }

    [Fact]
    public void A_missing_file_says_how_to_make_one()
    {
        var e = Assert.Throws<FileNotFoundException>(() => ModelFile.Load("/nonexistent/model.dat"));
        Assert.Contains("train", e.Message);
    }
}
