using MnistLeNet.Data;
using MnistLeNet.Model;
using MnistLeNet.Prediction;
using MnistLeNet.Training;
using TorchSharp;

namespace MnistLeNet.Tests;

public class TrainingTests
{
    static readonly TrainingOptions Quick = TrainingOptions.Fast with { Epochs = 2, TrainLimit = 3000, LogEvery = 10 };

    [Fact]
    public void Loss_falls_and_accuracy_rises_on_a_subset()
    {
        using var test = Mnist.Test.Take(1000);
        using var model = Quick.CreateModel();
        var before = Evaluator.Evaluate(model, test);
        var events = new List<TrainingEvent>();
        var history = new Trainer(model, Quick, torch.CPU).Fit(Mnist.Train, test, events.Add);

        Assert.Equal(2, history.Epochs.Count);
        Assert.True(history.Epochs[1].TrainLoss < history.Epochs[0].TrainLoss);
        Assert.True(history.LoggedBatches[^1].Loss < history.LoggedBatches[0].Loss);
        Assert.True(history.FinalAccuracy > before.Accuracy + 0.5, $"{before.Accuracy} → {history.FinalAccuracy}");
        Assert.True(history.FinalAccuracy > 0.8, $"accuracy {history.FinalAccuracy}");
        Assert.Equal(3000, history.Epochs[0].TrainImages);
        Assert.Equal(2, events.OfType<EpochCompleted>().Count());
        Assert.Equal(history.LoggedBatches, events.OfType<BatchLogged>());
        Assert.Equal(47, events.OfType<BatchProgress>().Last().BatchCount); // ceil(3000/64)
    }

    [Fact]
    public void The_same_seed_gives_the_same_model()
    {
        var options = Quick with { Epochs = 1, TrainLimit = 640 };
        Assert.Equal(TrainedParameters(options), TrainedParameters(options));
    }

    [Fact]
    public void The_warmup_cosine_schedule_is_applied()
    {
        var constant = Quick with { Epochs = 1, TrainLimit = 640 };
        Assert.NotEqual(TrainedParameters(constant), TrainedParameters(constant with { Schedule = ScheduleKind.WarmupCosine }));
        Assert.Contains("warm-up + cosine", (constant with { Schedule = ScheduleKind.WarmupCosine }).Describe());
    }

    /// <summary>Trains a fresh model with <paramref name="options"/> and returns all its weights, in order.</summary>
    static float[] TrainedParameters(TrainingOptions options)
    {
        using var test = Mnist.Test.Take(100);
        using var model = options.CreateModel();
        new Trainer(model, options, torch.CPU).Fit(Mnist.Train, test);
        return model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
    }

    [Fact]
    public void Cancellation_stops_training_at_the_next_batch_keeping_what_was_learned()
    {
        using var test = Mnist.Test.Take(100);
        using var model = Quick.CreateModel();
        var initial = model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        using var cts = new CancellationTokenSource();
        var stopped = Assert.ThrowsAny<OperationCanceledException>(() =>
            new Trainer(model, Quick, torch.CPU).Fit(Mnist.Train, test, e => { if (e is BatchLogged { BatchId: 10 }) cts.Cancel(); }, cts.Token));
        Assert.Equal((1, 11), (((TrainingStoppedException)stopped).Epoch, ((TrainingStoppedException)stopped).Batch));
        Assert.NotEqual(initial, model.parameters().SelectMany(p => p.data<float>().ToArray()));
    }

    [Fact]
    public void A_diverging_loss_stops_training_naming_epoch_and_batch()
    {
        using var test = Mnist.Test.Take(100);
        var options = TrainingOptions.Fast with { Epochs = 1, TrainLimit = 2000, LearningRate = 1e9 };
        using var model = options.CreateModel();
        var e = Assert.Throws<TrainingDivergedException>(() => new Trainer(model, options, torch.CPU).Fit(Mnist.Train, test));
        Assert.Equal(1, e.Epoch);
        Assert.InRange(e.Batch, 1, 31);
        Assert.Contains($"at epoch 1, batch {e.Batch}", e.Message);
        Assert.Contains("smaller learning rate", e.Message);
    }

    [Fact]
    public void Recipes_are_looked_up_by_name_and_an_unknown_name_is_refused()
    {
        // What the classic recipe holds is checked by what it does: TutorialEndToEndTests.
        Assert.Equal(TrainingOptions.Classic, TrainingOptions.ForRecipe("classic"));
        Assert.Equal(TrainingOptions.Fast, TrainingOptions.ForRecipe("FAST"));
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => TrainingOptions.ForRecipe("slow")).ParamName);
    }

    [Fact]
    public void The_recipe_name_says_whether_a_hyperparameter_was_changed_from_the_recipe_the_options_were_made_from()
    {
        Assert.Equal(["classic", "fast", "speedrun"], new[] { TrainingOptions.Classic, TrainingOptions.Fast, TrainingOptions.Speedrun }.Select(o => o.Recipe));
        Assert.Equal("classic (modified)", (TrainingOptions.Classic with { Epochs = 1 }).Recipe);
        Assert.StartsWith("recipe fast (modified): relu LeNet", Quick.Describe());
        Assert.Equal("classic", (TrainingOptions.Classic with { Epochs = 1 } with { Epochs = 5 }).Recipe);
        // Another seed is another draw of the same recipe; threads and logging are not part of it.
        Assert.Equal("speedrun", (TrainingOptions.Speedrun with { Seed = 7, Threads = 1, LogEvery = 3, SpeedrunLayers = false }).Recipe);
        Assert.Equal("classic (modified)", (TrainingOptions.Fast with { Name = RecipeName.Classic }).Recipe);
    }

    [Theory]
    [InlineData("Name")]
    [InlineData("BatchSize")]
    [InlineData("Epochs")]
    [InlineData("LearningRate")]
    [InlineData("Momentum")]
    public void Invalid_options_name_the_option(string name)
    {
        var bad = name switch
        {
            "Name" => Quick with { Name = (RecipeName)7 },
            "BatchSize" => Quick with { BatchSize = 0 },
            "Epochs" => Quick with { Epochs = 0 },
            "LearningRate" => Quick with { LearningRate = double.NaN },
            _ => Quick with { Momentum = 1.5 },
        };
        Assert.Equal(name, Assert.Throws<ArgumentOutOfRangeException>(() => bad.Validated()).ParamName);
    }

    [Fact]
    public void Thread_default_is_one_for_small_batches_and_leaves_a_core_free_for_large()
    {
        Assert.Equal(1, CpuThreads.For(10));
        Assert.InRange(CpuThreads.For(64), 1, 4);
        if (Environment.ProcessorCount > 1) Assert.True(CpuThreads.For(64) < Environment.ProcessorCount);
    }
}
