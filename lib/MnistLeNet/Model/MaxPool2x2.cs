using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MnistLeNet.Model;

/// <summary>
/// 2×2 max pooling with stride 2: each output value is the largest of a 2×2 square of the input, so
/// [N,C,H,W] becomes [N,C,H/2,W/2]. The same values as <c>MaxPool2d(kernel_size: 2, stride: 2)</c>
/// (up to the sign of a zero; tests check it), computed two ways:
/// <list type="bullet">
/// <item>when the input needs gradients (training), with libtorch's <c>max_pool2d</c>, which also
/// remembers where each maximum came from, for the backward pass;</item>
/// <item>under <c>no_grad</c> on the CPU (as <c>Evaluator</c>, <c>Predictor</c>, <c>ConfusionMatrix</c> and
/// <c>Mistakes</c> run the model; <c>eval()</c> alone is not enough), as the element-wise maximum of the
/// four interleaved quarter-images: the top-left, top-right, bottom-left and bottom-right corners of
/// every square. libtorch 2.10's CPU <c>max_pool2d</c> is slow for these shapes: for 250 images of
/// [6,24,24] the three <c>maximum</c> calls took 0.43 ms against 5.4 ms, which makes evaluating the
/// test set about twice as fast. For a few images <c>max_pool2d</c> is still used: there the
/// quarters' fixed cost (~15 µs) is more than the whole pooling.</item>
/// </list>
/// </summary>
public sealed class MaxPool2x2 : Module<Tensor, Tensor>
{
    /// <summary>From this many input values on, the quarters are faster than <c>max_pool2d</c> (measured).</summary>
    internal const long QuartersPayOff = 16_384;

    public MaxPool2x2() : base(nameof(MaxPool2x2)) { }

    public override Tensor forward(Tensor x) =>
        TakesQuarters(x) ? MaxOfCorners(x) : functional.max_pool2d(x, kernel_size: 2, stride: 2);

    /// <summary>Whether <see cref="forward"/> uses the quarters for <paramref name="x"/>.</summary>
    internal static bool TakesQuarters(Tensor x)
    {
        var shape = x.shape;
        bool evenSides = shape.Length == 4 && shape[2] % 2 == 0 && shape[3] % 2 == 0;
        bool needsGradients = x.requires_grad && is_grad_enabled();
        return evenSides && !needsGradients && x.device_type == DeviceType.CPU && x.numel() >= QuartersPayOff;
    }

    internal static Tensor MaxOfCorners(Tensor x)
    {
        var (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
        var squares = x.view(n, c, h / 2, 2, w / 2, 2); // squares[n, c, row, dy, col, dx], no copy
        Tensor Corner(int dy, int dx) => squares.select(3, dy).select(4, dx);
        return maximum(maximum(Corner(0, 0), Corner(0, 1)), maximum(Corner(1, 0), Corner(1, 1)));
    }
}
