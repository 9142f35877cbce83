using MnistLeNet.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistLeNet.Prediction;

/// <summary>
/// <see cref="LeNet.forward"/> for inference only (no gradients, on the CPU), with a faster 2×2 max
/// pooling: the element-wise maximum of the four interleaved quarter-images (the top-left, top-right,
/// bottom-left and bottom-right corners of every square). libtorch's CPU <c>max_pool2d</c> is slow for
/// these shapes; the values are the same (tests compare this with the plain model, and the benchmark
/// measures both). With ReLU it pools before the activation (exact: see <see cref="RearrangedForward"/>).
/// For a few images the plain path is used: there the quarters' fixed cost dominates.
/// </summary>
internal static class FastLeNet
{
    const int MinimumImages = 8;

    public static bool Applies(Tensor images) =>
        images.device_type == DeviceType.CPU && !is_grad_enabled() && images.dim() == 4 && images.shape[0] >= MinimumImages;

    public static Tensor Forward(LeNet m, Tensor x) =>
        RearrangedForward.Forward(m, x, MaxPool, MaxPool, pooled => m.conv3.call(pooled).flatten(1));

    /// <summary>2×2 max pooling with stride 2 of an [N,C,H,W] tensor with even H and W.</summary>
    internal static Tensor MaxPool(Tensor x)
    {
        var (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
        var squares = x.view(n, c, h / 2, 2, w / 2, 2); // squares[n, c, row, dy, col, dx], no copy
        Tensor Corner(int dy, int dx) => squares.select(3, dy).select(4, dx);
        return maximum(maximum(Corner(0, 0), Corner(0, 1)), maximum(Corner(1, 0), Corner(1, 1)));
    }
}
