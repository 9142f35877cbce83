using MnistLeNet.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistLeNet.Tests;

public class MaxPool2x2Tests
{
    [Theory]
    [InlineData(1, 6, 24, 24)]
    [InlineData(10, 16, 8, 8)]
    [InlineData(250, 6, 24, 24)]
    public void The_quarters_give_exactly_what_max_pool2d_gives(int n, int c, int h, int w)
    {
        using var x = randn(n, c, h, w); // negative values too: the maximum must not start from 0
        using var expected = nn.functional.max_pool2d(x, 2, 2);
        using var actual = MaxPool2x2.MaxOfCorners(x);
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(expected.equal(actual).all().item<bool>());
    }

    [Fact]
    public void Quarters_are_used_only_without_gradients_for_large_even_inputs()
    {
        long big = MaxPool2x2.QuartersPayOff; // one image of [4, 64, 64] when 16,384
        using var large = randn(1, 4, 64, big / (4 * 64));
        using var small = randn(1, 6, 24, 24);
        using var odd = randn(1, 4, 64, big / (4 * 64) + 1);
        using var needsGradients = large.clone().requires_grad_();
        Assert.True(MaxPool2x2.TakesQuarters(large));
        Assert.False(MaxPool2x2.TakesQuarters(small));
        Assert.False(MaxPool2x2.TakesQuarters(odd));
        Assert.False(MaxPool2x2.TakesQuarters(needsGradients));
        using (no_grad())
            Assert.True(MaxPool2x2.TakesQuarters(needsGradients));
    }

    [Theory]
    [InlineData(9, 7)]
    [InlineData(8, 9)]
    [InlineData(9, 8)]
    public void Odd_sides_are_floored_like_max_pool2d(int h, int w)
    {
        using var pool = new MaxPool2x2();
        using var x = randn(400, 3, h, w); // large enough for the quarters, which need even sides
        using var actual = pool.forward(x);
        Assert.Equal(new long[] { 400, 3, h / 2, w / 2 }, actual.shape);
        Assert.True(nn.functional.max_pool2d(x, 2, 2).equal(actual).all().item<bool>());
    }

    [Fact]
    public void While_training_the_whole_gradient_goes_to_the_first_maximum_of_a_tie()
    {
        // Large enough for the quarters, all zeros: every square is a four-way tie. max_pool2d gives the
        // whole gradient to the first corner; an element-wise maximum would split it.
        using var pool = new MaxPool2x2();
        using var x = zeros(8, 4, 32, 32).requires_grad_();
        using var y = pool.forward(x);
        y.sum().backward();
        using var squares = x.grad!.view(8, 4, 16, 2, 16, 2);
        Assert.True(squares.select(3, 0).select(4, 0).eq(1).all().item<bool>());
        Assert.Equal(8 * 4 * 16 * 16, x.grad.sum().item<float>());
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
