using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MnistLeNet.Training;
using TorchSharp;

namespace MnistLeNet.Tests;

public class NotebookTests(ExecutedNotebooks notebooks) : IClassFixture<ExecutedNotebooks>
{
    NotebookRun Run(string name)
    {
        var run = notebooks.Runs[name];
        Assert.True(run.ExitCode == 0 && !run.Errors.Any(), run.ToString());
        return run;
    }

    [Fact]
    public void There_are_seven_notebooks_committed_without_outputs()
    {
        Assert.Equal(["01-data-loading", "02-looking-at-images", "03-lenet-model", "04-training", "05-prediction", "06-your-handwriting", "07-speedrun"],
            notebooks.Runs.Keys.Order());
        foreach (var path in Directory.GetFiles(NotebookRun.NotebookDirectory, "*.ipynb"))
            Assert.DoesNotContain("\"output_type\"", File.ReadAllText(path));
    }

    static double Percent(string text, string pattern)
    {
        var match = Regex.Match(text, pattern);
        Assert.True(match.Success, $"'{pattern}' not found in:\n{text}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>Every solution that prints something says what a reference run printed, and the tests' run prints the same
    /// within <see cref="ReferenceRun"/>'s tolerances. The tests run the notebooks as <see cref="NotebookRun.Shortened"/> says
    /// (notebook 4 trains one epoch), so a reference line quotes, in backticks, what that run prints, and says so where the
    /// settings matter; figures for other settings stand outside backticks.</summary>
    [Fact]
    public void Every_solution_that_prints_a_result_says_what_to_expect_and_the_tests_run_agrees()
    {
        var problems = new List<string>();
        foreach (var path in Directory.GetFiles(NotebookRun.NotebookDirectory, "*.ipynb").Order())
        {
            var name = Path.GetFileNameWithoutExtension(path);
            var notebook = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            var references = Exercises.ReferenceRuns(notebook).ToLookup(r => r.Exercise, r => r.Quotes);
            var run = Run(name);
            foreach (var exercise in Exercises.Solutions(notebook).Select(s => s.Exercise).Distinct())
            {
                var printed = run.SolutionText(exercise);
                var quotes = references[exercise].SelectMany(q => q).ToList();
                if (string.IsNullOrWhiteSpace(printed)) continue;                    // draws a chart, prints nothing
                if (quotes.Count == 0) { problems.Add($"{name}, exercise {exercise}: prints a result but has no '{Exercises.ReferenceRunMarker}' line quoting it"); continue; }
                problems.AddRange(quotes.Select(q => ReferenceRun.Mismatch(q, printed)).OfType<string>().Select(m => $"{name}, exercise {exercise}: {m}"));
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n\n", problems));
    }

    [Fact]
    public void Data_loading_shows_the_first_test_image_and_the_exercise_matches_the_library()
    {
        var run = Run("01-data-loading");
        var text = run.Text;
        Assert.Contains("shape: (1,28,28)   label: 7", text);
        Assert.Contains("6,000 batches of 10 per epoch", text);
        Assert.Contains("images: magic 2051, 10000 images of 28x28, 7,840,016 bytes in all", text);
        Assert.Contains("938 batches of 64", run.SolutionText("1.2"));
        Assert.Contains("the last batch holds 32 images", run.SolutionText("1.2"));
        Assert.Contains("no shuffling, epoch 2:       5 0 4 1 9 2 1 3 1 4", run.SolutionText("1.3"));
    }

    [Fact]
    public void The_learners_own_loader_from_the_worked_solution_matches_the_library()
    {
        var text = Run("01-data-loading").Text; // the notebook's check cell, run after the inserted solution
        Assert.Contains("your reader: images [60000,28,28], labels [60000]", text);
        foreach (var check in new[] { "same images as the library: True", "same labels as the library: True",
                     "every image exactly once per epoch: True", "shuffled (not in file order):       True", "a new order in the second epoch:    True" })
            Assert.Contains(check, text);
        Assert.DoesNotContain("loss is:", text);                        // notebook 1 loads data; training is notebook 4's (exercise 4.6)
        Assert.Contains("TorchSharp ready: libtorch ", text);             // the first output: one friendly line, no record dump
        Assert.DoesNotContain("TorchRuntimeInfo", text);
    }

    [Fact]
    public void Looking_at_images_renders_charts_in_the_stock_kernel_with_plotly_inline()
    {
        var run = Run("02-looking-at-images");
        var html = run.Html.ToList();
        Assert.Contains(html, h => h.Contains("plotly.js v2.28.0"));        // loaded once, inline: works offline
        Assert.True(html.Count(h => h.Contains("mnist-lenet-chart")) >= 4, $"{html.Count} html outputs");
        Assert.DoesNotContain(html, h => h.Contains("<script src=", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("digit 1:  6742 training", run.Text);
    }

    [Fact]
    public void Looking_at_images_prints_the_nearest_average_baseline_and_its_exercises_results()
    {
        var run = Run("02-looking-at-images");
        Assert.InRange(Percent(run.Text, @"nearest average digit: [\d,]+ of 10,000 test images right, accuracy ([\d.]+) %"), 75, 90);
        Assert.Contains("always answering 1: right for 1,135 of 10,000 test images, 11.35 %", run.SolutionText("2.1"));
        Assert.Equal(10, Regex.Matches(run.SolutionText("2.2"), @"digit \d: ").Count);
        var shifted = run.SolutionText("2.3");
        Assert.True(Percent(shifted, @"shifted 2 pixels to the right: ([\d.]+) %") < Percent(shifted, @"centred digits: +([\d.]+) %") - 10, shifted);
        Assert.Contains("averages of 100 images:", run.SolutionText("2.4"));
    }

    [Fact]
    public void The_model_notebook_shows_the_class_every_shape_the_parameter_count_and_feature_maps()
    {
        var run = Run("03-lenet-model");
        var text = run.Text;
        // the tutorial's LeNet, defined in a cell, is the library's network: same parameters, same logits for the same weights
        Assert.Contains("same parameter names and shapes as the library's LeNet: True", text);
        Assert.Contains("same logits for the same weights: True", text);
        // one value of conv1 as the 5×5 weighted sum plus the bias
        Assert.InRange(double.Parse(Regex.Match(text, @"by hand: \S+   conv1.call: \S+   difference: (\S+)").Groups[1].Value, CultureInfo.InvariantCulture), 0, 1e-4);
        Assert.Contains("conv3      [4,120,1,1]", text);
        Assert.Contains("fc2        [4,10]", text);
        Assert.Contains("same as model.call: True", text);
        Assert.Contains("41,806", text);
        Assert.Contains("2,712,960 parameters", text);
        Assert.Contains("largest difference: 0", text);
        Assert.Contains("conv3 as a matrix product, largest difference:", text);
        Assert.Contains("forward and call agree: True", text);
        Assert.Contains("pool1      [4,6,12,12]", text);                              // the learner's own variant
        Assert.True(run.Html.Count(h => h.Contains("mnist-lenet-chart")) >= 4);         // the digit and three layers' maps

        Assert.Contains("reshape    [2,480]", run.SolutionText("3.1"));
        Assert.Contains("fc1 fails:", run.SolutionText("3.1"));
        Assert.Contains("conv2: 2,416 parameters, fc1: 7,744 parameters", run.SolutionText("3.2"));
        Assert.InRange(double.Parse(Regex.Match(run.SolutionText("3.3"), @"largest difference: (\S+)").Groups[1].Value, CultureInfo.InvariantCulture), 0, 1e-4);
        Assert.Contains("conv3      [4,120,1,1]          48,120", run.SolutionText("3.4"));
    }

    [Fact]
    public void The_training_notebook_trains_in_its_own_loop_validates_saves_and_shows_what_it_claims()
    {
        var run = Run("04-training");
        var text = run.Text;
        Assert.Contains("epoch: 1, batch_id: 500, loss is:", text);
        Assert.Contains("[validation] epoch 1: accuracy/loss:", text);
        // the running training accuracy beside the test accuracy; in the first epoch it is far below (the prose says so)
        double trainAccuracy = Percent(text, @"\[train\] epoch 1: running accuracy of the epoch's batches: ([\d.]+)");
        double testAccuracy = Percent(text, @"\[validation\] epoch 1: accuracy/loss: ([\d.]+)/");
        Assert.True(trainAccuracy < testAccuracy - 0.1, $"{trainAccuracy} vs {testAccuracy}");
        Assert.Matches(@"epoch 1: training \(running\) [\d.]+ %, test [\d.]+ %, test minus training \+[\d.]+ points", text);
        Assert.InRange(double.Parse(Regex.Match(text, @"one step by hand and one optimizer.step\(\): largest difference (\S+)").Groups[1].Value, CultureInfo.InvariantCulture), 0, 1e-6);
        Assert.Contains("saved to", text);
        Assert.True(File.Exists(Path.Combine(NotebookRun.ScratchDirectory, "mnist.params")));
        Assert.True(run.Html.Count(h => h.Contains("mnist-lenet-chart")) >= 2);

        // "how many times harder": the printed ratios for the first layers
        foreach (var layer in new[] { "conv1", "conv2", "conv3", "fc1" })
        {
            var ratio = Regex.Match(text, layer + @"\.weight .* (\d+)×").Groups[1].Value;
            Assert.True(int.Parse(ratio, CultureInfo.InvariantCulture) >= 10, $"{layer}: {ratio}×");
        }
        // "near guessing" with default starting weights, "far along" with Paddle's
        var accuracies = Regex.Match(text, @"after one epoch: default init ([\d.]+) %, Paddle init ([\d.]+) %");
        Assert.True(accuracies.Success, text);
        Assert.InRange(double.Parse(accuracies.Groups[1].Value, CultureInfo.InvariantCulture), 0, 20);
        Assert.InRange(double.Parse(accuracies.Groups[2].Value, CultureInfo.InvariantCulture), 50, 100);
        Assert.Contains("fast recipe:", text);
        Assert.DoesNotContain("set_num_threads", string.Join("\n", run.Executed!["cells"]!.AsArray().Select(c => c!["source"]!.ToJsonString())));

        Assert.Contains("equal scores:    loss 2.3026", run.SolutionText("4.1"));
        Assert.Contains("sure and wrong:  loss 4.6052", run.SolutionText("4.1"));
        var rates = run.SolutionText("4.2");
        // what the solution's prose says: 0.001 is still near guessing after 1,000 steps, 0.01 gets much further
        Assert.InRange(Percent(rates, @"learning rate 0.001: test accuracy ([\d.]+) %"), 0, 30);
        Assert.True(Percent(rates, @"learning rate  0.01: test accuracy ([\d.]+) %") > 50, rates);
        var batches = run.SolutionText("4.3");
        Assert.True(Percent(batches, @"batch  10: 2,000 steps, test accuracy ([\d.]+) %") > Percent(batches, @"batch 100:   200 steps, test accuracy ([\d.]+) %"), batches);
        Assert.Equal(3, Regex.Matches(run.SolutionText("4.4"), @"seed \d: test accuracy").Count);
        Assert.Contains(".grad / one gradient = 2.000", run.SolutionText("4.5"));
        var ownLoader = run.SolutionText("4.6");
        Assert.InRange(Percent(ownLoader, @"your loader: test accuracy ([\d.]+) %"), 50, 100);
        Assert.InRange(Percent(ownLoader, @"BatchLoader: test accuracy ([\d.]+) %"), 50, 100);
    }

    [Fact]
    public void The_speedrun_notebook_races_shortened_and_folds_the_standardisation_into_the_model()
    {
        var run = Run("07-speedrun");
        Assert.Contains("the budget of 10,000 images is used up", run.Text);           // shortened by the tests
        Assert.Contains("test accuracy on raw images:", run.Text);
        Assert.Matches(@"CPU, batch 10: +[\d,]+ images/s", run.SolutionText("7.1"));
        Assert.Equal(3, Regex.Matches(run.SolutionText("7.2"), "test accuracy after 20,000 images").Count);
    }

    [Fact]
    public void The_notebooks_training_loop_gives_the_same_numbers_as_Trainer()
    {
        var notebookLines = Run("04-training").Text.Split('\n')
            .Where(l => l.StartsWith("epoch: ", StringComparison.Ordinal) || l.StartsWith("[validation]", StringComparison.Ordinal)).ToList();

        var options = TrainingOptions.Classic with { Epochs = 1 }; // the knobs as the tests shorten them
        using var model = options.CreateModel();
        var trainerLines = new List<string>();
        new Trainer(model, options, torch.CPU).Fit(Mnist.Train, Mnist.Test, e =>
        {
            if (e is BatchLogged or EpochCompleted) trainerLines.Add(e.ToString()!);
        });
        Assert.Equal(13, trainerLines.Count); // 12 logged batches and one validation
        Assert.Equal(trainerLines, notebookLines);
    }

    [Fact]
    public void The_notebooks_speedrun_gives_the_same_accuracy_as_Trainer_s()
    {
        var notebook = Regex.Match(Run("07-speedrun").Text, @"the budget of 10,000 images is used up after [\d.]+ s: test accuracy ([\d.]+ %)");
        Assert.True(notebook.Success);

        // The speedrun as the tests shorten it, as the notebook runs it: the plain model, the thread count for batches of 64.
        var options = TrainingOptions.Speedrun with { ImageBudget = 10_000, SpeedrunLayers = false, Threads = CpuThreads.For(64) };
        using var model = options.CreateModel();
        var history = new Trainer(model, options, torch.CPU).Fit(Mnist.Train, Mnist.Test);
        Assert.Equal(157 * 64, history.TrainImages); // the budget of 10,000 ends inside the 157th batch
        Assert.Equal(history.FinalAccuracy.ToString("P2", CultureInfo.InvariantCulture), notebook.Groups[1].Value);
    }

    [Fact]
    public void The_prediction_notebook_loads_the_saved_parameters_and_calls_the_first_test_image_a_7()
    {
        var run = Run("05-prediction");
        Assert.Contains("loaded the trained parameters from", run.Text);
        Assert.Contains("label 7, predicted 7 with probability", run.Text);
        Assert.Contains("test accuracy:", run.Text);
        Assert.True(run.Html.Count(h => h.Contains("mnist-lenet-chart")) >= 6);

        // LeNet against notebook 2's baseline, computed in the notebook (the tests' notebook 4 trains one epoch only)
        double lenet = Percent(run.Text, @"LeNet: +([\d.]+) % right");
        double baseline = Percent(run.Text, @"nearest average digit: ([\d.]+) % right");
        Assert.InRange(baseline, 75, 90);
        Assert.Contains(lenet >= baseline ? "LeNet beats the baseline by" : "percentage points behind the baseline", run.Text);
        Assert.Contains("blank page: predicted", run.SolutionText("5.1"));
        Assert.Equal(8, Regex.Matches(run.SolutionText("5.2"), "noise image").Count);
        Assert.Contains("shifted 6 pixels: predicted", run.SolutionText("5.3"));
        Assert.Matches(@"most often: a \d taken for a \d, \d+ times", run.SolutionText("5.4"));
        Assert.Contains("the sigmoid network's parameters in the ReLU network: test accuracy", run.SolutionText("5.5"));
    }

    [Fact]
    public void The_handwriting_notebook_shows_every_stage_predicts_the_pictures_and_the_drawing_pad()
    {
        var run = Run("06-your-handwriting");
        Assert.Contains("loaded the trained parameters from", run.Text);
        Assert.Contains("images/5-grey-ink.png: worked on at", run.Text);
        Assert.Contains("inverted: True", run.Text);
        Assert.Matches(@"images/5-grey-ink.png: predicted \d with probability", run.Text);
        Assert.Matches(@"recognised: \d+ of 10", run.Text);
        Assert.Contains("box in the middle:", run.Text);
        Assert.Contains("my-digit.jpg does not exist yet", run.Text);
        Assert.True(run.Html.Count(h => h.Contains("mnist-lenet-chart")) >= 9);          // seven stages, the bars, the grid
        var pad = Assert.Single(run.Html, h => h.Contains("mnist-lenet-pad"));
        Assert.Contains("MnistPad.attach(", pad);
        Assert.Contains("\"conv1.weight\":", pad);                                         // the weights travel with the page
    }
}

public class JupyterNotebookTests(JupyterNotebooks notebooks) : IClassFixture<JupyterNotebooks>
{
    static IEnumerable<JsonObject> Outputs(JsonObject saved) =>
        saved["cells"]!.AsArray().Select(c => c!.AsObject()).Where(c => (string?)c["cell_type"] == "code")
            .SelectMany(c => c["outputs"]!.AsArray().Select(o => o!.AsObject()));

    [Fact]
    public void Every_notebook_runs_in_jupyter_without_errors_or_warnings()
    {
        Assert.Equal(7, notebooks.Runs.Count);
        foreach (var (name, (log, saved)) in notebooks.Runs)
        {
            Assert.True(saved is not null, $"{name}: {log}");
            var problems = Outputs(saved!).Where(o => (string?)o["output_type"] == "error" || (string?)o["name"] == "stderr")
                .Select(o => o.ToJsonString()).ToList();
            Assert.True(problems.Count == 0, $"{name}: {string.Join("\n", problems)}");
        }
    }

    [Fact]
    public void The_saved_training_notebook_has_the_final_curves_with_their_data()
    {
        var saved = notebooks.Runs["04-training"].Saved;
        Assert.NotNull(saved);
        var html = Outputs(saved!).Select(o => o["data"]?["text/html"]).OfType<JsonNode>()
            .Select(h => h is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)h ?? "").ToList();
        Assert.Contains(html, h => h.Contains("Loss of the logged batches") && h.Contains("2.99"));   // batch 0's loss, 2.9937
        Assert.Contains(html, h => h.Contains("Training progress") && h.Contains("0.7774"));          // epoch 1's accuracy
    }
}
