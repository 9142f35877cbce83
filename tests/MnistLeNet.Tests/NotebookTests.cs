namespace MnistLeNet.Tests;

/// <summary>Runs the five notebooks once, in order, with the stock kernel (see <see cref="NotebookRun"/>).</summary>
public sealed class ExecutedNotebooks
{
    public IReadOnlyDictionary<string, NotebookRun> Runs { get; }

    public ExecutedNotebooks()
    {
        NotebookRun.EnsureNotebookLibraryIsCurrent();
        if (Directory.Exists(NotebookRun.ScratchDirectory)) Directory.Delete(NotebookRun.ScratchDirectory, recursive: true);
        Directory.CreateDirectory(NotebookRun.ScratchDirectory);
        Runs = Directory.GetFiles(NotebookRun.NotebookDirectory, "*.ipynb").Order()
            .ToDictionary(path => Path.GetFileNameWithoutExtension(path)!, path => NotebookRun.Execute(path, NotebookRun.ScratchDirectory));
    }
}

public class NotebookTests(ExecutedNotebooks notebooks) : IClassFixture<ExecutedNotebooks>
{
    NotebookRun Run(string name)
    {
        var run = notebooks.Runs[name];
        Assert.True(run.ExitCode == 0 && !run.Errors.Any(), run.ToString());
        return run;
    }

    [Fact]
    public void There_are_five_notebooks_committed_without_outputs()
    {
        Assert.Equal(["01-data-loading", "02-looking-at-images", "03-lenet-model", "04-training", "05-prediction"], notebooks.Runs.Keys.Order());
        foreach (var path in Directory.GetFiles(NotebookRun.NotebookDirectory, "*.ipynb"))
            Assert.DoesNotContain("\"output_type\"", File.ReadAllText(path));
    }

    [Fact]
    public void Data_loading_shows_the_first_test_image_and_the_exercise_matches_the_library()
    {
        var text = Run("01-data-loading").Text;
        Assert.Contains("shape: (1,28,28)   label: 7", text);
        Assert.Contains("6,000 batches of 10 per epoch", text);
        Assert.Contains("images: magic 2051, 10000 images of 28x28", text);
        Assert.Contains("same images: True", text);
        Assert.Contains("same labels: True", text);
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
    public void The_model_notebook_prints_every_shape_and_the_parameter_count()
    {
        var text = Run("03-lenet-model").Text;
        Assert.Contains("conv3      [4,120,1,1]", text);
        Assert.Contains("fc2        [4,10]", text);
        Assert.Contains("41,806", text);
        Assert.Contains("2,712,960 parameters", text);
        Assert.Contains("largest difference: 0", text);
        Assert.Contains("forward and call agree: True", text);
    }

    [Fact]
    public void The_training_notebook_says_it_is_shortened_trains_validates_and_saves()
    {
        var run = Run("04-training");
        Assert.Contains("QUICK MODE", run.Text);
        Assert.Contains("epoch: 1, batch_id: 500, loss is:", run.Text);
        Assert.Contains("[validation] epoch 1: accuracy/loss:", run.Text);
        Assert.Contains("saved to", run.Text);
        Assert.Contains("conv1.weight", run.Text);                        // the gradient comparison
        Assert.Contains("fast recipe:", run.Text);
        Assert.True(run.Html.Count(h => h.Contains("mnist-lenet-chart")) >= 2);
        Assert.True(File.Exists(Path.Combine(NotebookRun.ScratchDirectory, "mnist.dat")));
    }

    [Fact]
    public void The_prediction_notebook_loads_the_model_and_calls_the_first_test_image_a_7()
    {
        var run = Run("05-prediction");
        Assert.Contains("Loaded the trained sigmoid LeNet", run.Text);
        Assert.Contains("label 7, predicted 7 with probability", run.Text);
        Assert.Contains("test accuracy:", run.Text);
        Assert.True(run.Html.Count(h => h.Contains("mnist-lenet-chart")) >= 6);
    }
}
