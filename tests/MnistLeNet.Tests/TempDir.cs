namespace MnistLeNet.Tests;

/// <summary>A temporary folder, deleted after the test.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Directory.CreateTempSubdirectory("mnist-lenet-tests-").FullName;
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose() => System.IO.Directory.Delete(Path, recursive: true);
}
