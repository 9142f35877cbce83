using System.Runtime.InteropServices;
using MnistLeNet.Cli;
using MnistLeNet.Native;
using TorchSharp;

namespace MnistLeNet.Tests;

/// <summary>What TorchRuntime does on other operating systems, shown on this one by passing it a pretend
/// system and, for failures, the exception TorchSharp throws there.</summary>
public class PlatformTests
{
    /// <summary>TorchSharp's top-level message on Windows (dotnet/TorchSharp#1567).</summary>
    const string TorchSharpOnWindows = "This application or script uses TorchSharp but doesn't contain a reference to libtorch-cpu-win-x64, Version=2.10.0.0";

    static void FailsLikeWindows(DeviceType _) => throw new NotSupportedException(TorchSharpOnWindows, new DllNotFoundException("LibTorchSharp"));

    [Fact]
    public void On_Windows_a_load_failure_links_the_upstream_report_and_gives_the_way_round_it()
    {
        var e = Assert.Throws<InvalidOperationException>(() => TorchRuntime.Load(OSPlatform.Windows, FailsLikeWindows));
        Assert.Contains("reported upstream: https://github.com/dotnet/TorchSharp/issues/1567", e.Message);
        Assert.Contains("WSL2", e.Message);
        Assert.Contains("dev container", e.Message);
        Assert.Contains("misleading", e.Message);
        Assert.Contains(TorchSharpOnWindows, e.Message); // TorchSharp's own words are kept, after ours
        Assert.IsType<NotSupportedException>(e.InnerException);
    }

    [Theory]
    [InlineData("linux")]
    [InlineData("osx")]
    public void Elsewhere_a_load_failure_does_not_blame_Windows(string os)
    {
        var e = Assert.Throws<InvalidOperationException>(() => TorchRuntime.Load(OSPlatform.Create(os), FailsLikeWindows));
        Assert.DoesNotContain("WSL2", e.Message);
        Assert.Contains("README.md, section Troubleshooting", e.Message);
    }

    [Fact]
    public void The_info_command_shows_the_Windows_explanation_without_a_stack_trace()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(["info"], stdout, stderr, () => TorchRuntime.Load(OSPlatform.Windows, FailsLikeWindows));

        Assert.Equal(1, code);
        Assert.StartsWith("error: TorchSharp's native library could not be loaded on Windows", stderr.ToString());
        Assert.Contains("https://github.com/dotnet/TorchSharp/issues/1567", stderr.ToString());
        Assert.Contains("WSL2", stderr.ToString());
        Assert.DoesNotContain("   at ", stderr.ToString());
        Assert.Equal("", stdout.ToString());
    }

    [Theory]
    [InlineData("windows")]
    [InlineData("osx")]
    public void The_Linux_only_steps_are_skipped_on_other_systems(string os)
    {
        var elsewhere = TorchRuntime.Load(OSPlatform.Create(os), _ => { });
        Assert.False(elsewhere.HostNeedsPatch); // the libstdc++ check did not run (it is true on Debian 12)
        Assert.Empty(elsewhere.PatchedFiles);
        Assert.Null(elsewhere.NativeDirectory); // libtorch was not preloaded from linux-x64 folders

        // The same call as Linux does both, so the assertions above are not true by accident.
        var linux = TorchRuntime.Load(OSPlatform.Linux, _ => { });
        Assert.NotNull(linux.NativeDirectory);
        Assert.Equal(!MnistLeNet.NativeFix.LibTorchSharpFix.HostLibStdCxxHas("GLIBCXX_3.4.32"), linux.HostNeedsPatch);
    }

    /// <summary>A folder with the three DLLs (empty files: only the loader below opens them) and a loader that
    /// fails for the names in <paramref name="failing"/>, as Windows would.</summary>
    static (TempDir Dir, Func<string, string?> Load) WindowsWith(params string[] failing)
    {
        var dir = new TempDir();
        foreach (var dll in new[] { "c10.dll", "torch_cpu.dll", "LibTorchSharp.dll" }) File.WriteAllText(dir.File(dll), "");
        return (dir, nameOrPath => failing.Contains(Path.GetFileName(nameOrPath))
            ? $"Unable to load DLL '{nameOrPath}' or one of its dependencies: The specified module could not be found. (0x8007007E)" : null);
    }

    static string Explain(TempDir dir, Func<string, string?> load, Architecture arch = Architecture.X64) =>
        WindowsLoadCheck.Explain(new NotSupportedException(TorchSharpOnWindows), arch, [dir.Path], load);

    [Theory]
    [InlineData("c10.dll")]
    [InlineData("torch_cpu.dll")]
    [InlineData("LibTorchSharp.dll")]
    public void On_Windows_the_part_that_does_not_load_is_named_with_Windows_error(string dll)
    {
        var (dir, load) = WindowsWith(dll);
        using (dir)
        {
            var message = Explain(dir, load);
            Assert.Contains($"{dir.File(dll)} did not load: Unable to load DLL '{dir.File(dll)}' or one of its dependencies: The specified module could not be found. (0x8007007E)", message);
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(message, "did not load")); // it stops at the first failure
            Assert.DoesNotContain("Visual C++", message);
            Assert.Contains("WSL2", message);
            Assert.Contains(TorchSharpOnWindows, message);
        }
    }

    [Theory]
    [InlineData("msvcp140.dll")]
    [InlineData("vcruntime140.dll")]
    [InlineData("vcruntime140_1.dll")]
    public void On_Windows_a_missing_VC_runtime_DLL_is_named_with_where_to_get_it(string dll)
    {
        var (dir, load) = WindowsWith(dll);
        using (dir)
        {
            var message = Explain(dir, load);
            Assert.Contains($"Visual C++ 2015-2022 runtime is missing ({dll} not found)", message);
            Assert.Contains("https://aka.ms/vs/17/release/vc_redist.x64.exe", message);
            Assert.Contains("each load by full path", message); // the libtorch parts themselves were fine
        }
    }

    [Fact]
    public void On_Windows_a_missing_DLL_file_is_named_with_the_folders_searched()
    {
        var (dir, load) = WindowsWith();
        using (dir)
        {
            File.Delete(dir.File("torch_cpu.dll"));
            var message = Explain(dir, load);
            Assert.Contains($"torch_cpu.dll was not found (looked in {dir.Path})", message);
            Assert.Contains("dotnet build", message);
            Assert.Contains("Windows x64 only, not Arm64", Explain(dir, load, Architecture.Arm64));
        }
    }

    [Fact]
    public void On_Windows_when_every_part_loads_the_message_says_so_and_does_not_guess_a_cause()
    {
        var (dir, load) = WindowsWith();
        using (dir)
        {
            var message = Explain(dir, load);
            Assert.Contains($"c10.dll, torch_cpu.dll, LibTorchSharp.dll each load by full path (from {dir.Path}), so the failure is in TorchSharp's own start-up", message);
            Assert.Contains("reported upstream: https://github.com/dotnet/TorchSharp/issues/1567", message);
            Assert.DoesNotContain("bug", message);
        }
    }
}
