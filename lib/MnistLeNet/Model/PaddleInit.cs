using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistLeNet.Model;

/// <summary>
/// PaddlePaddle's default initialisation, which the tutorial relied on without saying so:
/// convolution weights ~ N(0, √(2 / fan_in)) with fan_in = in_channels × kernel height × kernel width,
/// linear weights ~ Xavier-uniform (±√(6 / (fan_in + fan_out))), all biases 0.
/// </summary>
/// <remarks>
/// It matters: with PyTorch/TorchSharp's default initialisation the sigmoid LeNet trained with
/// SGD-momentum at lr 0.001 stays near chance level after a whole epoch, while with this one it learns:
/// notebook 4 ("Why the starting weights matter") prints both accuracies.
/// </remarks>
public static class PaddleInit
{
    public static void Apply(nn.Module model)
    {
        using var noGrad = torch.no_grad();
        foreach (var module in model.modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    var w = conv.weight!;
                    long fanIn = w.shape[1] * w.shape[2] * w.shape[3];
                    nn.init.normal_(w, 0.0, Math.Sqrt(2.0 / fanIn));
                    if (conv.bias is { } cb) nn.init.zeros_(cb);
                    break;
                case Linear linear:
                    nn.init.xavier_uniform_(linear.weight!);
                    if (linear.bias is { } lb) nn.init.zeros_(lb);
                    break;
            }
        }
    }
}
