using MnistLeNet.Data;
using MnistLeNet.Training;
using TorchSharp;

namespace MnistLeNet.Tests;

public class TutorialHelpersTests
{
    [Fact]
    public void Paddle_initialisation_gives_the_early_layers_much_larger_gradients()
    {
        using var probe = Mnist.Train.Take(100);
        var withDefault = GradientNorms.Of((TrainingOptions.Classic with { Init = InitKind.Default }).CreateModel(), probe.Images, probe.Labels);
        var withPaddle = GradientNorms.Of(TrainingOptions.Classic.CreateModel(), probe.Images, probe.Labels);
        Assert.Equal(["conv1.weight", "conv2.weight", "conv3.weight", "fc1.weight", "fc2.weight"], withDefault.Select(g => g.Name));
        foreach (var layer in new[] { 0, 1, 2, 3 })
            Assert.True(withPaddle[layer].Norm > 10 * withDefault[layer].Norm, $"{withDefault[layer].Name}: {withPaddle[layer].Norm} vs {withDefault[layer].Norm}");
    }

    [Fact]
    public void Training_progress_records_epochs_and_logged_batches_and_shows_nothing_outside_a_kernel()
    {
        Assert.Null(NotebookKernel.Display("x"));
        Assert.Equal(CancellationToken.None, NotebookKernel.CellCancellation);
        var progress = new TrainingProgress(batchesPerEpoch: 4, logEvery: 2);
        progress.Start(epochs: 1);
        for (int batch = 0; batch < 4; batch++) progress.Batch(epoch: 1, batchId: batch, loss: batch + 1, images: batch == 3 ? 5 : 10);
        progress.Epoch(1, testAccuracy: 0.5, testLoss: 0.7);
        progress.Finish();
        Assert.Equal([0, 2], progress.History.LoggedBatches.Select(b => b.BatchId));
        var epoch = Assert.Single(progress.History.Epochs);
        Assert.Equal((1 * 10 + 2 * 10 + 3 * 10 + 4 * 5) / 35.0, epoch.TrainLoss, 10);
        Assert.Equal((35, 0.5, 0.7), (epoch.TrainImages, epoch.TestAccuracy, epoch.TestLoss));
        Assert.Null(epoch.TrainAccuracy);                                   // the loop measured none
    }

    [Fact]
    public void Training_progress_for_a_loader_uses_Trainers_thread_count_until_Finish_and_records_the_training_accuracy()
    {
        int before = torch.get_num_threads();
        int expected = CpuThreads.For(10);
        torch.set_num_threads(expected + 1);                                 // something else, to see it change and come back
        try
        {
            var progress = new TrainingProgress(new BatchLoader(Mnist.Test, batchSize: 10));
            int outside = torch.get_num_threads();
            progress.Start(epochs: 1);
            Assert.Equal(expected, torch.get_num_threads());
            progress.Batch(epoch: 1, batchId: 0, loss: 1, images: 10);
            progress.Epoch(1, testAccuracy: 0.5, testLoss: 0.7, trainAccuracy: 0.25);
            progress.Finish();
            Assert.Equal(outside, torch.get_num_threads());
            Assert.Equal(0.25, Assert.Single(progress.History.Epochs).TrainAccuracy);
        }
        finally { torch.set_num_threads(before); }
    }

    [Fact]
    public void Pixel_text_shows_raw_values_and_dots_for_blank_pixels()
    {
        var pixels = new float[28, 28];
        pixels[1, 2] = 1f;
        pixels[1, 3] = 128 / 255f;
        var lines = PixelText.Values(pixels, firstRow: 1, rows: 1).TrimEnd().Split('\n');
        Assert.Single(lines);
        Assert.StartsWith(" 1 |   .   . 255 128   .", lines[0]);
    }
}
