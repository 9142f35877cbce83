using MnistLeNet.Data;

namespace MnistLeNet.Tests;

/// <summary>The committed MNIST files, loaded once for all tests that need real data.</summary>
public static class Mnist
{
    static readonly Lazy<MnistDataset> LazyTrain = new(() => MnistDataset.Load(MnistSplit.Train, download: false));
    static readonly Lazy<MnistDataset> LazyTest = new(() => MnistDataset.Load(MnistSplit.Test, download: false));

    public static MnistDataset Train => LazyTrain.Value;
    public static MnistDataset Test => LazyTest.Value;
    public static string Directory => MnistFiles.DefaultDirectory();
}
