using System.Diagnostics;
using MnistLeNet.Data;
using MnistLeNet.Prediction;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistLeNet.Training;

/// <summary>
/// The tutorial's training loop, for the command line and the tests. It is the same loop that
/// notebook 4 writes out in a cell (a test checks that both give the same numbers). For every batch:
/// forward pass, cross-entropy loss (which applies softmax itself), zero_grad, backward pass,
/// optimiser step. After every epoch: validation on the test set.
/// </summary>
public sealed class Trainer
{
    public nn.Module<Tensor, Tensor> Model { get; }
    public TrainingOptions Options { get; }
    public Device Device { get; }

    /// <summary>The run in progress (or the last one): filled in as training goes, so a live chart can show it.</summary>
    public TrainingHistory History { get; private set; } = new();

    /// <param name="model">any model mapping images [N,1,28,28] to logits [N,10]; it is moved to <paramref name="device"/></param>
    /// <param name="device">Where to train (default: CUDA when available, else CPU).</param>
    public Trainer(nn.Module<Tensor, Tensor> model, TrainingOptions options, Device? device = null)
    {
        Options = options.Validated();
        Device = device ?? DeviceChoice.Resolve("auto");
        Model = model;
        Model.to(Device);
    }

    /// <summary>Trains for <see cref="TrainingOptions.Epochs"/> epochs, reporting to <paramref name="onEvent"/> as it goes.</summary>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellation"/> fires; the model keeps what it learned so far.</exception>
    public TrainingHistory Fit(MnistDataset train, MnistDataset test, Action<TrainingEvent>? onEvent = null, CancellationToken cancellation = default)
    {
        using var threads = CpuThreads.Use(Options.ThreadCount); // restored when the run ends, however it ends
        using var trainSubset = Options.TrainLimit is int limit && limit < train.Count ? train.Take(limit) : null;
        var loader = new BatchLoader(trainSubset ?? train, Options.BatchSize, Options.Shuffle, Options.Seed);
        using var optimizer = CreateOptimizer();
        var schedule = Options.Schedule == ScheduleKind.OneCycle
            ? optim.lr_scheduler.OneCycleLR(optimizer, Options.LearningRate, total_steps: Options.Epochs * loader.BatchCount)
            : null;
        using var lossFn = nn.CrossEntropyLoss();
        var history = History = new TrainingHistory();
        int progressEvery = Math.Max(1, loader.BatchCount / 100);

        for (int epoch = 1; epoch <= Options.Epochs; epoch++)
        {
            Model.train();
            var clock = Stopwatch.StartNew();
            double lossSum = 0;
            int batchId = 0, images = 0;
            foreach (var batch in loader)
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var logits = Model.call(batch.Images.to(Device));
                var loss = lossFn.call(logits, batch.Labels.to(Device));
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                schedule?.step();

                double value = loss.item<float>();
                lossSum += value * batch.Size;
                images += batch.Size;
                if (batchId % Options.LogEvery == 0)
                {
                    var logged = new BatchLogged(epoch, batchId, loader.BatchCount, value);
                    history.LoggedBatches.Add(logged);
                    onEvent?.Invoke(logged);
                }
                batchId++;
                if (batchId % progressEvery == 0 || batchId == loader.BatchCount)
                    onEvent?.Invoke(new BatchProgress(epoch, Options.Epochs, batchId, loader.BatchCount));
            }
            double seconds = clock.Elapsed.TotalSeconds;

            var validation = Evaluator.Evaluate(Model, test);
            var result = new EpochResult(epoch, lossSum / images, validation.Loss, validation.Accuracy, seconds, images);
            history.Epochs.Add(result);
            onEvent?.Invoke(new EpochCompleted(result));
        }
        return history;
    }

    optim.Optimizer CreateOptimizer() => Options.Optimizer switch
    {
        OptimizerKind.SgdMomentum => optim.SGD(Model.parameters(), Options.LearningRate, momentum: Options.Momentum),
        OptimizerKind.Adam => optim.Adam(Model.parameters(), lr: Options.LearningRate),
        _ => throw new ArgumentOutOfRangeException(nameof(Options.Optimizer), Options.Optimizer, "unknown optimiser"),
    };
}
