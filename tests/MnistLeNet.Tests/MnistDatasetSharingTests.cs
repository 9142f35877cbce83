using MnistLeNet.Data;
using TorchSharp;

namespace MnistLeNet.Tests;

/// <summary>MNIST is read once per process and data folder, so loading it again (a rerun notebook cell, a loop) costs no memory.</summary>
public class MnistDatasetSharingTests
{
    const long MB = 1024 * 1024;

    [Fact]
    public void Every_load_of_a_split_gets_the_same_dataset_which_the_caller_cannot_dispose()
    {
        var test = MnistDataset.Load(MnistSplit.Test, download: false);
        Assert.False(typeof(IDisposable).IsAssignableFrom(typeof(MnistDataset))); // `using var` on it would free nothing
        Assert.IsAssignableFrom<IDisposable>(test.Take(1));
        var (train, again) = MnistDataset.LoadTrainAndTest(download: false);
        Assert.Same(test, again);
        Assert.Same(train, MnistDataset.Load(MnistSplit.Train, Mnist.Directory + "/", download: false));
        Assert.Equal(7, again.Labels[0].item<long>());
        Assert.Equal(1f, again.Images.max().item<float>());
    }

    [Fact]
    public void A_folder_first_loaded_inside_a_dispose_scope_outlives_the_scope()
    {
        using var dir = new TempDir();
        foreach (var file in new[] { MnistFiles.TestImages, MnistFiles.TestLabels })
            File.Copy(Path.Combine(Mnist.Directory, file.FileName), dir.File(file.FileName));

        MnistDataset loaded;
        using (torch.NewDisposeScope())
            loaded = MnistDataset.Load(MnistSplit.Test, dir.Path, download: false);

        Assert.NotSame(Mnist.Test, loaded);
        Assert.Same(loaded, MnistDataset.Load(MnistSplit.Test, dir.Path, download: false));
        Assert.True(loaded.Images.equal(Mnist.Test.Images).all().item<bool>());
    }

    [Fact]
    public void Take_is_a_view_that_outlives_its_dataset_and_whose_disposal_leaves_the_dataset_intact()
    {
        var pixels = Enumerable.Range(0, 3 * 784).Select(i => (byte)(i % 251 + 1)).ToArray();
        var owned = MnistDataset.FromBytes(MnistSplit.Test, pixels, [1, 2, 3]);
        using var firstTwo = owned.Take(2);
        owned.Images.zero_();
        Assert.Equal(0f, firstTwo.Images.abs().max().item<float>()); // no copy: it sees the dataset's pixels
        owned.Dispose();
        Assert.Equal([2L, 1, 28, 28], firstTwo.Images.shape);            // still readable after the dataset is gone
        Assert.Equal([1L, 2], firstTwo.Labels.data<long>().ToArray());

        using (var head = Mnist.Test.Take(100))
            Assert.True(head.Images.equal(Mnist.Test.Images[..100]).all().item<bool>());
        Assert.Equal(10000, Mnist.Test.Images.shape[0]);
        Assert.Equal(7, Mnist.Test.Labels[0].item<long>());
    }

    [Fact]
    public void Loading_in_a_loop_without_disposing_does_not_grow_the_process()
    {
        MnistDataset.LoadTrainAndTest(download: false);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long before = Environment.WorkingSet;
        for (int i = 0; i < 10; i++)
        {
            var (train, test) = MnistDataset.LoadTrainAndTest(download: false);
            var subset = train.Take(1000);
            Assert.Equal(test.Count, MnistDataset.Load(MnistSplit.Test, download: false).Count);
        }
        long grown = Environment.WorkingSet - before;
        Assert.True(grown < 50 * MB, $"the process grew by {grown / MB} MB over ten loads");
    }
}
