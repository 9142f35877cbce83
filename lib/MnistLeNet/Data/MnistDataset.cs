using TorchSharp;
using static TorchSharp.torch;

namespace MnistLeNet.Data;

/// <summary>
/// One half of MNIST as two tensors, like <c>MNIST(transform=ToTensor())</c>: images float32
/// <c>[N,1,28,28]</c> in 0..1, labels int64 <c>[N]</c> in 0..9.
/// <para>
/// <see cref="Load"/> reads each split of a folder once per process and returns that same dataset every time
/// after, so a rerun cell uses no more memory. Its tensors live as long as the process, so it has no
/// <c>Dispose</c>; do not change them in place. <see cref="Take"/> and <see cref="FromBytes"/> give an
/// <see cref="OwnedMnistDataset"/>, which is yours to dispose.
/// </para>
/// </summary>
public class MnistDataset
{
    public const int NumClasses = 10;

    /// <summary>float32 [N,1,28,28], values in [0,1].</summary>
    public Tensor Images { get; }

    /// <summary>int64 [N], values 0..9. Read them as numbers with <c>Labels.data&lt;long&gt;()</c>.</summary>
    public Tensor Labels { get; }

    public MnistSplit Split { get; }
    public int Count { get; }

    static readonly Dictionary<(MnistSplit, string), MnistDataset> Loaded = [];

    private protected MnistDataset(MnistSplit split, Tensor images, Tensor labels)
    {
        Split = split;
        Images = images;
        Labels = labels;
        Count = (int)labels.size(0);
    }

    /// <summary>
    /// The split in <paramref name="dataDir"/> (default: the repository's <c>data/mnist</c>). The first call
    /// downloads missing files (unless <paramref name="download"/> is false) and checks them against the
    /// recorded checksums (data/README.md); later calls return the same dataset.
    /// </summary>
    public static MnistDataset Load(MnistSplit split, string? dataDir = null, bool download = true, string? offlineMirror = null)
    {
        var folder = FullPath(dataDir);
        lock (Loaded)
        {
            if (Loaded.TryGetValue((split, folder), out var loaded)) return loaded;
            if (download) MnistDownloader.EnsurePresent(folder, offlineMirror);
            var (images, labels) = MnistPrefetch.Take(split, folder) ?? ReadFiles(split, folder);
            var (imageTensor, labelTensor) = ToTensors(images, labels);
            // Detached: a caller's dispose scope must not free what every caller shares.
            return Loaded[(split, folder)] = new MnistDataset(split, imageTensor.DetachFromDisposeScope(), labelTensor.DetachFromDisposeScope());
        }
    }

    /// <summary>Both splits (see <see cref="Load"/>), their files read in parallel the first time.</summary>
    public static (MnistDataset Train, MnistDataset Test) LoadTrainAndTest(string? dataDir = null, bool download = true, string? offlineMirror = null)
    {
        MnistPrefetch.Start(dataDir);
        return (Load(MnistSplit.Train, dataDir, download, offlineMirror), Load(MnistSplit.Test, dataDir, download, offlineMirror));
    }

    internal static bool IsLoaded(MnistSplit split, string folder)
    {
        lock (Loaded) return Loaded.ContainsKey((split, folder));
    }

    internal static string FullPath(string? dataDir) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDir ?? MnistFiles.DefaultDirectory()));

    /// <summary>The split's two files, read and verified (no torch involved).</summary>
    internal static (byte[] Images, byte[] Labels) ReadFiles(MnistSplit split, string folder)
    {
        var (imageFile, labelFile) = MnistFiles.For(split);
        return (imageFile.ReadAndVerify(Path.Combine(folder, imageFile.FileName)).Data,
                labelFile.ReadAndVerify(Path.Combine(folder, labelFile.FileName)).Data);
    }

    /// <summary>A dataset from raw IDX bodies (784 bytes per image, one byte per label); the caller disposes it.</summary>
    public static OwnedMnistDataset FromBytes(MnistSplit split, byte[] imageBytes, byte[] labelBytes)
    {
        var (images, labels) = ToTensors(imageBytes, labelBytes);
        return new OwnedMnistDataset(split, images, labels);
    }

    static (Tensor Images, Tensor Labels) ToTensors(byte[] imageBytes, byte[] labelBytes)
    {
        const int size = MnistFiles.ImageSize;
        if (imageBytes.Length != labelBytes.Length * size * size)
            throw new ArgumentException($"{imageBytes.Length} image bytes do not make {labelBytes.Length} images of {size * size} pixels", nameof(imageBytes));
        if (labelBytes.FirstOrDefault(b => b >= NumClasses) is var bad and >= NumClasses)
            throw new ArgumentException($"label {bad} is outside 0..9", nameof(labelBytes));

        long n = labelBytes.Length;
        using var rawImages = torch.tensor(imageBytes, [n, 1, size, size], ScalarType.Byte);
        using var rawLabels = torch.tensor(labelBytes, [n], ScalarType.Byte);
        return (rawImages.to_type(ScalarType.Float32).div_(255f), rawLabels.to_type(ScalarType.Int64));
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

    /// <summary>The first <paramref name="count"/> samples, as views (nothing is copied); disposing them frees only the views.</summary>
    public OwnedMnistDataset Take(int count)
    {
        if (count <= 0 || count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"must be 1..{Count}");
        return new OwnedMnistDataset(Split, Images[..count], Labels[..count]);
    }
}

/// <summary>A dataset whose tensors are the caller's (from <see cref="MnistDataset.Take"/> or <see cref="MnistDataset.FromBytes"/>).</summary>
public sealed class OwnedMnistDataset : MnistDataset, IDisposable
{
    internal OwnedMnistDataset(MnistSplit split, Tensor images, Tensor labels) : base(split, images, labels) { }

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
