using MnistLeNet.Data;

namespace MnistLeNet.Tests;

/// <summary>The committed MNIST files, loaded once for all tests that need real data (Load shares them).</summary>
public static class Mnist
{
    public static MnistDataset Train => MnistDataset.Load(MnistSplit.Train, download: false);
    public static MnistDataset Test => MnistDataset.Load(MnistSplit.Test, download: false);
    public static string Directory => MnistFiles.DefaultDirectory();
}
