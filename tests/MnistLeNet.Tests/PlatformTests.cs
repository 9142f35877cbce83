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
    public void On_Windows_a_load_failure_names_the_TorchSharp_bug_and_the_way_round_it()
    {
        var e = Assert.Throws<InvalidOperationException>(() => TorchRuntime.Load(OSPlatform.Windows, FailsLikeWindows));
        Assert.Contains("https://github.com/dotnet/TorchSharp/issues/1567", e.Message);
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
        Assert.StartsWith("error: TorchSharp's native library could not be loaded. On Windows", stderr.ToString());
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
}
