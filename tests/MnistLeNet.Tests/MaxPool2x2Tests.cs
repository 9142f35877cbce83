using MnistLeNet.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistLeNet.Tests;

public class MaxPool2x2Tests
{
    [Theory]
    [InlineData(10, 6, 24, 24)]  // the four-quarters path
    [InlineData(250, 16, 8, 8)]
    [InlineData(1, 6, 24, 24)]   // small: max_pool2d itself
    public void Without_gradients_it_gives_exactly_what_max_pool2d_gives(int n, int c, int h, int w)
    {
        using var pool = new MaxPool2x2();
        using var x = randn(n, c, h, w); // negative values too: the maximum must not start from 0
        using var expected = nn.functional.max_pool2d(x, 2, 2);
        using var actual = pool.forward(x);
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(expected.equal(actual).all().item<bool>());
    }

    [Fact]
    public void Odd_sides_are_floored_like_max_pool2d()
    {
        using var pool = new MaxPool2x2();
        using var x = randn(400, 3, 7, 9); // large enough for the quarters, which need even sides
        using var actual = pool.forward(x);
        Assert.Equal(new long[] { 400, 3, 3, 4 }, actual.shape);
        Assert.True(nn.functional.max_pool2d(x, 2, 2).equal(actual).all().item<bool>());
    }

    [Fact]
    public void While_training_the_gradient_goes_to_each_maximum()
    {
        using var pool = new MaxPool2x2();
        using var x = tensor(new float[] { 1, 5, 2, 0, 3, 4, 9, 8 }).view(1, 1, 2, 4).requires_grad_();
        using var y = pool.forward(x);
        y.sum().backward();
        Assert.Equal(new float[] { 5, 9 }, y.data<float>().ToArray());
        Assert.Equal(new float[] { 0, 1, 0, 0, 0, 0, 1, 0 }, x.grad!.data<float>().ToArray());
    }

    [Fact]
    public void LeNet_gives_the_same_logits_with_and_without_gradients()
    {
        using var model = new LeNet();
        using var x = rand(10, 1, 28, 28);
        using var withGradients = model.forward(x);
        using var noGrad = no_grad();
        using var withoutGradients = model.forward(x);
        Assert.True(withGradients.requires_grad);
        Assert.True(withGradients.detach().equal(withoutGradients).all().item<bool>());
    }
}
