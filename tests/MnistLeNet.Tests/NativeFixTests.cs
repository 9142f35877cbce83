using System.IO.Compression;
using MnistLeNet.Native;
using MnistLeNet.NativeFix;

namespace MnistLeNet.Tests;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class NativeFixTests
{
    /// <summary>The pristine libLibTorchSharp.so, straight from the TorchSharp package archive.</summary>
    static byte[] OriginalLibrary()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                       ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        using var zip = ZipFile.OpenRead(Path.Combine(packages, "torchsharp", PackageVersions.TorchSharp, $"torchsharp.{PackageVersions.TorchSharp}.nupkg"));
        using var entry = zip.GetEntry("runtimes/linux-x64/native/libLibTorchSharp.so")!.Open();
        using var copy = new MemoryStream();
        entry.CopyTo(copy);
        return copy.ToArray();
    }

    [Fact]
    public void Patch_makes_the_GLIBCXX_3_4_32_requirement_weak_touching_only_a_few_bytes_and_is_idempotent()
    {
        var original = OriginalLibrary();
        var bytes = (byte[])original.Clone();
        Assert.Equal(GlibcxxCompatPatch.State.NeedsPatch, GlibcxxCompatPatch.Inspect(bytes, "lib"));

        Assert.True(GlibcxxCompatPatch.Apply(bytes, "lib"));
        Assert.Equal(GlibcxxCompatPatch.State.AlreadyPatched, GlibcxxCompatPatch.Inspect(bytes, "lib"));
        Assert.Equal(original.Length, bytes.Length);
        int changed = original.Zip(bytes).Count(p => p.First != p.Second);
        Assert.InRange(changed, 2, 4); // the vernaux flag and the marker symbol's version index

        var again = (byte[])bytes.Clone();
        Assert.False(GlibcxxCompatPatch.Apply(again, "lib"));
        Assert.Equal(bytes, again);
    }

    [Fact]
    public void Libraries_without_the_requirement_are_left_alone()
    {
        var libc = File.ReadAllBytes(File.Exists("/usr/lib/x86_64-linux-gnu/libc.so.6") ? "/usr/lib/x86_64-linux-gnu/libc.so.6" : "/lib64/libc.so.6");
        Assert.Equal(GlibcxxCompatPatch.State.NotRequired, GlibcxxCompatPatch.Inspect(libc, "libc"));
        Assert.False(GlibcxxCompatPatch.Apply(libc, "libc"));
    }

    [Fact]
    public void Non_elf_input_is_rejected_with_its_name()
    {
        var e = Assert.Throws<InvalidDataException>(() => GlibcxxCompatPatch.Inspect("not a library"u8.ToArray(), "fake.so"));
        Assert.StartsWith("fake.so:", e.Message);
    }

    [Fact]
    public void Patching_a_file_replaces_it_atomically_and_keeps_its_mode()
    {
        using var dir = new TempDir();
        var path = dir.File("libLibTorchSharp.so");
        File.WriteAllBytes(path, OriginalLibrary());
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Assert.True(LibTorchSharpFix.PatchFile(path));
        Assert.False(LibTorchSharpFix.PatchFile(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(path));
        Assert.Equal(GlibcxxCompatPatch.State.AlreadyPatched, GlibcxxCompatPatch.Inspect(File.ReadAllBytes(path), path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Torch_is_initialised_from_this_package_and_reports_what_it_did()
    {
        var info = TorchRuntime.Initialize();
        Assert.StartsWith(PackageVersions.LibTorch, info.TorchVersion);
        Assert.NotNull(info.NativeDirectory);
        Assert.True(File.Exists(Path.Combine(info.NativeDirectory!, "libtorch_cpu.so")));
        Assert.Equal(!LibTorchSharpFix.HostLibStdCxxHas(GlibcxxCompatPatch.MissingVersion), info.HostNeedsPatch);
    }
}
