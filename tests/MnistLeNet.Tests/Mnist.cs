using MnistLeNet.Data;

namespace MnistLeNet.Tests;

/// <summary>The committed MNIST files, loaded once for all tests that need real data (Load shares them).</summary>
public static class Mnist
{
    public static MnistDataset Train => MnistDataset.Load(MnistSplit.Train, download: false);
    public static MnistDataset Test => MnistDataset.Load(MnistSplit.Test, download: false);
    public static string Directory => MnistFiles.DefaultDirectory();
}

/// <summary>A temporary folder, deleted after the test.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Directory.CreateTempSubdirectory("mnist-lenet-tests-").FullName;
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose() => System.IO.Directory.Delete(Path, recursive: true);
}
