using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistLeNet.Model;

/// <summary>PaddlePaddle's default initialisation, which the tutorial relied on: conv ~ N(0, √(2 / fan_in)),
/// linear ~ Xavier-uniform, biases 0.</summary>
/// <remarks>Without it the sigmoid LeNet stays near chance after an epoch: notebook 4 prints both accuracies.</remarks>
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
