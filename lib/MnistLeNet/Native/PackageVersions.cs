using System.Reflection;

namespace MnistLeNet.Native;

/// <summary>The TorchSharp, libtorch and SkiaSharp versions this library was built with: the
/// <c>TorchSharpVersion</c>, <c>LibTorchVersion</c> and <c>SkiaSharpVersion</c> properties of <c>Directory.Packages.props</c>.</summary>
public static class PackageVersions
{
    /// <summary>The TorchSharp packages' version (also written in the notebooks' <c>#r</c> lines).</summary>
    public static string TorchSharp { get; } = Read("TorchSharpVersion");

    /// <summary>The libtorch version TorchSharp is built on.</summary>
    public static string LibTorch { get; } = Read("LibTorchVersion");

    /// <summary>The SkiaSharp packages' version (also written in notebook 6's <c>#r</c> line for its Linux native library).</summary>
    public static string SkiaSharp { get; } = Read("SkiaSharpVersion");

    static string Read(string key) =>
        typeof(PackageVersions).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
