using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MnistLeNet.Native;

namespace MnistLeNet.Tests;

/// <summary>The TorchSharp version has one source (Directory.Packages.props); the notebooks repeat it
/// literally in their <c>#r</c> lines, so these must match it.</summary>
public partial class TorchSharpVersionTests
{
    [GeneratedRegex(@"#r\s+""nuget:\s*TorchSharp-cpu\s*,\s*([^""\s]+)\s*""")]
    private static partial Regex TorchSharpReference();

    public static TheoryData<string> Notebooks() =>
        new(Directory.GetFiles(NotebookRun.NotebookDirectory, "*.ipynb").Select(Path.GetFileName).OfType<string>().Order());

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Each_notebook_references_the_TorchSharp_version_the_library_is_built_with(string notebook)
    {
        var cells = JsonNode.Parse(File.ReadAllText(Path.Combine(NotebookRun.NotebookDirectory, notebook)))!["cells"]!.AsArray();
        var versions = cells.SelectMany(c => c!["source"]!.AsArray().Select(line => (string)line!))
            .Select(line => TorchSharpReference().Match(line)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(versions);
        Assert.All(versions, v => Assert.Equal(PackageVersions.TorchSharp, v));
    }

    [GeneratedRegex(@"#r\s+""nuget:\s*SkiaSharp[.\w]*\s*,\s*([^""\s]+)\s*""")]
    private static partial Regex SkiaSharpReference();

    [Fact]
    public void The_notebook_that_reads_pictures_references_the_SkiaSharp_version_the_library_is_built_with()
    {
        var lines = Directory.GetFiles(NotebookRun.NotebookDirectory, "*.ipynb").SelectMany(File.ReadAllLines);
        var versions = lines.Select(line => SkiaSharpReference().Match(line.Replace("\\\"", "\""))).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(versions);
        Assert.All(versions, v => Assert.Equal(PackageVersions.SkiaSharp, v));
        Assert.StartsWith(PackageVersions.SkiaSharp + ".", System.Diagnostics.FileVersionInfo.GetVersionInfo(typeof(SkiaSharp.SKCodec).Assembly.Location).FileVersion);   // the SkiaSharp loaded
    }

    [Fact]
    public void The_surfaced_versions_are_the_ones_loaded()
    {
        Assert.Equal(PackageVersions.TorchSharp, typeof(TorchSharp.torch).Assembly.GetName().Version!.ToString(3));
        Assert.StartsWith(PackageVersions.LibTorch, TorchSharp.torch.__version__);
    }
}
