using MnistLeNet.Training;
using TorchSharp;

namespace MnistLeNet.Tests;

/// <summary>The thread count is the trainer's choice while it trains, and only then.</summary>
public class CpuThreadsTests
{
    static readonly TrainingOptions OneThread = TrainingOptions.Fast with { Epochs = 1, TrainLimit = 640, Threads = 1 };

    [Fact]
    public void Fit_trains_with_its_thread_count_and_restores_the_previous_one()
    {
        using var before = CpuThreads.Use(3);
        using var test = Mnist.Test.Take(100);
        using var model = OneThread.CreateModel();
        var during = new List<int>();
        new Trainer(model, OneThread, torch.CPU).Fit(Mnist.Train, test, _ => during.Add(torch.get_num_threads()));

        Assert.NotEmpty(during);
        Assert.All(during, threads => Assert.Equal(1, threads));
        Assert.Equal(3, torch.get_num_threads());
    }

    [Fact]
    public void A_cancelled_run_restores_the_thread_count_too()
    {
        using var before = CpuThreads.Use(3);
        using var test = Mnist.Test.Take(100);
        using var model = OneThread.CreateModel();
        using var cancel = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            new Trainer(model, OneThread, torch.CPU).Fit(Mnist.Train, test, _ => cancel.Cancel(), cancel.Token));
        Assert.Equal(3, torch.get_num_threads());
    }
}
