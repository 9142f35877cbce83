using System.Collections.Concurrent;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistLeNet.Data;

/// <summary>
/// One half of MNIST held in memory as two tensors, the TorchSharp counterpart of
/// <c>MNIST(mode=..., transform=ToTensor())</c>: images are float32 <c>[N,1,28,28]</c> with pixel
/// values scaled from 0..255 to 0..1, labels are int64 <c>[N]</c> with values 0..9.
/// <para>
/// MNIST never changes, so <see cref="Load"/> reads each split of a data folder once per process and
/// hands every later call the same dataset: a notebook cell that loads the data can be rerun any
/// number of times without using more memory. Such a shared dataset lives as long as the process;
/// disposing it does nothing, and its tensors must not be changed in place. Datasets made by
/// <see cref="FromBytes"/> and <see cref="Take"/> are the caller's: disposing them frees their tensors.
/// </para>
/// </summary>
public sealed class MnistDataset : IDisposable
{
    public const int NumClasses = 10;

    /// <summary>float32 [N,1,28,28], values in [0,1].</summary>
    public Tensor Images { get; }

    /// <summary>int64 [N], values 0..9. Read them as numbers with <c>Labels.data&lt;long&gt;()</c>.</summary>
    public Tensor Labels { get; }

    public MnistSplit Split { get; }
    public int Count { get; }

    bool _shared;

    static readonly ConcurrentDictionary<(MnistSplit, string), MnistDataset> Loaded = new();
    static readonly ConcurrentDictionary<(MnistSplit Split, string Folder), Task<(byte[] Images, byte[] Labels)>> Reading = new();
    static readonly Dictionary<MnistSplit, object> LoadLocks = new() { [MnistSplit.Train] = new(), [MnistSplit.Test] = new() };

    MnistDataset(MnistSplit split, Tensor images, Tensor labels)
    {
        Split = split;
        Images = images;
        Labels = labels;
        Count = (int)labels.size(0);
    }

    /// <summary>
    /// The split of MNIST in <paramref name="dataDir"/> (default: the repository's <c>data/mnist</c>),
    /// shared by every caller in this process (see the class summary). The first call for a folder
    /// reads the files, downloading missing ones first unless <paramref name="download"/> is false,
    /// and verifies them against the checksums we recorded (see data/README.md); later calls return the same dataset.
    /// </summary>
    public static MnistDataset Load(MnistSplit split, string? dataDir = null, bool download = true, string? offlineMirror = null)
    {
        var folder = FullPath(dataDir);
        return Share(split, folder, () =>
        {
            if (download) MnistDownloader.EnsurePresent(folder, offlineMirror);
            return ReadFiles(split, folder);
        });
    }

    /// <summary>Both splits (see <see cref="Load"/>); when they are read for the first time, their files are read in parallel (<see cref="Prefetch"/>).</summary>
    public static (MnistDataset Train, MnistDataset Test) LoadTrainAndTest(string? dataDir = null, bool download = true, string? offlineMirror = null)
    {
        var folder = FullPath(dataDir);
        if (download && !(Loaded.ContainsKey((MnistSplit.Train, folder)) && Loaded.ContainsKey((MnistSplit.Test, folder))))
            MnistDownloader.EnsurePresent(folder, offlineMirror);
        Prefetch(folder);
        return (Load(MnistSplit.Train, folder, download: false), Load(MnistSplit.Test, folder, download: false));
    }

    /// <summary>
    /// Starts reading and verifying the files of both splits in <paramref name="dataDir"/>, each on a thread of its
    /// own, and returns at once; the next <see cref="Load"/> of a split takes its bytes from there. It does nothing
    /// for a split already loaded, or when a file is missing (<see cref="Load"/> then downloads it as usual).
    /// Reading files involves no torch, so a program may call this before <c>TorchRuntime.Initialize</c>, letting
    /// the two overlap. Only the files: the tensors are made by <see cref="Load"/> on the caller's thread, because a
    /// thread that runs torch operations gets a pool of OpenMP workers of its own, and with more workers than cores
    /// they stop waiting for work actively (this once halved the speed of two-thread training).
    /// </summary>
    public static void Prefetch(string? dataDir = null)
    {
        var folder = FullPath(dataDir);
        if (!MnistFiles.All.All(f => File.Exists(Path.Combine(folder, f.FileName)))) return;
        foreach (var split in new[] { MnistSplit.Train, MnistSplit.Test })
            if (!Loaded.ContainsKey((split, folder)))
                Reading.GetOrAdd((split, folder), key => Task.Run(() => ReadFiles(key.Split, key.Folder)));
    }

    static string FullPath(string? dataDir) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDir ?? MnistFiles.DefaultDirectory()));

    /// <summary>The split's two files, read and verified (no torch involved).</summary>
    static (byte[] Images, byte[] Labels) ReadFiles(MnistSplit split, string dataDir)
    {
        var (imageFile, labelFile) = MnistFiles.For(split);
        return (imageFile.ReadAndVerify(Path.Combine(dataDir, imageFile.FileName)).Data,
                labelFile.ReadAndVerify(Path.Combine(dataDir, labelFile.FileName)).Data);
    }

    /// <summary>The shared dataset of this split and folder, made from <paramref name="read"/>'s bytes the first time.</summary>
    static MnistDataset Share(MnistSplit split, string dataDir, Func<(byte[] Images, byte[] Labels)> read)
    {
        lock (LoadLocks[split])
        {
            if (Loaded.TryGetValue((split, dataDir), out var loaded)) return loaded;
            var (images, labels) = Reading.TryRemove((split, dataDir), out var reading) ? reading.GetAwaiter().GetResult() : read();
            var dataset = FromBytes(split, images, labels);
            dataset._shared = true;
            dataset.Images.DetachFromDisposeScope(); // a caller's dispose scope must not free what everyone shares
            dataset.Labels.DetachFromDisposeScope();
            Loaded[(split, dataDir)] = dataset;
            return dataset;
        }
    }

    /// <summary>Builds a dataset from raw IDX bodies: 784 bytes per image, one byte per label.</summary>
    public static MnistDataset FromBytes(MnistSplit split, byte[] imageBytes, byte[] labelBytes)
    {
        const int pixels = MnistFiles.ImageSize * MnistFiles.ImageSize;
        if (imageBytes.Length != labelBytes.Length * pixels)
            throw new ArgumentException($"{imageBytes.Length} image bytes do not make {labelBytes.Length} images of {pixels} pixels", nameof(imageBytes));
        if (labelBytes.FirstOrDefault(b => b >= NumClasses) is var bad and >= NumClasses)
            throw new ArgumentException($"label {bad} is outside 0..9", nameof(labelBytes));

        long n = labelBytes.Length;
        using var raw = torch.tensor(imageBytes, [n, 1, MnistFiles.ImageSize, MnistFiles.ImageSize], ScalarType.Byte);
        var images = raw.to_type(ScalarType.Float32).div_(255f);
        using var rawLabels = torch.tensor(labelBytes, [n], ScalarType.Byte);
        var labels = rawLabels.to_type(ScalarType.Int64);
        return new MnistDataset(split, images, labels);
    }

    /// <summary>One sample: image [1,28,28] and its label. The caller owns (and disposes) the image.</summary>
    public (Tensor Image, int Label) this[int index]
    {
        get
        {
            if (index < 0 || index >= Count)
                throw new ArgumentOutOfRangeException(nameof(index), index, $"the {Split} set has {Count} images (0..{Count - 1})");
            using var view = Images[index];
            return (view.clone(), (int)Labels.data<long>()[index]);
        }
    }

    /// <summary>The pixels of one image as a 28×28 array in [0,1], row 0 at the top.</summary>
    public float[,] Pixels(int index)
    {
        using var image = this[index].Image;
        return ToGrid(image);
    }

    /// <summary>Any 28×28 image tensor ([28,28] or [1,28,28], float32, on the CPU) as a 28×28 array, row 0 at the top.</summary>
    public static float[,] ToGrid(Tensor image)
    {
        const int size = MnistFiles.ImageSize;
        if (image.numel() != size * size)
            throw new ArgumentException($"expected {size}×{size} values, got [{string.Join(",", image.shape)}]", nameof(image));
        var flat = image.data<float>().ToArray();
        var grid = new float[size, size];
        Buffer.BlockCopy(flat, 0, grid, 0, flat.Length * sizeof(float));
        return grid;
    }

    /// <summary>How many images of each digit 0..9.</summary>
    public int[] ClassCounts()
    {
        var counts = new int[NumClasses];
        foreach (var label in Labels.data<long>()) counts[label]++;
        return counts;
    }

    /// <summary>
    /// The first <paramref name="count"/> samples as a new dataset (for quick experiments). Its tensors
    /// are views of this dataset's: nothing is copied, and disposing it frees only the views.
    /// </summary>
    public MnistDataset Take(int count)
    {
        if (count <= 0 || count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"must be 1..{Count}");
        return new MnistDataset(Split, Images[..count], Labels[..count]);
    }

    /// <summary>Frees the tensors of a dataset from <see cref="FromBytes"/> or <see cref="Take"/>; does nothing for the shared ones from <see cref="Load"/>.</summary>
    public void Dispose()
    {
        if (_shared) return;
        Images.Dispose();
        Labels.Dispose();
    }
}
