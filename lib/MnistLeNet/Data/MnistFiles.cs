namespace MnistLeNet.Data;

/// <summary>Which half of MNIST: 60,000 training images or 10,000 test images.</summary>
public enum MnistSplit { Train, Test }

/// <summary>One of the four official MNIST files and what its decompressed bytes must look like.</summary>
public sealed record MnistFile(string FileName, int Magic, int[] Dimensions, string Sha256)
{
    /// <summary>Reads <paramref name="path"/> and checks magic, dimensions (before the body is decompressed)
    /// and SHA-256 against the official file.</summary>
    public IdxArray ReadAndVerify(string path)
    {
        using var file = FilePaths.OpenRead(path, "MNIST data file");
        return ReadAndVerify(file, path);
    }

    /// <inheritdoc cref="ReadAndVerify(string)"/>
    /// <param name="name">Names the source in error messages.</param>
    public IdxArray ReadAndVerify(Stream stream, string name)
    {
        var idx = IdxReader.Read(stream, name, CheckHeader);
        if (idx.Sha256 != Sha256)
            throw new InvalidDataException($"{name}: SHA-256 of the decompressed bytes is {idx.Sha256}, expected {Sha256} (damaged or not the official file)");
        return idx;

        void CheckHeader(int magic, int[] dimensions)
        {
            if (magic != Magic)
                throw new InvalidDataException($"{name}: magic number {magic}, expected {Magic} ({(Magic == MnistFiles.LabelMagic ? "labels" : "images")})");
            if (!dimensions.SequenceEqual(Dimensions))
                throw new InvalidDataException($"{name}: dimensions [{string.Join(",", dimensions)}], expected [{string.Join(",", Dimensions)}]");
        }
    }
}

/// <summary>The official MNIST files: names, shapes and checksums of their decompressed bytes.</summary>
public static class MnistFiles
{
    public const int LabelMagic = 2049, ImageMagic = 2051, ImageSize = 28;

    public static readonly MnistFile TrainImages = new("train-images-idx3-ubyte.gz", ImageMagic, [60000, 28, 28],
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db");
    public static readonly MnistFile TrainLabels = new("train-labels-idx1-ubyte.gz", LabelMagic, [60000],
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5");
    public static readonly MnistFile TestImages = new("t10k-images-idx3-ubyte.gz", ImageMagic, [10000, 28, 28],
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7");
    public static readonly MnistFile TestLabels = new("t10k-labels-idx1-ubyte.gz", LabelMagic, [10000],
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

    public static IReadOnlyList<MnistFile> All { get; } = [TrainImages, TrainLabels, TestImages, TestLabels];

    public static (MnistFile Images, MnistFile Labels) For(MnistSplit split) =>
        split == MnistSplit.Train ? (TrainImages, TrainLabels) : (TestImages, TestLabels);

    /// <summary>The repository's <c>data/mnist</c>, found upwards from the current directory or this library
    /// (so the CLI, tests and notebooks all find the committed copy); else <c>./data/mnist</c>.</summary>
    public static string DefaultDirectory()
    {
        var starts = new[] { Environment.CurrentDirectory, AppContext.BaseDirectory, Path.GetDirectoryName(typeof(MnistFiles).Assembly.Location) };
        foreach (var start in starts.OfType<string>())
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "data", "mnist");
                if (File.Exists(Path.Combine(candidate, TrainImages.FileName))) return candidate;
            }
        return Path.GetFullPath(Path.Combine("data", "mnist"));
    }
}
