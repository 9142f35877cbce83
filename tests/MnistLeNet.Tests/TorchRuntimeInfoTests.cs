using MnistLeNet.Native;

namespace MnistLeNet.Tests;

/// <summary>The first output of the tutorial (notebook 1): what runs where and what was fixed, in one line.</summary>
public class TorchRuntimeInfoTests
{
    [Fact]
    public void It_reads_as_one_line_saying_where_torch_runs_and_what_was_fixed_with_no_type_names()
    {
        var patched = new TorchRuntimeInfo("2.10.0.0", null, ["/a/libLibTorchSharp.so", "/b/libLibTorchSharp.so"], HostNeedsPatch: true, CudaAvailable: false);
        Assert.Equal("TorchSharp ready: libtorch 2.10.0.0 on the CPU (no CUDA GPU); this system's libstdc++ is older than libtorch's, " +
                     "so 2 copies of libLibTorchSharp.so were patched to load (README: the native fix)", patched.ToString());
        Assert.Contains("was already patched for it", (patched with { PatchedFiles = [] }).ToString());
        Assert.Equal("TorchSharp ready: libtorch 2.10.0.0 on the CPU, with a CUDA GPU available",
            new TorchRuntimeInfo("2.10.0.0", null, [], HostNeedsPatch: false, CudaAvailable: true).ToString());
        var cudaFailed = new TorchRuntimeInfo("2.10.0.0", "/opt/libtorch", [], false, false, "no driver").ToString();
        Assert.Equal("TorchSharp ready: libtorch 2.10.0.0 on the CPU (no CUDA GPU), loaded from /opt/libtorch; CUDA did not start: no driver", cudaFailed);
        Assert.DoesNotContain("\n", patched.ToString());
        Assert.DoesNotContain("System.", patched.ToString());
    }
}
