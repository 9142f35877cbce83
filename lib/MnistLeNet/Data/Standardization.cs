using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistLeNet.Data;

/// <summary>
/// Input standardisation: every pixel becomes <c>(x − Mean) / Std</c>, so that the inputs have mean 0
/// and spread 1 over the training set instead of lying in 0..1 (gradient steps then suit every weight
/// of the first layer alike). <see cref="BatchLoader"/> applies it where batches are made.
/// <para>
/// A first layer without padding can absorb it: conv1 with weights w and bias b, applied to
/// <c>(x − m) / s</c>, is the same as conv1 with weights <c>w / s</c> and bias <c>b − (m / s)·Σw</c>
/// applied to x. <see cref="FoldInto"/> makes that change, so a model trained on standardised inputs
/// becomes the same network as every other one, taking raw 0..1 images.
/// </para>
/// </summary>
public sealed record Standardization(double Mean, double Std)
{
    /// <summary>The mean and standard deviation of MNIST's training pixels (after scaling to 0..1).</summary>
    public static Standardization Mnist { get; } = new(0.1307, 0.3081);

    /// <summary><c>(images − Mean) / Std</c>, as a new tensor.</summary>
    public Tensor Apply(Tensor images) => images.sub(Mean).div_(Std);

    /// <summary>Changes <paramref name="conv"/> so that, on raw images, it computes what it computed on
    /// standardised ones. Needs a convolution without padding (every output sees only real pixels).</summary>
    public void FoldInto(Conv2d conv)
    {
        ThrowIfNotFoldable(conv);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var weight = conv.weight!;
        var shift = weight.sum([1, 2, 3]).mul(Mean / Std); // (m / s)·Σw, one number per output channel
        conv.bias!.sub_(shift);
        weight.div_(Std);
    }

    /// <summary><see cref="FoldInto"/> for the length of a <c>using</c> block: disposing puts the
    /// convolution's weights back exactly as they were (to check a model while it is still training).</summary>
    public IDisposable FoldedInto(Conv2d conv)
    {
        ThrowIfNotFoldable(conv);
        var weight = conv.weight!.detach().clone().DetachFromDisposeScope();
        var bias = conv.bias!.detach().clone().DetachFromDisposeScope();
        var restore = new Restore(conv, weight, bias);
        try { FoldInto(conv); }
        catch { restore.Dispose(); throw; }
        return restore;
    }

    static void ThrowIfNotFoldable(Conv2d conv)
    {
        if (conv.bias is null) throw new ArgumentException("folding the standardisation needs a convolution with a bias", nameof(conv));
        if (conv.padding_type == Padding.Same || (conv.padding ?? []).Any(p => p != 0))
            throw new ArgumentException("folding the standardisation needs a convolution without padding", nameof(conv));
    }

    sealed class Restore(Conv2d conv, Tensor weight, Tensor bias) : IDisposable
    {
        public void Dispose()
        {
            using (no_grad())
            {
                conv.weight!.copy_(weight);
                conv.bias!.copy_(bias);
            }
            weight.Dispose();
            bias.Dispose();
        }
    }
}
