using TorchSharp;
using static TorchSharp.torch;

namespace MnistLeNet.Training;

/// <summary>Chooses where tensors live: "auto" (CUDA when available, else CPU), "cpu" or "cuda".</summary>
public static class DeviceChoice
{
    public static Device Resolve(string name = "auto") => Resolve(name, torch.cuda.is_available());

    /// <summary>The decision itself, with CUDA availability passed in (so it can be tested anywhere).</summary>
    public static Device Resolve(string name, bool cudaAvailable) => name.Trim().ToLowerInvariant() switch
    {
        "auto" => cudaAvailable ? new Device(DeviceType.CUDA) : CPU,
        "cpu" => CPU,
        "cuda" or "gpu" => cudaAvailable
            ? new Device(DeviceType.CUDA)
            : throw new InvalidOperationException(
                "device 'cuda' was requested but TorchSharp sees no CUDA device. That is expected with the default CPU build " +
                "(TorchSharp-cpu); a GPU needs an NVIDIA driver and the CUDA build (TorchBackend=cuda, see README, 'Using a GPU'); " +
                "'mnist-lenet info' says why CUDA did not start. Use --device auto or cpu."),
        _ => throw new ArgumentException($"unknown device '{name}' (expected auto, cpu or cuda)", nameof(name)),
    };
}
