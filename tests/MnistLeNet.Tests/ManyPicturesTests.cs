using System.Text.Json.Nodes;
using MnistLeNet.Model;
using MnistLeNet.Prediction;
using MnistLeNet.Training;
using SkiaSharp;

namespace MnistLeNet.Tests;

/// <summary>
/// Thousands of pictures in one process (issue 23: <c>predict --image</c> on 2,000 pictures died with a segfault
/// after a few hundred). The cause: the picture's tensor was made as <c>from_array(pixels).reshape(...)</c>, and
/// nothing referred to the <c>from_array</c> tensor while reshape ran in native code, so a garbage collection
/// could finalize it (freeing the native tensor) in the middle of the call.
/// </summary>
public class ManyPicturesTests
{
    [Fact]
    public void Thousands_of_pictures_are_predicted_while_the_garbage_collector_runs_all_the_time()
    {
        // A collection running on another thread at every moment finds any tensor that is referred to only from
        // native code; with the old chain this crashed the process within a few thousand pictures.
        using var model = TrainingOptions.Fast.CreateModel();
        var pixels = new float[28, 28];
        for (int row = 0; row < 28; row++)
            for (int column = 0; column < 28; column++) pixels[row, column] = column / 28f;
        using var stop = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        });
        collector.IsBackground = true;
        collector.Start();
        float[]? first = null;
        for (int i = 0; i < 2000; i++)
        {
            var probabilities = Predictor.Probabilities(model, pixels);
            first ??= probabilities;
            Assert.Equal(first, probabilities);
        }
        stop.Cancel();
        collector.Join();
    }

    /// <summary>Notebook 6's setup cells, then one cell that predicts its pictures 2,000 times over while a thread
    /// collects garbage, as a learner's loop over a folder would in a kernel that runs other threads too.</summary>
    const string PicturesInTheKernel = """
        var many = TrainingOptions.Fast.CreateModel();
        var pictures = System.IO.Directory.GetFiles("images").Where(f => f.EndsWith(".png") || f.EndsWith(".jpg")).Order()
            .Select(f => DigitImage.FromFile(f).Input).ToList();
        var stopCollecting = new System.Threading.CancellationTokenSource();
        var collector = new System.Threading.Thread(() => { while (!stopCollecting.IsCancellationRequested) { System.GC.Collect(); System.GC.WaitForPendingFinalizers(); } });
        collector.Start();
        int same = 0;
        var firstOfEach = pictures.Select(p => Predictor.Probabilities(many, p)).ToList();
        for (int i = 0; i < 2000; i++)
            if (Predictor.Probabilities(many, pictures[i % pictures.Count]).SequenceEqual(firstOfEach[i % pictures.Count])) same++;
        stopCollecting.Cancel();
        collector.Join();
        many.Dispose();
        System.Console.WriteLine($"{same} of 2000 predictions the same as the first, from {pictures.Count} pictures");
        """;

    [Fact]
    public void Thousands_of_pictures_are_predicted_in_a_notebook_kernel_while_the_garbage_collector_runs()
    {
        NotebookRun.EnsureNotebookLibraryIsCurrent();
        var run = NotebookRun.Execute(Path.Combine(NotebookRun.NotebookDirectory, "06-your-handwriting.ipynb"), NotebookRun.ScratchDirectory,
            edit: SetupCellsThen(PicturesInTheKernel), copyName: "06-your-handwriting.many-pictures.ipynb");
        Assert.True(run.ExitCode == 0 && !run.Errors.Any(), run.ToString());
        Assert.Contains("2000 of 2000 predictions the same as the first, from 10 pictures", run.Text);
    }

    /// <summary>A notebook's cells up to its <c>using</c> cell (the second code cell), then <paramref name="cell"/>.</summary>
    static Func<JsonObject, JsonObject> SetupCellsThen(string cell) => notebook =>
    {
        var code = notebook["cells"]!.AsArray().Select(c => c!.AsObject()).Where(c => (string?)c["cell_type"] == "code").Take(2).ToList();
        var copy = notebook.DeepClone().AsObject();
        var cells = new JsonArray();
        foreach (var setup in code) cells.Add(setup.DeepClone());
        cells.Add(KernelMemory.Cell(code[^1]["metadata"], cell));
        copy["cells"] = cells;
        return copy;
    };

    [Fact]
    public void Predict_image_predicts_a_folder_of_2000_pictures_in_one_process()
    {
        using var dir = new TempDir();
        var folder = dir.File("pictures");
        Directory.CreateDirectory(folder);
        var png = ARing();
        for (int i = 0; i < 2000; i++) File.WriteAllBytes(Path.Combine(folder, $"{i:D4}.png"), png);
        using (var model = TrainingOptions.Fast.CreateModel()) ModelFile.Save(model, dir.File("m.dat"));

        // A child process: a crash must fail this test, not end the test run.
        using var cli = new RunningCli(dir.Path, ["predict", "--model", "m.dat", "--image", "pictures", "--json"]);
        int code = cli.WaitForExit();
        var lines = cli.Output.Split('\n').Where(l => l.StartsWith("{\"file\"", StringComparison.Ordinal)).ToList();
        Assert.True(code == 0, $"exit {code} after {lines.Count} pictures");
        Assert.Equal(2000, lines.Count);
        Assert.All(lines, l => Assert.Contains("\"probabilities\"", l));
    }

    /// <summary>A small PNG of a dark ring on light paper (cheap to decode: the test is about the count).</summary>
    static byte[] ARing()
    {
        using var bitmap = new SKBitmap(64, 64);
        using (var canvas = new SKCanvas(bitmap))
        using (var pen = new SKPaint { Color = SKColors.Black, Style = SKPaintStyle.Stroke, StrokeWidth = 6, IsAntialias = true })
        {
            canvas.Clear(SKColors.White);
            canvas.DrawCircle(32, 32, 20, pen);
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
