using System.Diagnostics;
using MnistLeNet.Data;
using MnistLeNet.Model;
using MnistLeNet.Prediction;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistLeNet.Training;

/// <summary>The tutorial's training loop (notebook 4's): forward, cross-entropy, backward, step; a test after every epoch.</summary>
public sealed class Trainer
{
    public nn.Module<Tensor, Tensor> Model { get; }
    public TrainingOptions Options { get; }
    public Device Device { get; }

    /// <summary>The run in progress (or the last one), filled in as training goes so a live chart can show it.</summary>
    public TrainingHistory History { get; private set; } = new();

    /// <summary>Where to save a <see cref="Checkpoint"/> after every epoch and when stopped (null: nowhere).</summary>
    public string? CheckpointPath { get; set; }

    /// <param name="model">any model mapping images [N,1,28,28] to logits [N,10]; it is moved to <paramref name="device"/></param>
    /// <param name="device">default: CUDA when available, else CPU</param>
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

    /// <summary>Trains as <see cref="Options"/> says, reporting to <paramref name="onEvent"/> as it goes.</summary>
    /// <param name="cancellation">Stops at the next batch; so does the notebook cell's stop button (<see cref="NotebookKernel.CellCancellation"/>).</param>
    /// <exception cref="TrainingStoppedException">When stopped: the model keeps what it learned, and a checkpoint is saved to <see cref="CheckpointPath"/>.</exception>
    /// <exception cref="TrainingDivergedException">When the loss becomes NaN or infinite.</exception>
    public TrainingHistory Fit(MnistDataset train, MnistDataset test, Action<TrainingEvent>? onEvent = null, CancellationToken cancellation = default) =>
        Train(train, test, onEvent, cancellation, resumeFrom: null);

    /// <summary>Continues <paramref name="checkpoint"/>'s run on the same data; it ends bit for bit (with the same
    /// number of threads) as if it had never stopped.</summary>
    /// <exception cref="ArgumentException">The checkpoint is of another recipe than <see cref="Options"/>.</exception>
    public TrainingHistory Resume(Checkpoint checkpoint, MnistDataset train, MnistDataset test, Action<TrainingEvent>? onEvent = null, CancellationToken cancellation = default)
    {
        if (checkpoint.Options with { Threads = null } != Options with { Threads = null })
            throw new ArgumentException($"the checkpoint is of another recipe ({checkpoint.Options.Describe()}) than this trainer's ({Options.Describe()})", nameof(checkpoint));
        return Train(train, test, onEvent, cancellation, checkpoint);
    }

    TrainingHistory Train(MnistDataset train, MnistDataset test, Action<TrainingEvent>? onEvent, CancellationToken cancellation, Checkpoint? resumeFrom)
    {
        using var threads = CpuThreads.Use(Options.ThreadCount); // restored however the run ends
        torch.manual_seed(Options.Seed);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation, NotebookKernel.CellCancellation);
        using var trainSubset = Options.TrainLimit is int limit && limit < train.Count ? train.Take(limit) : null;
        var loader = new BatchLoader(trainSubset ?? train, Options.BatchSize, Options.Shuffle, Options.Seed) { Standardization = Options.InputStandardization };
        using var optimizer = CreateOptimizer();
        var run = new Run(this, loader, optimizer, test, History = new TrainingHistory(), onEvent ?? (_ => { }), stop.Token);
        try
        {
            for (var from = resumeFrom is null ? run.StartOf(1) : run.Restore(resumeFrom); from.Epoch <= Options.Epochs && !run.Finished; from = run.StartOf(from.Epoch + 1))
                run.Epoch(from);
        }
        finally
        {
            // The model handed back takes raw 0..1 images, however the run ends (checkpoints keep the training weights).
            Options.InputStandardization?.FoldInto(FirstLayer);
        }
        return run.History;
    }

    /// <summary>One run: the loop of notebook 4, with the checkpoints, the image budget, early stopping and the stop request beside it.</summary>
    sealed class Run(Trainer trainer, BatchLoader loader, OptimizerHelper optimizer, MnistDataset test, TrainingHistory history,
        Action<TrainingEvent> onEvent, CancellationToken stop)
    {
        readonly TrainingOptions _options = trainer.Options;
        readonly long _plannedImages = trainer.Options.PlannedImages(loader.Dataset.Count);
        readonly int _progressEvery = Math.Max(1, loader.BatchCount / 100);
        long _imagesDone; // over the whole run

        public TrainingHistory History => history;

        public void Epoch(Checkpoint.Progress from)
        {
            int epoch = from.Epoch, batchId = from.Batch, images = from.EpochImages;
            double lossSum = from.EpochLossSum;
            Evaluation? targetReached = null;
            using var shuffleState = loader.ShuffleState; // before the epoch draws its order
            var clock = Stopwatch.StartNew();
            trainer.Model.train();
            foreach (var batch in loader.From(batchId))
            {
                using var scope = NewDisposeScope();
                if (stop.IsCancellationRequested)
                    Stop(new(_options, epoch, batchId, lossSum, images, from.EpochSeconds + clock.Elapsed.TotalSeconds, [.. history.Epochs], [.. history.LoggedBatches]), shuffleState);
                FollowSchedule();
                double loss = trainer.Step(batch, optimizer, epoch, batchId);
                lossSum += loss * batch.Size;
                images += batch.Size;
                _imagesDone += batch.Size;
                if (batchId % _options.LogEvery == 0) Report(new BatchLogged(epoch, batchId, loader.BatchCount, loss));
                batchId++;
                if (batchId % _progressEvery == 0 || batchId == loader.BatchCount) onEvent(new BatchProgress(epoch, _options.Epochs, batchId, loader.BatchCount));
                if (_imagesDone >= _plannedImages) break; // the image budget ends inside this epoch
                if (batchId < loader.BatchCount && (targetReached = TargetReachedNow(batch.Size, epoch, batchId)) is not null) break;
            }
            double seconds = from.EpochSeconds + clock.Elapsed.TotalSeconds;
            var validation = targetReached ?? trainer.Validate(test, epoch, batchId);
            var result = new EpochResult(epoch, lossSum / images, validation.Loss, validation.Accuracy, seconds, images);
            history.Epochs.Add(result);
            SaveAfter(epoch);
            onEvent(new EpochCompleted(result));
            if (_options.EarlyStop?.Reached(_imagesDone, result.TestAccuracy) == true) onEvent(new TargetReached(_imagesDone, result.TestAccuracy));
        }

        /// <summary>Whether nothing is left to do: the images are done, or the target was reached.</summary>
        public bool Finished =>
            history.TrainImages >= _plannedImages ||
            history.Epochs.Count > 0 && _options.EarlyStop?.Reached(history.TrainImages, history.Epochs[^1].TestAccuracy) == true;

        public Checkpoint.Progress StartOf(int epoch) => new(_options, epoch, 0, 0, 0, 0, [], []);

        /// <summary>Puts a stopped run back where it was: weights, optimiser, random generators, results so far.</summary>
        public Checkpoint.Progress Restore(Checkpoint checkpoint)
        {
            checkpoint.Restore(trainer.Model, optimizer, loader);
            history.Epochs.AddRange(checkpoint.State.Epochs);
            history.LoggedBatches.AddRange(checkpoint.State.LoggedBatches);
            _imagesDone = history.TrainImages + checkpoint.State.EpochImages;
            return checkpoint.State;
        }

        void Report(BatchLogged logged)
        {
            history.LoggedBatches.Add(logged);
            onEvent(logged);
        }

        void FollowSchedule()
        {
            if (_options.Schedule != ScheduleKind.WarmupCosine) return;
            double learningRate = WarmupCosine.At(_options.LearningRate, _imagesDone, _plannedImages);
            foreach (var group in ((optim.Optimizer)optimizer).ParamGroups) group.LearningRate = learningRate;
        }

        /// <summary>Early stopping: a test every so many images (the epoch's end has its own); the evaluation if it reached the target.</summary>
        Evaluation? TargetReachedNow(int batchSize, int epoch, int batchId)
        {
            if (_options.EarlyStop is not { } target || !target.CheckDue(_imagesDone - batchSize, _imagesDone)) return null;
            var check = trainer.Validate(test, epoch, batchId);
            onEvent(new TestChecked(_imagesDone, check.Accuracy, check.Loss));
            return target.Reached(_imagesDone, check.Accuracy) ? check : null;
        }

        void Stop(Checkpoint.Progress position, Tensor shuffleState) =>
            throw new TrainingStoppedException(position.Epoch, position.Batch, loader.BatchCount, Save(position, shuffleState), stop);

        /// <summary>A checkpoint that cannot be written (a full disk) must not cost the epoch just trained: training goes on,
        /// the previous checkpoint stays whole, and the caller is told.</summary>
        void SaveAfter(int epoch)
        {
            try
            {
                using var nextShuffleState = loader.ShuffleState;
                Save(new(_options, epoch + 1, 0, 0, 0, 0, [.. history.Epochs], [.. history.LoggedBatches]), nextShuffleState);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                onEvent(new CheckpointNotSaved(epoch, trainer.CheckpointPath!, e.Message));
            }
        }

        string? Save(Checkpoint.Progress position, Tensor shuffleState)
        {
            if (trainer.CheckpointPath is not { } path) return null;
            Checkpoint.Capture(position, shuffleState, trainer.Model, optimizer).Save(path);
            return path;
        }
    }

    /// <summary>Test accuracy and loss of the model as it will be handed back (standardisation folded in).</summary>
    Evaluation Validate(MnistDataset test, int epoch, int batchId)
    {
        Evaluation validation;
        using (Options.InputStandardization?.FoldedInto(FirstLayer))
            validation = Evaluator.Evaluate(Model, test, forward: Options.SpeedrunLayers ? images => SpeedrunForward.Evaluation((LeNet)Model, images) : null);
        if (!double.IsFinite(validation.Loss)) throw new TrainingDivergedException(epoch, batchId, validation.Loss, Options.LearningRate);
        return validation;
    }

    /// <summary>The layer a standardisation is folded into (the constructor checked that there is one).</summary>
    Conv2d FirstLayer => ((LeNet)Model).conv1;

    /// <summary>One optimisation step; returns the batch's loss, checked before the weights change.</summary>
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

    OptimizerHelper CreateOptimizer() => Options.Optimizer switch
    {
        OptimizerKind.SgdMomentum => optim.SGD(Model.parameters(), Options.LearningRate, momentum: Options.Momentum,
            weight_decay: Options.WeightDecay, nesterov: Options.Nesterov),
        OptimizerKind.Adam => optim.Adam(Model.parameters(), lr: Options.LearningRate),
        _ => throw new ArgumentOutOfRangeException(nameof(Options.Optimizer), Options.Optimizer, "unknown optimiser"),
    };
}
