using System.Diagnostics;
using MnistLeNet.Data;
using MnistLeNet.Prediction;
using MnistLeNet.Training;
using TorchSharp;

namespace MnistLeNet.Bench;

/// <summary>The project's side of each benchmark, measured in this process.</summary>
public static class Measurements
{
    /// <summary>Both MNIST splits, read, verified and converted into tensors, and the seconds that took.</summary>
    public static (double Seconds, MnistDataset Train, MnistDataset Test) Load(string dataDir)
    {
        var clock = Stopwatch.StartNew();
        var (train, test) = MnistDataset.LoadTrainAndTest(dataDir, download: false);
        return (clock.Elapsed.TotalSeconds, train, test);
    }

    /// <summary>Training images per second for one epoch over the first <paramref name="limit"/> images.</summary>
    public static double TrainImagesPerSecond(MnistDataset train, MnistDataset testSubset, TrainingOptions recipe, int threads, int limit)
    {
        var options = recipe with { Epochs = 1, Threads = threads, TrainLimit = limit, LogEvery = int.MaxValue };
        using var model = options.CreateModel();
        return new Trainer(model, options, torch.CPU).Fit(train, testSubset).ImagesPerSecond;
    }

    /// <summary>Test images per second for <see cref="Evaluator.Evaluate"/> on the whole test set with
    /// <paramref name="threads"/> torch threads (after one warm-up pass): the model's own forward, or with
    /// <paramref name="speedrunPath"/> the speedrun's test evaluation (<see cref="SpeedrunForward.Evaluation"/>).</summary>
    public static double EvalImagesPerSecond(MnistDataset test, int threads, bool speedrunPath = false)
    {
        using var torchThreads = CpuThreads.Use(threads);
        using var model = TrainingOptions.Fast.CreateModel();
        Func<torch.Tensor, torch.Tensor>? forward = speedrunPath ? images => SpeedrunForward.Evaluation(model, images) : null;
        Evaluator.Evaluate(model, test, forward: forward);
        var clock = Stopwatch.StartNew();
        Evaluator.Evaluate(model, test, forward: forward);
        return test.Count / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Median and 99th percentile, in milliseconds, of predicting one image (probabilities out).</summary>
    public static (double Median, double P99) SingleImageLatencyMs(MnistDataset test, int repeats = 2000)
    {
        using var model = TrainingOptions.Fast.CreateModel();
        model.eval();
        using var image = test.Images[..1];
        var times = new double[repeats];
        for (int i = -200; i < repeats; i++) // the first 200 warm up
        {
            long start = Stopwatch.GetTimestamp();
            Predictor.Probabilities(model, image);
            if (i >= 0) times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        return (times[repeats / 2], times[(int)(repeats * 0.99)]);
    }

    /// <summary>Resident memory (MB) after each epoch of a run of <paramref name="epochs"/> epochs.</summary>
    public static List<double> ResidentMegabytesPerEpoch(MnistDataset train, MnistDataset testSubset, int epochs, int limit)
    {
        var options = TrainingOptions.Fast with { Epochs = epochs, TrainLimit = limit, LogEvery = int.MaxValue };
        using var model = options.CreateModel();
        var rss = new List<double>();
        new Trainer(model, options, torch.CPU).Fit(train, testSubset, e =>
        {
            if (e is EpochCompleted) rss.Add(ResidentMegabytes());
        });
        return rss;
    }

    public static double ResidentMegabytes()
    {
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return self.WorkingSet64 / 1e6;
    }

    /// <summary>
    /// Runs in a fresh process (<c>--time-to-99</c>): trains <paramref name="options"/> (a recipe that stops
    /// at a target accuracy) and returns the seconds from process start to the evaluation that reached it
    /// (null if none did), the training images processed by then, and the last test accuracy.
    /// </summary>
    public static (double? Seconds, long Images, double Accuracy) TimeToTarget(string dataDir, TrainingOptions options)
    {
        var started = Process.GetCurrentProcess().StartTime.ToUniversalTime();
        var (train, test) = MnistDataset.LoadTrainAndTest(dataDir, download: false);
        using var model = options.CreateModel();
        double? seconds = null;
        var history = new Trainer(model, options, torch.CPU).Fit(train, test, e =>
        {
            if (e is TargetReached) seconds = (DateTime.UtcNow - started).TotalSeconds;
        });
        return (seconds, history.TrainImages, history.FinalAccuracy);
    }

    /// <summary>Test accuracy after <paramref name="options"/>' whole budget, without early stopping (no peeking at the test set).</summary>
    public static double AccuracyAfterBudget(MnistDataset train, MnistDataset test, TrainingOptions options)
    {
        var fixedBudget = options with { EarlyStop = null, LogEvery = int.MaxValue };
        using var model = fixedBudget.CreateModel();
        return new Trainer(model, fixedBudget, torch.CPU).Fit(train, test).FinalAccuracy;
    }
}
