using MnistLeNet.Model;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MnistLeNet.Training;

/// <summary>
/// <see cref="LeNet.forward"/> for training, with three speed tricks (see <see cref="RearrangedForward"/>) that
/// change how libtorch computes, not what: the values agree with the plain model up to float rounding (tests compare outputs and gradients),
/// and the README's benchmark measures the gain. For <see cref="TrainingOptions.Speedrun"/>
/// (<see cref="TrainingOptions.FastTrainingForward"/>), kept out of the class learners read.
/// <list type="bullet">
/// <item>Channels-last memory: the images come in as a view whose strides say "channels last" (with one
/// channel that is the same memory), so conv1, the ReLU, the pooling and conv2 run libtorch's channels-last
/// kernels, which are faster for these shapes.</item>
/// <item>With ReLU, pooling before the activation: the maximum of rectified values is the rectified maximum, and
/// the gradient goes to the same element, so this part is exact; the ReLU then runs on a quarter of the values.</item>
/// <item>conv3 as the matrix product it is: its 4×4 kernel covers its whole 4×4 input, so each of its 120
/// outputs is the dot product of the flattened input with one flattened filter (notebook 3 shows the two are
/// the same), and a matrix product is much faster than libtorch's convolution for this shape.</item>
/// </list>
/// </summary>
internal static class FastTrainingForward
{
    public static Tensor Forward(LeNet m, Tensor x) =>
        RearrangedForward.Forward(m, ChannelsLast(x), m.max_pool1.call, m.max_pool2.call, pooled => Conv3(m, pooled));

    /// <summary>[N,1,H,W] images as a channels-last view of the same memory.</summary>
    static Tensor ChannelsLast(Tensor x)
    {
        if (x.dim() != 4 || x.shape[1] != 1) throw new ArgumentException($"expected images [N,1,H,W], got [{string.Join(",", x.shape)}]", nameof(x));
        x = x.contiguous();
        return x.as_strided(x.shape, [x.shape[2] * x.shape[3], 1, x.shape[3], 1]);
    }

    /// <summary>conv3 on [N,16,4,4] as one matrix product: [N,256] × [256,120] + bias = [N,120].</summary>
    static Tensor Conv3(LeNet m, Tensor x) => functional.linear(x.flatten(1), m.conv3.weight!.flatten(1), m.conv3.bias);
}
