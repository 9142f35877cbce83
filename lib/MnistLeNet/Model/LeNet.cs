using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MnistLeNet.Model;

/// <summary>Which non-linearity LeNet uses between layers.</summary>
public enum Activation
{
    /// <summary>The tutorial's network: sigmoids after conv1, after the first pooling and after fc1.</summary>
    Sigmoid,
    /// <summary>A modern variant with the same layers: ReLU after conv1, conv2, conv3 and fc1.</summary>
    ReLU,
}

/// <summary>LeNet as in the tutorial: the constructor creates the layers, <see cref="forward"/> chains them.</summary>
public sealed class LeNet : Module<Tensor, Tensor>
{
    // The layers. Their names become the parameter names in saved files ("conv1.weight", ...).
    public readonly Conv2d conv1, conv2, conv3;
    public readonly MaxPool2d max_pool1, max_pool2;
    public readonly Linear fc1, fc2;

    public Activation Activation { get; }

    public LeNet(int numClasses = 10, Activation activation = Activation.Sigmoid) : base(nameof(LeNet))
    {
        if (numClasses < 2) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "a classifier needs at least 2 classes");
        Activation = activation;
        conv1 = Conv2d(in_channels: 1, out_channels: 6, kernel_size: 5);
        max_pool1 = MaxPool2d(kernel_size: 2, stride: 2);
        conv2 = Conv2d(in_channels: 6, out_channels: 16, kernel_size: 5);
        max_pool2 = MaxPool2d(kernel_size: 2, stride: 2);
        conv3 = Conv2d(in_channels: 16, out_channels: 120, kernel_size: 4);
        fc1 = Linear(inputSize: 120, outputSize: 64);
        fc2 = Linear(inputSize: 64, outputSize: numClasses);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)          // [N,1,28,28]
    {
        if (Activation == Activation.ReLU) return ForwardWithReLU(x);
        x = conv1.call(x);                              // [N,6,24,24]
        x = functional.sigmoid(x);                      // [N,6,24,24]
        x = max_pool1.call(x);                          // [N,6,12,12]
        x = functional.sigmoid(x);                      // [N,6,12,12]
        x = conv2.call(x);                              // [N,16,8,8]
        x = max_pool2.call(x);                          // [N,16,4,4]
        x = conv3.call(x);                              // [N,120,1,1]
        x = x.reshape(x.shape[0], -1);                  // [N,120]
        x = fc1.call(x);                                // [N,64]
        x = functional.sigmoid(x);                      // [N,64]
        x = fc2.call(x);                                // [N,10]: one score (logit) per digit
        return x;
    }

    // The same layers with ReLU, placed as in most modern versions: after every layer but the last.
    Tensor ForwardWithReLU(Tensor x)                    // [N,1,28,28]
    {
        x = functional.relu(conv1.call(x));             // [N,6,24,24]
        x = max_pool1.call(x);                          // [N,6,12,12]
        x = functional.relu(conv2.call(x));             // [N,16,8,8]
        x = max_pool2.call(x);                          // [N,16,4,4]
        x = functional.relu(conv3.call(x));             // [N,120,1,1]
        x = x.reshape(x.shape[0], -1);                  // [N,120]
        x = functional.relu(fc1.call(x));               // [N,64]
        x = fc2.call(x);                                // [N,10]
        return x;
    }
}
