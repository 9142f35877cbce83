using MnistLeNet.Data;

namespace MnistLeNet.Tests;

public class BatchLoaderTests
{
    static OwnedMnistDataset Small(int n) => MnistDataset.FromBytes(MnistSplit.Train,
        Enumerable.Range(0, n).SelectMany(i => Enumerable.Repeat((byte)i, 784)).ToArray(),
        Enumerable.Range(0, n).Select(i => (byte)(i % 10)).ToArray());

    /// <summary>Each image of <see cref="Small"/> is filled with its own index, so a batch tells which images it holds.</summary>
    static List<int[]> Epoch(BatchLoader loader) => loader.Select(b =>
    {
        using (b) return b.Images.amax([1, 2, 3]).data<float>().Select(v => (int)Math.Round(v * 255)).ToArray();
    }).ToList();

    [Fact]
    public void Batches_cover_every_image_once_and_the_last_may_be_smaller()
    {
        using var data = Small(23);
        var loader = new BatchLoader(data, 10, shuffle: true, seed: 3);
        var batches = Epoch(loader);
        Assert.Equal(3, loader.BatchCount);
        Assert.Equal(new[] { 10, 10, 3 }, batches.Select(b => b.Length));
        Assert.Equal(Enumerable.Range(0, 23), batches.SelectMany(b => b).Order());
    }

    [Fact]
    public void Without_shuffle_the_order_is_the_file_order()
    {
        using var data = Small(7);
        Assert.Equal(Enumerable.Range(0, 7), Epoch(new BatchLoader(data, 3)).SelectMany(b => b));
    }

    [Fact]
    public void Labels_travel_with_their_images()
    {
        using var data = Small(50);
        foreach (var batch in new BatchLoader(data, 8, shuffle: true, seed: 1))
            using (batch)
            {
                var ids = batch.Images.amax([1, 2, 3]).data<float>().Select(v => (int)Math.Round(v * 255)).ToArray();
                Assert.Equal(ids.Select(i => (long)(i % 10)), batch.Labels.data<long>().ToArray());
            }
    }

    [Fact]
    public void The_same_seed_gives_the_same_orders_and_each_epoch_differs()
    {
        using var data = Small(40);
        var a = new BatchLoader(data, 40, shuffle: true, seed: 42);
        var b = new BatchLoader(data, 40, shuffle: true, seed: 42);
        var a1 = Epoch(a)[0];
        var a2 = Epoch(a)[0];
        Assert.Equal(a1, Epoch(b)[0]);
        Assert.Equal(a2, Epoch(b)[0]);
        Assert.NotEqual(a1, a2);
        Assert.NotEqual(Enumerable.Range(0, 40), a1);
    }

    [Fact]
    public void Batch_size_must_be_positive()
    {
        using var data = Small(3);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchLoader(data, 0));
    }
}
