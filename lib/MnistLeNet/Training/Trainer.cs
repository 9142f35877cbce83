using System.Diagnostics;
using MnistLeNet.Data;
using MnistLeNet.Model;
using MnistLeNet.Prediction;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistLeNet.Training;

/// <summary>
/// The tutorial's training loop. For every batch: forward pass, cross-entropy loss (which applies
/// softmax itself), backward pass, optimiser step. After every epoch: validation on the test set.
/// </summary>
public sealed class Trainer
{
    public nn.Module<Tensor, Tensor> Model { get; }
    public TrainingOptions Options { get; }
    public Device Device { get; }

    /// <summary>The run in progress (or the last one): filled in as training goes, so a live chart can show it.</summary>
    public TrainingHistory History { get; private set; } = new();

    /// <summary>Where to save a <see cref="Checkpoint"/> after every epoch and when training is stopped (null: nowhere).</summary>
    public string? CheckpointPath { get; set; }

    /// <param name="model">any model mapping images [N,1,28,28] to logits [N,10]; it is moved to <paramref name="device"/></param>
    /// <param name="device">Where to train (default: CUDA when available, else CPU).</param>
    public Trainer(nn.Module<Tensor, Tensor> model, TrainingOptions options, Device? device = null)
    {
        Options = options.Validated();
        Device = device ?? DeviceChoice.Resolve("auto");
        if (Options.InputStandardization is not null && model is not LeNet)
            throw new ArgumentException("a recipe with input standardisation needs a LeNet: the standardisation is folded into its conv1 when training ends", nameof(model));
        if (Options.SpeedrunLayers && model is not LeNet)
            throw new ArgumentException($"{nameof(TrainingOptions.SpeedrunLayers)} needs a LeNet (its speed tricks are for LeNet's layers); set it to false for other models", nameof(model));
        Model = model;
        Model.to(Device);
    }

    /// <summary>Trains for <see cref="TrainingOptions.Epochs"/> epochs, reporting to <paramref name="onEvent"/> as it goes.</summary>
    /// <param name="cancellation">Stops training at the next batch. The running notebook cell's stop button
    /// (see <see cref="NotebookKernel.CellCancellation"/>) does the same.</param>
    /// <exception cref="TrainingStoppedException">When stopped; the model keeps what it learned so far, and a
    /// checkpoint is saved to <see cref="CheckpointPath"/> if there is one.</exception>
    /// <exception cref="TrainingDivergedException">When the loss becomes NaN or infinite.</exception>
    public TrainingHistory Fit(MnistDataset train, MnistDataset test, Action<TrainingEvent>? onEvent = null, CancellationToken cancellation = default) =>
        Run(train, test, onEvent, cancellation, resumeFrom: null);

    /// <summary>
    /// Continues the run <paramref name="checkpoint"/> was taken from, on the same data: the weights,
    /// the optimiser and the random generators are restored, so the run ends exactly (bit for bit,
    /// with the same number of threads) as if it had never stopped.
    /// </summary>
    /// <exception cref="ArgumentException">The checkpoint is of another recipe than <see cref="Options"/>.</exception>
    public TrainingHistory Resume(Checkpoint checkpoint, MnistDataset train, MnistDataset test, Action<TrainingEvent>? onEvent = null, CancellationToken cancellation = default)
    {
        if (checkpoint.Options with { Threads = null } != Options with { Threads = null })
            throw new ArgumentException($"the checkpoint is of another recipe ({checkpoint.Options.Describe()}) than this trainer's ({Options.Describe()})", nameof(checkpoint));
        return Run(train, test, onEvent, cancellation, checkpoint);
    }

    TrainingHistory Run(MnistDataset train, MnistDataset test, Action<TrainingEvent>? onEvent, CancellationToken cancellation, Checkpoint? resumeFrom)
    {
        using var threads = CpuThreads.Use(Options.ThreadCount); // restored when the run ends, however it ends
        torch.manual_seed(Options.Seed);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation, NotebookKernel.CellCancellation);
        using var trainSubset = Options.TrainLimit is int limit && limit < train.Count ? train.Take(limit) : null;
        var loader = new BatchLoader(trainSubset ?? train, Options.BatchSize, Options.Shuffle, Options.Seed) { Standardization = Options.InputStandardization };
        long plannedImages = Options.PlannedImages(loader.Dataset.Count);
        using var optimizer = CreateOptimizer();
        var history = History = new TrainingHistory();
        var start = resumeFrom is null ? new Checkpoint.Progress(Options, 1, 0, 0, 0, 0, [], []) : Restore(resumeFrom, loader, optimizer, history);
        int progressEvery = Math.Max(1, loader.BatchCount / 100);
        long imagesDone = history.TrainImages + start.EpochImages; // over the whole run

        try
        {
            for (int epoch = start.Epoch; epoch <= Options.Epochs && !Finished(history, plannedImages); epoch++)
            {
                bool continuing = epoch == start.Epoch;
                int batchId = continuing ? start.Batch : 0;
                double lossSum = continuing ? start.EpochLossSum : 0;
                int images = continuing ? start.EpochImages : 0;
                double earlierSeconds = continuing ? start.EpochSeconds : 0;
                Evaluation? targetReached = null;
                using var epochShuffleState = loader.ShuffleState; // before the epoch draws its order
                Model.train();
                var clock = Stopwatch.StartNew();
                foreach (var batch in loader.From(batchId))
                {
                    using (var scope = NewDisposeScope())
                    {
                        if (stop.IsCancellationRequested)
                        {
                            var saved = SaveCheckpoint(new(Options, epoch, batchId, lossSum, images, earlierSeconds + clock.Elapsed.TotalSeconds, [.. history.Epochs], [.. history.LoggedBatches]),
                                epochShuffleState, optimizer);
                            throw new TrainingStoppedException(epoch, batchId, loader.BatchCount, saved, stop.Token);
                        }
                        if (Options.Schedule == ScheduleKind.WarmupCosine)
                            SetLearningRate(optimizer, WarmupCosine.At(Options.LearningRate, imagesDone, plannedImages));
                        double value = Step(batch, optimizer, epoch, batchId);
                        lossSum += value * batch.Size;
                        images += batch.Size;
                        imagesDone += batch.Size;
                        if (batchId % Options.LogEvery == 0)
                        {
                            var logged = new BatchLogged(epoch, batchId, loader.BatchCount, value);
                            history.LoggedBatches.Add(logged);
                            onEvent?.Invoke(logged);
                        }
                        batchId++;
                        if (batchId % progressEvery == 0 || batchId == loader.BatchCount)
                            onEvent?.Invoke(new BatchProgress(epoch, Options.Epochs, batchId, loader.BatchCount));
                        if (imagesDone >= plannedImages) break; // the budget ends inside this epoch
                        // Early stopping: a test evaluation every so many images (the epoch's end has its own).
                        if (batchId < loader.BatchCount && Options.EarlyStop is { } stopAt && stopAt.CheckDue(imagesDone - batch.Size, imagesDone))
                        {
                            var check = Validate(test, epoch, batchId);
                            onEvent?.Invoke(new TestChecked(imagesDone, check.Accuracy, check.Loss));
                            if (stopAt.Reached(imagesDone, check.Accuracy)) { targetReached = check; break; }
                        }
                    }
                }
                double seconds = earlierSeconds + clock.Elapsed.TotalSeconds;

                var validation = targetReached ?? Validate(test, epoch, batchId);
                var result = new EpochResult(epoch, lossSum / images, validation.Loss, validation.Accuracy, seconds, images);
                history.Epochs.Add(result);
                // A checkpoint that cannot be written (a full disk) must not cost the epoch just trained: training goes on,
                // the previous checkpoint stays as it was (it is replaced whole or not at all), and the caller is told.
                try
                {
                    using var nextShuffleState = loader.ShuffleState;
                    SaveCheckpoint(new(Options, epoch + 1, 0, 0, 0, 0, [.. history.Epochs], [.. history.LoggedBatches]), nextShuffleState, optimizer);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    onEvent?.Invoke(new CheckpointNotSaved(epoch, CheckpointPath!, e.Message));
                }
                onEvent?.Invoke(new EpochCompleted(result));
                if (Options.EarlyStop?.Reached(imagesDone, result.TestAccuracy) == true)
                    onEvent?.Invoke(new TargetReached(imagesDone, result.TestAccuracy));
            }
        }
        finally
        {
            // However the run ends, the model handed back takes raw 0..1 images (checkpoints keep the training weights).
            if (Options.InputStandardization is { } standardization) standardization.FoldInto(FirstLayer);
        }
        return history;
    }

    /// <summary>Whether the run has nothing left to do: its images are done, or it reached its target.</summary>
    bool Finished(TrainingHistory history, long plannedImages) =>
        history.TrainImages >= plannedImages ||
        history.Epochs.Count > 0 && Options.EarlyStop?.Reached(history.TrainImages, history.Epochs[^1].TestAccuracy) == true;

    /// <summary>Test accuracy and loss now, of the model as it will be handed back (standardisation folded in).</summary>
    Evaluation Validate(MnistDataset test, int epoch, int batchId)
    {
        Evaluation validation;
        using (Options.InputStandardization?.FoldedInto(FirstLayer))
            validation = Evaluator.Evaluate(Model, test,
                forward: Options.SpeedrunLayers ? images => SpeedrunForward.Evaluation((LeNet)Model, images) : null);
        if (!double.IsFinite(validation.Loss)) throw new TrainingDivergedException(epoch, batchId, validation.Loss, Options.LearningRate);
        return validation;
    }

    /// <summary>The layer a standardisation is folded into (the constructor checked that there is one).</summary>
    Conv2d FirstLayer => ((LeNet)Model).conv1;

    static void SetLearningRate(OptimizerHelper optimizer, double learningRate)
    {
        foreach (var group in ((optim.Optimizer)optimizer).ParamGroups) group.LearningRate = learningRate;
    }

    /// <summary>One optimisation step on one batch; returns the batch's loss (checked before the weights change).</summary>
    double Step(Batch batch, OptimizerHelper optimizer, int epoch, int batchId)
    {
        var images = batch.Images.to(Device);
        var logits = Options.SpeedrunLayers ? SpeedrunForward.Training((LeNet)Model, images) : Model.call(images);
        var loss = nn.functional.cross_entropy(logits, batch.Labels.to(Device), label_smoothing: Options.LabelSmoothing);
        double value = loss.item<float>();
        if (!double.IsFinite(value)) throw new TrainingDivergedException(epoch, batchId, value, Options.LearningRate);
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        return value;
    }

    /// <summary>Puts a stopped run back where it was: weights, optimiser, random generators, results so far.</summary>
    Checkpoint.Progress Restore(Checkpoint checkpoint, BatchLoader loader, OptimizerHelper optimizer, TrainingHistory history)
    {
        var state = checkpoint.State;
        checkpoint.Restore(Model, optimizer, loader);
        history.Epochs.AddRange(state.Epochs);
        history.LoggedBatches.AddRange(state.LoggedBatches);
        return state;
    }

    /// <summary>Saves a checkpoint to <see cref="CheckpointPath"/>, if there is one; returns where.</summary>
    string? SaveCheckpoint(Checkpoint.Progress progress, Tensor epochShuffleState, OptimizerHelper optimizer)
    {
        if (CheckpointPath is null) return null;
        Checkpoint.Capture(progress, epochShuffleState, Model, optimizer).Save(CheckpointPath);
        return CheckpointPath;
    }

    OptimizerHelper CreateOptimizer() => Options.Optimizer switch
    {
        OptimizerKind.SgdMomentum => optim.SGD(Model.parameters(), Options.LearningRate, momentum: Options.Momentum,
            weight_decay: Options.WeightDecay, nesterov: Options.Nesterov),
        OptimizerKind.Adam => optim.Adam(Model.parameters(), lr: Options.LearningRate),
        _ => throw new ArgumentOutOfRangeException(nameof(Options.Optimizer), Options.Optimizer, "unknown optimiser"),
    };
}
