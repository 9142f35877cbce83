using MnistLeNet.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistLeNet.Training;

/// <summary>The loss gradient's norm per weight tensor for one batch: compares initialisations in a fraction of a second.</summary>
public static class GradientNorms
{
    /// <returns>(parameter name, gradient norm) for every weight tensor, in layer order.</returns>
    public static IReadOnlyList<(string Name, double Norm)> Of(nn.Module<Tensor, Tensor> model, Tensor images, Tensor labels)
    {
        using var scope = NewDisposeScope();
        using var lossFn = nn.CrossEntropyLoss();
        model.zero_grad();
        var device = ModelDevice.Of(model);
        lossFn.forward(model.forward(images.to(device)), labels.to(device)).backward();
        var norms = model.named_parameters()
            .Where(p => p.name.EndsWith(".weight", StringComparison.Ordinal))
            .Select(p => (p.name, (double)p.parameter.grad!.norm().item<float>()))
            .ToList();
        model.zero_grad();
        return norms;
    }
}
