using TorchSharp;
using static TorchSharp.torch;

namespace MnistLeNet.Data;

/// <summary>A mini-batch: images [B,1,28,28] and labels [B].</summary>
public sealed record Batch(Tensor Images, Tensor Labels) : IDisposable
{
    public int Size => (int)Labels.shape[0];

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}

/// <summary>
/// <c>DataLoader(dataset, batch_size, shuffle)</c>: with <paramref name="shuffle"/>, each pass visits the images
/// in a new order drawn from a generator seeded with <paramref name="seed"/> (same seed, same orders). The last
/// batch may be smaller. A batch is freed when the loop moves on, so a long loop piles up no native memory.
/// </summary>
public sealed class BatchLoader(MnistDataset dataset, int batchSize, bool shuffle = false, long seed = 0) : IEnumerable<Batch>
{
    readonly Generator _generator = new Generator((ulong)seed);

    public int BatchSize { get; } = batchSize > 0 ? batchSize : throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "must be at least 1");
    public MnistDataset Dataset { get; } = dataset;
    public int BatchCount => (Dataset.Count + BatchSize - 1) / BatchSize;

    /// <summary>Moves every batch to this device as it is produced (default: where the data is).</summary>
    public Device? Device { get; set; }

    /// <summary>Standardises every batch's images as it is produced (default: none, pixels stay 0..1).</summary>
    public Standardization? Standardization { get; set; }

    /// <summary>The shuffling generator's state: set back, it replays a pass's order (how a run resumes).</summary>
    public Tensor ShuffleState
    {
        get => _generator.get_state();
        set => _generator.set_state(value);
    }

    public IEnumerator<Batch> GetEnumerator() => From(0).GetEnumerator();

    /// <summary>One pass from batch <paramref name="firstBatch"/> on, with the order a full pass would draw.</summary>
    public IEnumerable<Batch> From(int firstBatch)
    {
        if (firstBatch < 0 || firstBatch > BatchCount)
            throw new ArgumentOutOfRangeException(nameof(firstBatch), firstBatch, $"must be 0..{BatchCount}");
        int n = Dataset.Count;
        using var order = shuffle ? torch.randperm(n, generator: _generator) : null;
        for (int start = firstBatch * BatchSize; start < n; start += BatchSize)
        {
            int size = Math.Min(BatchSize, n - start);
            Batch batch;
            if (order is null)
            {
                batch = new Batch(Dataset.Images.narrow(0, start, size), Dataset.Labels.narrow(0, start, size));
            }
            else
            {
                using var index = order.narrow(0, start, size);
                batch = new Batch(Dataset.Images.index_select(0, index), Dataset.Labels.index_select(0, index));
            }
            if (Standardization is not null) batch = Standardized(batch, Standardization);
            if (Device is not null) batch = MoveTo(batch, Device);
            try { yield return batch; }
            finally { batch.Dispose(); }
        }
    }

    static Batch MoveTo(Batch batch, Device device)
    {
        if (batch.Images.device_type == device.type && batch.Images.device_index == device.index) return batch;
        var moved = new Batch(batch.Images.to(device), batch.Labels.to(device));
        batch.Dispose();
        return moved;
    }

    static Batch Standardized(Batch batch, Standardization standardization)
    {
        var standardized = new Batch(standardization.Apply(batch.Images), batch.Labels);
        batch.Images.Dispose(); // the labels live on in the new batch
        return standardized;
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
