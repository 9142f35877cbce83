using MnistLeNet.Training;
using TorchSharp;

namespace MnistLeNet.Tests;

public class DeviceChoiceTests
{
    [Fact]
    public void Auto_picks_cuda_only_when_available()
    {
        Assert.Equal(DeviceType.CUDA, DeviceChoice.Resolve("auto", cudaAvailable: true).type);
        Assert.Equal(DeviceType.CPU, DeviceChoice.Resolve("auto", cudaAvailable: false).type);
        Assert.Equal(DeviceType.CPU, DeviceChoice.Resolve("cpu", cudaAvailable: true).type);
    }

    [Fact]
    public void Cuda_without_a_gpu_is_a_clear_error()
    {
        var e = Assert.Throws<InvalidOperationException>(() => DeviceChoice.Resolve("cuda", cudaAvailable: false));
        Assert.Contains("TorchBackend=cuda", e.Message);
        Assert.Contains("mnist-lenet info", e.Message);
    }

    [Fact]
    public void Unknown_device_names_the_choices()
    {
        Assert.Contains("auto, cpu, cuda or mps", Assert.Throws<ArgumentException>(() => DeviceChoice.Resolve("tpu", false)).Message);
    }

    [Fact]
    public void Auto_tries_apple_mps_after_cuda_and_before_the_cpu()
    {
        Assert.Equal(DeviceType.MPS, DeviceChoice.Resolve("auto", cudaAvailable: false, mpsAvailable: true).type);
        Assert.Equal(DeviceType.CUDA, DeviceChoice.Resolve("auto", cudaAvailable: true, mpsAvailable: true).type);
        Assert.Equal(DeviceType.MPS, DeviceChoice.Resolve("mps", cudaAvailable: false, mpsAvailable: true).type);
        Assert.Contains("Apple silicon", Assert.Throws<InvalidOperationException>(() => DeviceChoice.Resolve("mps", false, false)).Message);
        Assert.False(torch.mps_is_available()); // what "auto" asks on this (Linux) machine: it answers, and says no
    }
}
