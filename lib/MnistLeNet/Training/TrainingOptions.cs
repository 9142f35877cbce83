using MnistLeNet.Model;

namespace MnistLeNet.Training;

/// <summary>Which optimiser updates the weights.</summary>
public enum OptimizerKind { SgdMomentum, Adam }

/// <summary>How the learning rate changes during training.</summary>
public enum ScheduleKind
{
    /// <summary>The same learning rate throughout (the tutorial).</summary>
    Constant,
    /// <summary>"One cycle": warm up to <see cref="TrainingOptions.LearningRate"/> over the first 30% of the
    /// steps, then anneal to almost zero by the last step. Allows a high peak rate, so fewer epochs.</summary>
    OneCycle,
}

/// <summary>Which initial weights the model starts from.</summary>
public enum InitKind
{
    /// <summary>PaddlePaddle's defaults (see <see cref="PaddleInit"/>); the tutorial's recipe needs them.</summary>
    Paddle,
    /// <summary>TorchSharp's (= PyTorch's) defaults, as set when the layers are built.</summary>
    Default,
}

/// <summary>
/// Everything that defines a training run. Start from <see cref="Classic"/> (the tutorial) or
/// <see cref="Fast"/> and change what you like with <c>with</c>:
/// <code>var options = TrainingOptions.Classic with { Epochs = 1 };</code>
/// </summary>
public sealed record TrainingOptions
{
    public string Recipe { get; init; } = "classic";
    public Activation Activation { get; init; } = Activation.Sigmoid;
    public InitKind Init { get; init; } = InitKind.Paddle;
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.SgdMomentum;
    public double LearningRate { get; init; } = 0.001;
    public double Momentum { get; init; } = 0.9;
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Constant;
    public int BatchSize { get; init; } = 10;
    public int Epochs { get; init; } = 5;
    public bool Shuffle { get; init; } = true;
    public long Seed { get; init; } = 1;

    /// <summary>Print/log the loss every this many batches (the tutorial: 500).</summary>
    public int LogEvery { get; init; } = 500;

    /// <summary>CPU threads for torch; null picks a good number for the batch size (see <see cref="DefaultThreads"/>).</summary>
    public int? Threads { get; init; }

    /// <summary>Train on only the first N training images (null: all). Handy for quick experiments.</summary>
    public int? TrainLimit { get; init; }

    /// <summary>The tutorial: sigmoid LeNet, Paddle init, SGD momentum 0.9, lr 0.001, batch 10, 5 epochs.</summary>
    public static TrainingOptions Classic { get; } = new();

    /// <summary>ReLU LeNet, default init, Adam lr 0.001, batch 64.</summary>
    public static TrainingOptions Fast { get; } = new()
    {
        Recipe = "fast", Activation = Activation.ReLU, Init = InitKind.Default,
        Optimizer = OptimizerKind.Adam, LearningRate = 1e-3, BatchSize = 64, LogEvery = 100,
    };

    /// <summary>The recipe called <paramref name="name"/> ("classic" or "fast").</summary>
    public static TrainingOptions ForRecipe(string name) => name.ToLowerInvariant() switch
    {
        "classic" => Classic,
        "fast" => Fast,
        _ => throw new ArgumentException($"unknown recipe '{name}' (expected classic or fast)", nameof(name)),
    };

    /// <summary>A good number of CPU threads for this batch size (see <see cref="CpuThreads"/>).</summary>
    public static int DefaultThreads(int batchSize) => CpuThreads.For(batchSize);

    /// <summary>The threads training will use: <see cref="Threads"/>, or the default for the batch size.</summary>
    public int ThreadCount => Threads ?? DefaultThreads(BatchSize);

    /// <summary>Checks every value, naming the first bad one.</summary>
    public TrainingOptions Validated()
    {
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "must be at least 1");
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "must be at least 1");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "must be a positive number");
        if (Momentum is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, "must be in [0,1)");
        if (LogEvery < 1) throw new ArgumentOutOfRangeException(nameof(LogEvery), LogEvery, "must be at least 1");
        if (Threads is < 1) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "must be at least 1");
        if (TrainLimit is < 1) throw new ArgumentOutOfRangeException(nameof(TrainLimit), TrainLimit, "must be at least 1");
        return this;
    }

    /// <summary>A new, initialised model for this recipe (seeded by <see cref="Seed"/>).</summary>
    public LeNet CreateModel()
    {
        TorchSharp.torch.manual_seed(Seed);
        var model = new LeNet(MnistLeNet.Data.MnistDataset.NumClasses, Activation);
        if (Init == InitKind.Paddle) PaddleInit.Apply(model);
        return model;
    }
}
