using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MnistLeNet.Model;

/// <summary>
/// <see cref="LeNet.forward"/> as the speed tricks run it (the inference path <c>FastLeNet</c> and the speedrun's
/// <c>FastTrainingForward</c>): the same layers in the same order, with the two poolings and conv3 computed by
/// the caller's functions, and, with ReLU, each pooling before its activation. The maximum of rectified values
/// is the rectified maximum, and its gradient goes to the same element, so that change is exact; the
/// activation then runs on a quarter of the values.
/// </summary>
internal static class RearrangedForward
{
    /// <param name="pool1">max_pool1's work: [N,6,24,24] → [N,6,12,12].</param>
    /// <param name="pool2">max_pool2's work: [N,16,8,8] → [N,16,4,4].</param>
    /// <param name="conv3">conv3's work, flattened: [N,16,4,4] → [N,120].</param>
    public static Tensor Forward(LeNet m, Tensor x, Func<Tensor, Tensor> pool1, Func<Tensor, Tensor> pool2, Func<Tensor, Tensor> conv3) =>
        m.Activation == Activation.ReLU
            ? m.fc2.call(functional.relu(m.fc1.call(functional.relu(conv3(
                functional.relu(pool2(m.conv2.call(functional.relu(pool1(m.conv1.call(x)))))))))))
            : m.fc2.call(functional.sigmoid(m.fc1.call(conv3(
                pool2(m.conv2.call(functional.sigmoid(pool1(functional.sigmoid(m.conv1.call(x))))))))));
}
