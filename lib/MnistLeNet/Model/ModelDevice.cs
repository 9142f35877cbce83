using static TorchSharp.torch;

namespace MnistLeNet.Model;

/// <summary>Where a model's weights are (the CPU or a GPU): inputs must be moved there.</summary>
public static class ModelDevice
{
    public static Device Of(nn.Module model) => model.parameters().FirstOrDefault()?.device ?? CPU;
}
