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
