using TorchSharp;
using static TorchSharp.torch;

namespace MnistLeNet.Training;

/// <summary>
/// Chooses where tensors live: "auto" (CUDA when available, else Apple's GPU (MPS) when available, else the CPU,
/// the order TorchSharp's own examples use), "cpu", "cuda" or "mps". MPS is untested here: no Mac was at hand.
/// </summary>
public static class DeviceChoice
{
    public static Device Resolve(string name = "auto") => Resolve(name, torch.cuda.is_available(), torch.mps_is_available());

    /// <summary>The decision itself, with what is available passed in (so it can be tested anywhere).</summary>
    public static Device Resolve(string name, bool cudaAvailable, bool mpsAvailable = false) => name.Trim().ToLowerInvariant() switch
    {
        "auto" => cudaAvailable ? new Device(DeviceType.CUDA) : mpsAvailable ? new Device(DeviceType.MPS) : CPU,
        "cpu" => CPU,
        "cuda" or "gpu" => cudaAvailable
            ? new Device(DeviceType.CUDA)
            : throw new InvalidOperationException(
                "device 'cuda' was requested but TorchSharp sees no CUDA device. That is expected with the default CPU build " +
                "(TorchSharp-cpu); a GPU needs an NVIDIA driver and the CUDA build (TorchBackend=cuda, see README, 'Using a GPU'); " +
                "'mnist-lenet info' says why CUDA did not start. Use --device auto or cpu."),
        "mps" => mpsAvailable
            ? new Device(DeviceType.MPS)
            : throw new InvalidOperationException("device 'mps' (Apple's GPU) was requested but TorchSharp sees none: it exists only on Macs with Apple silicon. Use auto or cpu."),
        _ => throw new ArgumentException($"unknown device '{name}' (expected auto, cpu, cuda or mps)", nameof(name)),
    };
}
