using MnistLeNet.Model;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MnistLeNet.Training;

/// <summary>
/// <see cref="LeNet.forward"/> with one change, for training: conv3 is computed as the matrix product it is.
/// Its 4×4 kernel covers its whole 4×4 input, so each of its 120 outputs is the dot product of the flattened
/// input with one flattened filter (notebook 3 shows the two are the same). Same layers, same parameters; the
/// values agree with the plain model up to float rounding (tests compare outputs and gradients), and for these
/// shapes libtorch's matrix product is much faster than its convolution (see the README's benchmark). A speed
/// trick for <see cref="TrainingOptions.Speedrun"/> (<see cref="TrainingOptions.Conv3AsMatrixProduct"/>),
/// kept out of the class learners read.
/// </summary>
internal static class Conv3AsMatrixProduct
{
    public static Tensor Forward(LeNet m, Tensor x) => m.Activation == Activation.ReLU
        ? m.fc2.call(functional.relu(m.fc1.call(functional.relu(Conv3(m,
            m.max_pool2.call(functional.relu(m.conv2.call(m.max_pool1.call(functional.relu(m.conv1.call(x)))))))))))
        : m.fc2.call(functional.sigmoid(m.fc1.call(Conv3(m,
            m.max_pool2.call(m.conv2.call(functional.sigmoid(m.max_pool1.call(functional.sigmoid(m.conv1.call(x))))))))));

    /// <summary>conv3 on [N,16,4,4] as one matrix product: [N,256] × [256,120] + bias = [N,120].</summary>
    static Tensor Conv3(LeNet m, Tensor x) => functional.linear(x.flatten(1), m.conv3.weight!.flatten(1), m.conv3.bias);
}
