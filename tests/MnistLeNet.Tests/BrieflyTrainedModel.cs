using MnistLeNet.Data;
using MnistLeNet.Model;
using MnistLeNet.Training;
using TorchSharp;

namespace MnistLeNet.Tests;

/// <summary>A briefly trained model, shared by the tests of one class: right often enough to have a
/// diagonal, wrong often enough to have mistakes.</summary>
public sealed class BrieflyTrainedModel : IDisposable
{
    public OwnedMnistDataset Test { get; } = Mnist.Test.Take(1000);
    public LeNet Model { get; }

    public BrieflyTrainedModel()
    {
        var options = TrainingOptions.Fast with { Epochs = 1, TrainLimit = 3000 };
        Model = options.CreateModel();
        new Trainer(Model, options, torch.CPU).Fit(Mnist.Train, Test);
    }

    public void Dispose()
    {
        Model.Dispose();
        Test.Dispose();
    }
}
