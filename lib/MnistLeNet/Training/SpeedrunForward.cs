using MnistLeNet.Model;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MnistLeNet.Training;

/// <summary>
/// <see cref="LeNet.forward"/> with the speedrun's tricks (<see cref="TrainingOptions.SpeedrunLayers"/>), out of the class
/// learners read. They change which libtorch kernels run, not what is computed; tests compare them with the model's own
/// forward, so a change to <see cref="LeNet.forward"/> not made here too fails them. With ReLU, pooling comes before the
/// activation (exact). Training: channels-last memory, and conv3 as the matrix product it is (notebook 3). Evaluation:
/// 2×2 max pooling as the maximum of four interleaved quarter-images (bit-equal, faster on the CPU).
/// </summary>
internal static class SpeedrunForward
{
    /// <summary>The logits for a training step (with gradients).</summary>
    public static Tensor Training(LeNet m, Tensor x) =>
        Forward(m, ChannelsLast(x), m.max_pool1.call, m.max_pool2.call, pooled => Conv3AsMatrixProduct(m, pooled));

    /// <summary>The logits for a test evaluation (call it under <c>no_grad</c>): bit-equal to <c>m.call(x)</c>.</summary>
    public static Tensor Evaluation(LeNet m, Tensor x) =>
        Forward(m, x, QuarterMaxPool, QuarterMaxPool, pooled => m.conv3.call(pooled).flatten(1));

    // LeNet.forward's layers in LeNet.forward's order; with ReLU, each pooling before its activation.
    static Tensor Forward(LeNet m, Tensor x, Func<Tensor, Tensor> pool1, Func<Tensor, Tensor> pool2, Func<Tensor, Tensor> conv3) =>
        m.Activation == Activation.ReLU
            ? m.fc2.call(functional.relu(m.fc1.call(functional.relu(conv3(
                functional.relu(pool2(m.conv2.call(functional.relu(pool1(m.conv1.call(x)))))))))))
            : m.fc2.call(functional.sigmoid(m.fc1.call(conv3(
                pool2(m.conv2.call(functional.sigmoid(pool1(functional.sigmoid(m.conv1.call(x))))))))));

    /// <summary>[N,1,H,W] images as a channels-last view of the same memory.</summary>
    static Tensor ChannelsLast(Tensor x)
    {
        if (x.dim() != 4 || x.shape[1] != 1) throw new ArgumentException($"expected images [N,1,H,W], got [{string.Join(",", x.shape)}]", nameof(x));
        x = x.contiguous();
        return x.as_strided(x.shape, [x.shape[2] * x.shape[3], 1, x.shape[3], 1]);
    }

    /// <summary>conv3 on [N,16,4,4] as one matrix product: [N,256] × [256,120] + bias = [N,120].</summary>
    static Tensor Conv3AsMatrixProduct(LeNet m, Tensor x) => functional.linear(x.flatten(1), m.conv3.weight!.flatten(1), m.conv3.bias);

    /// <summary>2×2 max pooling with stride 2 of an [N,C,H,W] tensor with even H and W.</summary>
    internal static Tensor QuarterMaxPool(Tensor x)
    {
        var (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
        var squares = x.view(n, c, h / 2, 2, w / 2, 2); // squares[n, c, row, dy, col, dx], no copy
        Tensor Corner(int dy, int dx) => squares.select(3, dy).select(4, dx);
        return maximum(maximum(Corner(0, 0), Corner(0, 1)), maximum(Corner(1, 0), Corner(1, 1)));
    }
}
