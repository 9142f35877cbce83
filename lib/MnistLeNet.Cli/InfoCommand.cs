using System.CommandLine;
using MnistLeNet.Data;

namespace MnistLeNet.Cli;

/// <summary><c>mnist-lenet info</c>: the TorchSharp runtime (versions, native fixes, devices) and the data folder.</summary>
static class InfoCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("info", "Show the TorchSharp runtime: version, native fixes, devices.");
        command.SetAction(_ =>
        {
            var info = cli.InitializeTorch();
            var stdout = cli.Out;
            stdout.WriteLine($"libtorch {info.TorchVersion} (TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version})");
            stdout.WriteLine($"native folder: {info.NativeDirectory ?? "(chosen by TorchSharp)"}");
            if (OperatingSystem.IsLinux())
                stdout.WriteLine(info.HostNeedsPatch
                    ? $"host libstdc++ lacks GLIBCXX_3.4.32: libLibTorchSharp.so compatibility patch active ({info.PatchedFiles.Count} file(s) patched now)"
                    : "host libstdc++ is new enough: no patch needed");
            stdout.WriteLine($"cuda available: {info.CudaAvailable}");
            if (info.CudaError is not null) stdout.WriteLine($"cuda was wanted (TorchBackend=cuda) but did not initialise: {info.CudaError}");
            stdout.WriteLine($"mps (Apple's GPU) available: {TorchSharp.torch.mps_is_available()}");
            stdout.WriteLine($"data folder: {MnistFiles.DefaultDirectory()}");
        });
        return command;
    }
}
