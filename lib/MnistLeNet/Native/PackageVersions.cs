using System.Reflection;

namespace MnistLeNet.Native;

/// <summary>The TorchSharp and libtorch versions this library was built with: the
/// <c>TorchSharpVersion</c> and <c>LibTorchVersion</c> properties of <c>Directory.Packages.props</c>.</summary>
public static class PackageVersions
{
    /// <summary>The TorchSharp packages' version (also written in the notebooks' <c>#r</c> lines).</summary>
    public static string TorchSharp { get; } = Read("TorchSharpVersion");

    /// <summary>The libtorch version TorchSharp is built on.</summary>
    public static string LibTorch { get; } = Read("LibTorchVersion");

    static string Read(string key) =>
        typeof(PackageVersions).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
