using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistLeNet.Data;

/// <summary>
/// Pixels become <c>(x − Mean) / Std</c>: mean 0 and spread 1 over the training set, so gradient steps suit
/// every first-layer weight alike. Conv1 without padding absorbs it (weights <c>w / s</c>, bias
/// <c>b − (m / s)·Σw</c>): <see cref="FoldInto"/> turns such a model into one that takes raw 0..1 images.
/// </summary>
public sealed record Standardization(double Mean, double Std)
{
    /// <summary>The mean and standard deviation of MNIST's training pixels (after scaling to 0..1).</summary>
    public static Standardization Mnist { get; } = new(0.1307, 0.3081);

    /// <summary><c>(images − Mean) / Std</c>, as a new tensor.</summary>
    public Tensor Apply(Tensor images) => images.sub(Mean).div_(Std);

    /// <summary>Makes <paramref name="conv"/> compute on raw images what it computed on standardised ones
    /// (no padding: every output must see only real pixels).</summary>
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

    /// <summary><see cref="FoldInto"/> until disposed, which puts the weights back exactly (checks during training).</summary>
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
