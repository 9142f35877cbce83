using System.Globalization;
using MnistLeNet.Data;
using MnistLeNet.Model;

namespace MnistLeNet.Training;

/// <summary>Which optimiser updates the weights.</summary>
public enum OptimizerKind { SgdMomentum, Adam }

/// <summary>How the learning rate changes during training.</summary>
public enum ScheduleKind
{
    /// <summary>The same learning rate throughout (the tutorial).</summary>
    Constant,
    /// <summary>See <see cref="Training.WarmupCosine"/>.</summary>
    WarmupCosine,
}

/// <summary>The named recipes.</summary>
public enum RecipeName { Classic, Fast, Speedrun }

/// <summary>Which initial weights the model starts from.</summary>
public enum InitKind
{
    /// <summary>PaddlePaddle's defaults (see <see cref="PaddleInit"/>); the tutorial's recipe needs them.</summary>
    Paddle,
    /// <summary>TorchSharp's (= PyTorch's) defaults, as set when the layers are built.</summary>
    Default,
}

/// <summary>Everything that defines a training run: start from a recipe and change what you like,
/// <c>TrainingOptions.Classic with { Epochs = 1 }</c>.</summary>
public sealed record TrainingOptions
{
    /// <summary>The recipe these options were made from; it stays when <c>with</c> changes a value.</summary>
    public RecipeName Name { get; init; } = RecipeName.Classic;

    // The model.
    public Activation Activation { get; init; } = Activation.Sigmoid;
    public InitKind Init { get; init; } = InitKind.Paddle;

    // The data.
    public int BatchSize { get; init; } = 10;
    public bool Shuffle { get; init; } = true;

    /// <summary>Standardise the training images (null: pixels stay 0..1). When training ends it is folded into
    /// conv1 (<see cref="Standardization.FoldInto"/>), so the trained model takes raw 0..1 images like any other.</summary>
    public Standardization? InputStandardization { get; init; }

    /// <summary>Train on only the first N training images (null: all).</summary>
    public int? TrainLimit { get; init; }

    /// <summary>Cross-entropy's label smoothing: the right digit's target is 1 − ε, and ε is spread over all ten.</summary>
    public double LabelSmoothing { get; init; }

    // The optimiser.
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.SgdMomentum;
    /// <summary>The learning rate (with a schedule: its peak).</summary>
    public double LearningRate { get; init; } = 0.001;
    public double Momentum { get; init; } = 0.9;
    /// <summary>SGD only: the gradient is taken as if the velocity's step were already made.</summary>
    public bool Nesterov { get; init; }
    /// <summary>SGD only: every step also pulls each weight towards 0 by this fraction of it, times the learning rate.</summary>
    public double WeightDecay { get; init; }
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Constant;

    // How long.
    public int Epochs { get; init; } = 5;
    /// <summary>At most this many training images in all, ending inside an epoch if need be (null: whole epochs).</summary>
    public int? ImageBudget { get; init; }
    /// <summary>Stop when a test evaluation reaches a target accuracy (null: run the whole budget).</summary>
    public EarlyStop? EarlyStop { get; init; }

    // How the run goes.
    public long Seed { get; init; } = 1;
    /// <summary>CPU threads for torch (null: <see cref="CpuThreads.For"/> the batch size).</summary>
    public int? Threads { get; init; }
    /// <summary>Log the loss every this many batches.</summary>
    public int LogEvery { get; init; } = 500;
    /// <summary>Train and test with the speedrun's rearranged LeNet layers (<see cref="SpeedrunForward"/>): faster,
    /// equal to the model's own forward up to float rounding. Needs a <see cref="LeNet"/>.</summary>
    public bool SpeedrunLayers { get; init; }

    /// <summary>The tutorial: sigmoid LeNet, Paddle init, SGD momentum 0.9, lr 0.001, batch 10, 5 epochs.</summary>
    public static TrainingOptions Classic { get; } = new();

    /// <summary>ReLU LeNet, default init, Adam lr 0.001, batch 64.</summary>
    public static TrainingOptions Fast { get; } = new()
    {
        Name = RecipeName.Fast, Activation = Activation.ReLU, Init = InitKind.Default,
        Optimizer = OptimizerKind.Adam, LearningRate = 1e-3, BatchSize = 64, LogEvery = 100,
    };

    /// <summary>99% as fast as we can (notebook 7): a race, on every core and with <see cref="SpeedrunLayers"/>.</summary>
    public static TrainingOptions Speedrun { get; } = new()
    {
        Name = RecipeName.Speedrun, Activation = Activation.ReLU, Init = InitKind.Default,
        BatchSize = 64, InputStandardization = Standardization.Mnist, LabelSmoothing = 0.1,
        Optimizer = OptimizerKind.SgdMomentum, LearningRate = 0.1, Momentum = 0.9, Nesterov = true, WeightDecay = 5e-4,
        Schedule = ScheduleKind.WarmupCosine, Epochs = 2, ImageBudget = 100_000, EarlyStop = Training.EarlyStop.At99Percent,
        LogEvery = 500, Threads = CpuThreads.All, SpeedrunLayers = true,
    };

    /// <summary>The named recipe's options.</summary>
    public static TrainingOptions Named(RecipeName name) => name switch
    {
        RecipeName.Fast => Fast,
        RecipeName.Speedrun => Speedrun,
        _ => Classic,
    };

    /// <summary>The recipe called <paramref name="name"/> ("classic", "fast" or "speedrun", any case).</summary>
    public static TrainingOptions ForRecipe(string name) =>
        Enum.TryParse<RecipeName>(name, ignoreCase: true, out var n) && Enum.IsDefined(n) && !int.TryParse(name, out _)
            ? Named(n)
            : throw new ArgumentException($"unknown recipe '{name}' (expected classic, fast or speedrun)", nameof(name));

    /// <summary>The recipe's name, "(modified)" when a hyperparameter differs from it (another seed is another draw of the
    /// same recipe; threads, logging and the speedrun's layers are how it runs, not what it is).</summary>
    public string Recipe
    {
        get
        {
            var named = Named(Name);
            var same = this with { Seed = named.Seed, Threads = named.Threads, LogEvery = named.LogEvery, SpeedrunLayers = named.SpeedrunLayers };
            return Name.ToString().ToLowerInvariant() + (same == named ? "" : " (modified)");
        }
    }

    /// <summary>A one-line, human-readable account of the recipe, printed before training.</summary>
    public string Describe()
    {
        var optimizer = Optimizer == OptimizerKind.SgdMomentum ? $"SGD {(Nesterov ? "Nesterov " : "")}momentum {Momentum}" : "Adam";
        var decay = WeightDecay > 0 ? $", weight decay {Number(WeightDecay)}" : "";
        var init = Init == InitKind.Paddle ? "Paddle init" : "default init";
        var inputs = InputStandardization is { } s ? $", inputs standardised ((x - {Number(s.Mean)}) / {Number(s.Std)})" : "";
        var smoothing = LabelSmoothing > 0 ? $", label smoothing {Number(LabelSmoothing)}" : "";
        var limit = TrainLimit is int n ? $", first {n} training images" : "";
        var schedule = Schedule == ScheduleKind.WarmupCosine ? " (peak of a warm-up + cosine schedule)" : "";
        var length = $"{Epochs} epoch{(Epochs == 1 ? "" : "s")}" + (ImageBudget is int budget ? $" or {budget} images" : "");
        var stop = EarlyStop is { } s2 ? $", stops at {s2.TargetAccuracy:P1} test accuracy (checked every {s2.EveryImages} images from {s2.FromImages} on)" : "";
        return $"recipe {Recipe}: {Activation.ToString().ToLowerInvariant()} LeNet, {init}{inputs}, {optimizer}{decay}, lr {LearningRate}{schedule}{smoothing}, " +
               $"batch {BatchSize}, {length}{(Shuffle ? ", shuffled" : "")}, seed {Seed}{limit}{stop}";
    }

    static string Number(double x) => x.ToString(CultureInfo.InvariantCulture);

    /// <summary>How many images a run over <paramref name="trainImages"/> training images will see.</summary>
    public long PlannedImages(int trainImages) => Math.Min((long)Epochs * trainImages, ImageBudget ?? long.MaxValue);

    /// <summary>The threads training will use: <see cref="Threads"/>, or the default for the batch size.</summary>
    public int ThreadCount => Threads ?? CpuThreads.For(BatchSize);

    /// <summary>The largest values <see cref="Validated"/> (and the CLI) accept: anything more is a mistake or a crafted checkpoint.</summary>
    public const int MaxEpochs = 1000, MaxBatchSize = 60000, MaxTrainLimit = 60000, MaxThreads = 1024;

    /// <summary>Checks every value, naming the first bad one.</summary>
    public TrainingOptions Validated()
    {
        if (!Enum.IsDefined(Name)) throw new ArgumentOutOfRangeException(nameof(Name), Name, "must be classic, fast or speedrun");
        if (BatchSize is < 1 or > MaxBatchSize) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, $"must be 1..{MaxBatchSize}");
        if (Epochs is < 1 or > MaxEpochs) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, $"must be 1..{MaxEpochs}");
        if (Seed < 0) throw new ArgumentOutOfRangeException(nameof(Seed), Seed, "must be at least 0");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "must be a positive number");
        if (Momentum is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, "must be in [0,1)");
        if (LogEvery < 1) throw new ArgumentOutOfRangeException(nameof(LogEvery), LogEvery, "must be at least 1");
        if (Threads is < 1 or > MaxThreads) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, $"must be 1..{MaxThreads}");
        if (TrainLimit is < 1 or > MaxTrainLimit) throw new ArgumentOutOfRangeException(nameof(TrainLimit), TrainLimit, $"must be 1..{MaxTrainLimit}");
        if (!(LabelSmoothing is >= 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(LabelSmoothing), LabelSmoothing, "must be in [0,1)");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay)) throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "must be a number >= 0");
        if ((Nesterov || WeightDecay > 0) && Optimizer != OptimizerKind.SgdMomentum)
            throw new ArgumentOutOfRangeException(Nesterov ? nameof(Nesterov) : nameof(WeightDecay), "applies to SGD only");
        if (Nesterov && Momentum == 0) throw new ArgumentOutOfRangeException(nameof(Nesterov), "needs a momentum above 0");
        if (ImageBudget is < 1) throw new ArgumentOutOfRangeException(nameof(ImageBudget), ImageBudget, "must be at least 1");
        if (InputStandardization is { } st && !(st.Std > 0 && double.IsFinite(st.Std) && double.IsFinite(st.Mean)))
            throw new ArgumentOutOfRangeException(nameof(InputStandardization), st, "needs a finite mean and a positive, finite standard deviation");
        EarlyStop?.Validated();
        return this;
    }

    /// <summary>A new, initialised model for this recipe (seeded by <see cref="Seed"/>).</summary>
    public LeNet CreateModel()
    {
        TorchSharp.torch.manual_seed(Seed);
        var model = new LeNet(MnistDataset.NumClasses, Activation);
        if (Init == InitKind.Paddle) PaddleInit.Apply(model);
        return model;
    }
}
