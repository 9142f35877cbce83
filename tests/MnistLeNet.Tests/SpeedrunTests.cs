using MnistLeNet.Data;
using MnistLeNet.Model;
using MnistLeNet.Prediction;
using MnistLeNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistLeNet.Tests;

/// <summary>The speedrun recipe's parts: schedule, standardisation and its folding, image budget, early stopping.</summary>
public class SpeedrunTests
{
    /// <summary>The speedrun on the first 3,000 images, checked every 500 images from 1,000 on.</summary>
    static readonly TrainingOptions Small = TrainingOptions.Speedrun with
    {
        TrainLimit = 3000,
        ImageBudget = 5000,
        LogEvery = 10,
        EarlyStop = new EarlyStop(0.8, FromImages: 1000, EveryImages: 500),
    };

    [Theory]
    [InlineData(0, 0.004)]          // the warm-up starts at 0.04 × peak
    [InlineData(10_000, 0.052)]     // half-way through the warm-up: 0.04 + 0.96 / 2
    [InlineData(20_000, 0.1)]       // the peak, at 20% of the budget
    [InlineData(60_000, 0.05)]      // half-way down the cosine
    [InlineData(100_000, 0.0)]      // 0 at the end of the budget
    [InlineData(120_000, 0.0)]      // and beyond it
    public void The_warm_up_cosine_schedule_has_the_recipe_s_values(long images, double expected)
    {
        Assert.Equal(expected, WarmupCosine.At(0.1, images, 100_000), 12);
    }

    [Fact]
    public void The_schedule_rises_through_the_warm_up_then_falls()
    {
        var rates = Enumerable.Range(0, 101).Select(i => WarmupCosine.At(1, i * 1000, 100_000)).ToArray();
        Assert.All(Enumerable.Range(1, 20), i => Assert.True(rates[i] > rates[i - 1]));
        Assert.All(Enumerable.Range(21, 80), i => Assert.True(rates[i] < rates[i - 1]));
    }

    [Fact]
    public void Batches_are_standardised_where_they_are_made()
    {
        using var plain = FirstImages(new BatchLoader(Mnist.Train, 64, shuffle: true, seed: 5));
        using var standardized = FirstImages(new BatchLoader(Mnist.Train, 64, shuffle: true, seed: 5) { Standardization = Standardization.Mnist });
        Assert.True(standardized.allclose(plain.sub(0.1307).div(0.3081)));
        Assert.False(standardized.allclose(plain));
        Assert.InRange(Mnist.Train.Images.mean().item<float>(), 0.1306, 0.1308);      // the recipe's numbers are MNIST's
        Assert.InRange(Mnist.Train.Images.std().item<float>(), 0.3080, 0.3082);
    }

    [Fact]
    public void Folding_the_standardisation_into_conv1_gives_the_same_logits_on_raw_images()
    {
        using var model = TrainedBriefly();
        using var images = Mnist.Test.Images[..500];
        using var noGrad = no_grad();
        model.eval();
        using var onStandardized = model.call(Standardization.Mnist.Apply(images));

        Standardization.Mnist.FoldInto(model.conv1);
        using var onRaw = model.call(images);

        Assert.True(onRaw.allclose(onStandardized, rtol: 1e-4, atol: 1e-4), $"largest difference {(onRaw - onStandardized).abs().max().item<float>()}");
        Assert.True(onRaw.argmax(1).equal(onStandardized.argmax(1)).all().item<bool>());
        Assert.False(model.call(Standardization.Mnist.Apply(images)).allclose(onStandardized, atol: 1e-2)); // conv1 did change
    }

    [Fact]
    public void A_fold_for_a_using_block_puts_the_weights_back_exactly()
    {
        using var model = TrainedBriefly();
        var before = Weights(model);
        using (Standardization.Mnist.FoldedInto(model.conv1))
            Assert.NotEqual(before, Weights(model));
        Assert.Equal(before, Weights(model));
    }

    [Fact]
    public void Folding_is_refused_for_a_convolution_with_padding()
    {
        using var padded = nn.Conv2d(1, 6, 5, padding: 2);
        Assert.Contains("without padding", Assert.Throws<ArgumentException>(() => Standardization.Mnist.FoldInto(padded)).Message);
    }

    [Fact]
    public void Checks_fall_due_every_so_many_images_from_the_first_check_on()
    {
        var stop = EarlyStop.At99Percent;
        Assert.False(stop.CheckDue(59_904, 59_968));
        Assert.True(stop.CheckDue(59_968, 60_032));   // 60,000 passed
        Assert.False(stop.CheckDue(60_032, 60_096));
        Assert.True(stop.CheckDue(64_960, 65_024));   // 65,000 passed
        Assert.False(stop.Reached(59_000, 0.999));    // too early to stop, however good
        Assert.False(stop.Reached(70_000, 0.9899));
        Assert.True(stop.Reached(70_000, 0.99));
    }

    [Fact]
    public void Early_stopping_stops_at_the_first_check_that_reaches_the_target_and_counts_the_images()
    {
        using var test = Mnist.Test.Take(1000);
        using var model = Small.CreateModel();
        var events = new List<TrainingEvent>();
        var history = new Trainer(model, Small, CPU).Fit(Mnist.Train, test, events.Add);

        var checks = events.OfType<TestChecked>().ToList();
        var reached = Assert.Single(events.OfType<TargetReached>());
        Assert.True(reached.TestAccuracy >= 0.8, $"{reached.TestAccuracy}");
        Assert.Equal(history.TrainImages, reached.Images);
        Assert.Equal(history.FinalAccuracy, reached.TestAccuracy);
        Assert.InRange(history.TrainImages, 1000, 4999);  // stopped before the budget
        // Every check before the last missed the target, and each came with the first batch past a check point.
        Assert.All(checks.SkipLast(1), c => Assert.True(c.TestAccuracy < 0.8));
        Assert.All(checks, c => Assert.True(Small.EarlyStop!.CheckDue(c.Images - 64, c.Images), $"a check after {c.Images} images"));
        Assert.Equal(history.Epochs.Sum(e => e.TrainImages), history.TrainImages);
        // The model handed back takes raw images: evaluated as any saved model would be, it scores what the check saw.
        Assert.Equal(history.FinalAccuracy, Evaluator.Evaluate(model, test).Accuracy);
    }

    [Fact]
    public void Resuming_a_run_that_stopped_at_its_target_trains_no_further()
    {
        using var test = Mnist.Test.Take(1000);
        using var dir = new TempDir();
        using var model = Small.CreateModel();
        var history = new Trainer(model, Small, CPU) { CheckpointPath = dir.File("c") }.Fit(Mnist.Train, test);

        using var again = (Small with { Seed = 99 }).CreateModel();
        var events = new List<TrainingEvent>();
        var resumed = new Trainer(again, Small, CPU).Resume(Checkpoint.Load(dir.File("c")), Mnist.Train, test, events.Add);

        Assert.Empty(events);
        Assert.Equal(history.Epochs, resumed.Epochs);
        Assert.Equal(Weights(model), Weights(again));
    }

    [Fact]
    public void Without_early_stopping_the_run_uses_its_whole_image_budget()
    {
        using var test = Mnist.Test.Take(200);
        var options = Small with { EarlyStop = null, ImageBudget = 4000 };
        using var model = options.CreateModel();
        var events = new List<TrainingEvent>();
        var history = new Trainer(model, options, CPU).Fit(Mnist.Train, test, events.Add);

        Assert.Equal(2, history.Epochs.Count);
        Assert.Equal(3000, history.Epochs[0].TrainImages);
        Assert.Equal(1024, history.Epochs[1].TrainImages); // 16 batches of 64: the one that reaches 4,000 is the last
        Assert.Empty(events.OfType<TestChecked>());
        Assert.Empty(events.OfType<TargetReached>());
    }

    [Fact]
    public void A_target_never_reached_runs_the_budget_with_checks_along_the_way()
    {
        using var test = Mnist.Test.Take(200);
        var options = Small with { EarlyStop = new EarlyStop(1.0, FromImages: 1000, EveryImages: 1000), ImageBudget = 4000 };
        using var model = options.CreateModel();
        var events = new List<TrainingEvent>();
        var history = new Trainer(model, options, CPU).Fit(Mnist.Train, test, events.Add);

        Assert.Equal(4024, history.TrainImages);
        // 1,000 and 2,000 inside epoch 1; 3,000 is the end of epoch 1 (its own validation); 4,000 ends the run.
        Assert.Equal([1024, 2048], events.OfType<TestChecked>().Select(c => c.Images));
        Assert.Empty(events.OfType<TargetReached>());
    }

    [Fact]
    public void Standardisation_needs_a_LeNet_to_fold_into()
    {
        using var model = nn.Sequential(("lenet", new LeNet(10, Activation.ReLU)));
        Assert.Equal("model", Assert.Throws<ArgumentException>(() => new Trainer(model, Small, CPU)).ParamName);
    }

    [Fact]
    public void Speedrun_is_a_recipe_and_describes_its_tricks()
    {
        Assert.Equal(TrainingOptions.Speedrun, TrainingOptions.ForRecipe("speedrun"));
        var description = TrainingOptions.Speedrun.Describe();
        foreach (var part in new[] { "Nesterov", "weight decay 0.0005", "label smoothing 0.1", "standardised", "warm-up + cosine", "100000 images", "99.0" })
            Assert.Contains(part, description);
        Assert.DoesNotContain("standardised", TrainingOptions.Fast.Describe());
    }

    [Theory]
    [InlineData("LabelSmoothing")]
    [InlineData("WeightDecay")]
    [InlineData("Nesterov")]
    [InlineData("ImageBudget")]
    [InlineData("InputStandardization")]
    [InlineData("TargetAccuracy")]
    [InlineData("EveryImages")]
    public void Invalid_speedrun_options_name_the_option(string name)
    {
        var bad = name switch
        {
            "LabelSmoothing" => Small with { LabelSmoothing = 1 },
            "WeightDecay" => Small with { WeightDecay = -1 },
            "Nesterov" => TrainingOptions.Fast with { Nesterov = true },
            "ImageBudget" => Small with { ImageBudget = 0 },
            "InputStandardization" => Small with { InputStandardization = new Standardization(0.1, 0) },
            "TargetAccuracy" => Small with { EarlyStop = new EarlyStop(1.5, 0, 1) },
            _ => Small with { EarlyStop = new EarlyStop(0.9, 0, 0) },
        };
        Assert.Equal(name, Assert.Throws<ArgumentOutOfRangeException>(() => bad.Validated()).ParamName);
    }

    static LeNet TrainedBriefly()
    {
        var options = Small with { EarlyStop = null, ImageBudget = 640 };
        var model = options.CreateModel();
        using var test = Mnist.Test.Take(100);
        new Trainer(model, options, CPU).Fit(Mnist.Train, test);
        return model;
    }

    static Tensor FirstImages(BatchLoader loader)
    {
        foreach (var batch in loader) return batch.Images.clone(); // the batch itself is freed when the loop ends
        throw new InvalidOperationException("no batches");
    }

    static float[] Weights(nn.Module model) => model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
}
