using MnistLeNet.Model;
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
        // Rewrite the class count in the header to 10: the stored fc2 shapes then disagree.
        var bytes = File.ReadAllBytes(dir.File("five.dat"));
        int at = 1 + "MnistLeNet.LeNet".Length + 4 + 1 + "Sigmoid".Length;
        Assert.Equal(5, BitConverter.ToInt32(bytes, at));
        BitConverter.GetBytes(10).CopyTo(bytes, at);
        File.WriteAllBytes(dir.File("ten.dat"), bytes);
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.Load(dir.File("ten.dat")));
        Assert.Contains("ten.dat", e.Message);
    }

    [Fact]
    public void A_missing_file_says_how_to_make_one()
    {
        var e = Assert.Throws<FileNotFoundException>(() => ModelFile.Load("/nonexistent/model.dat"));
        Assert.Contains("train", e.Message);
    }
}
