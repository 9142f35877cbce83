using MnistLeNet.Handwriting;

namespace MnistLeNet.Tests;

public class DigitImageTests
{
    static double[] Original(int index)
    {
        var pixels = Mnist.Test.Pixels(index);
        return Enumerable.Range(0, 784).Select(i => (double)pixels[i / 28, i % 28]).ToArray();
    }

    /// <summary>1 for the same picture (up to brightness), near 0 for unrelated ones.</summary>
    static double Similarity(double[] a, double[] b) =>
        a.Zip(b, (x, y) => x * y).Sum() / Math.Sqrt(a.Sum(x => x * x) * b.Sum(y => y * y));

    static (double X, double Y) CentreOfMass(GrayImage image)
    {
        double mass = image.Pixels.Sum();
        return (Enumerable.Range(0, image.Pixels.Length).Sum(i => image.Pixels[i] * (i % image.Width)) / mass,
                Enumerable.Range(0, image.Pixels.Length).Sum(i => image.Pixels[i] * (i / image.Width)) / mass);
    }

    static DigitStages Prepare(RedrawnDigit page, bool centre = true) => DigitImage.FromRgba(page.Rgba, page.Width, page.Height, centre);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(8)]
    public void A_digit_photographed_on_paper_comes_back_as_its_MNIST_original(int index)
    {
        var stages = Prepare(RedrawnDigit.Of(index, seed: index));
        Assert.True(stages.Inverted);
        Assert.InRange(Similarity(stages.Digit.Pixels, Original(index)), 0.85, 1);
        var (x, y) = CentreOfMass(stages.Digit);
        Assert.InRange(x, 13.5, 14.5);
        Assert.InRange(y, 13.5, 14.5);
    }

    [Fact]
    public void A_clean_drawing_black_on_white_like_the_drawing_pads_comes_back_as_its_original()
    {
        var drawing = Prepare(RedrawnDigit.Of(7, page: (255, 255, 255), ink: (0, 0, 0), noise: 0, lighting: 0));
        Assert.True(drawing.Inverted);
        Assert.InRange(Similarity(drawing.Digit.Pixels, Original(7)), 0.85, 1);
    }

    [Fact]
    public void Light_ink_on_a_dark_board_is_not_inverted_and_gives_the_same_digit()
    {
        var dark = Prepare(RedrawnDigit.Of(0, ink: (235, 235, 235), page: (40, 45, 40)));
        Assert.False(dark.Inverted);
        Assert.InRange(Similarity(dark.Digit.Pixels, Original(0)), 0.85, 1);
    }

    [Fact]
    public void Grey_ink_under_strongly_uneven_light_is_found_against_the_background()
    {
        // The far corner of the page is darker than the ink near the light: no single threshold separates them;
        // after the background is subtracted, one does.
        var stages = Prepare(RedrawnDigit.Of(3, width: 150, height: 150, left: 40, top: 40, ink: (110, 110, 110), lighting: 0.9));
        Assert.True(stages.Gray.Pixels.Min() < 0.3 && stages.Gray.Pixels.Max() > 0.8);
        Assert.InRange(Similarity(stages.Digit.Pixels, Original(3)), 0.85, 1);
    }

    [Fact]
    public void The_crop_is_the_inks_bounding_box_and_every_stage_has_its_documented_size()
    {
        const double scale = 2.5;
        const int left = 20, top = 10;
        var stages = Prepare(RedrawnDigit.Of(0, scale: scale, left: left, top: top));

        // Where the 7's ink (MNIST pixels above one half) lands on the page.
        var original = Original(0);
        var inked = Enumerable.Range(0, 784).Where(i => original[i] > 0.5).ToList();
        var (x0, x1) = (inked.Min(i => i % 28), inked.Max(i => i % 28) + 1);
        var (y0, y1) = (inked.Min(i => i / 28), inked.Max(i => i / 28) + 1);
        Assert.InRange(stages.Box.X, left + x0 * scale - 3, left + x0 * scale + 3);
        Assert.InRange(stages.Box.Y, top + y0 * scale - 3, top + y0 * scale + 3);
        Assert.InRange(stages.Box.Width, (x1 - x0) * scale - 4, (x1 - x0) * scale + 4);
        Assert.InRange(stages.Box.Height, (y1 - y0) * scale - 4, (y1 - y0) * scale + 4);

        Assert.Equal((120, 100), (stages.Gray.Width, stages.Gray.Height));
        Assert.All(stages.Mask.Pixels, v => Assert.True(v is 0 or 1));
        Assert.Equal(20, Math.Max(stages.Scaled.Width, stages.Scaled.Height));
        Assert.Equal((28, 28), (stages.Digit.Width, stages.Digit.Height));
        Assert.All(stages.Digit.Pixels, v => Assert.InRange(v, 0, 1));
        Assert.Equal((28, 28), (stages.Input.GetLength(0), stages.Input.GetLength(1)));   // [row, column], like MnistDataset.Pixels
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
                Assert.Equal((float)stages.Digit[x, y], stages.Input[y, x]);
    }

    [Fact]
    public void Without_centring_the_scaled_box_sits_in_the_middle()
    {
        var stages = Prepare(RedrawnDigit.Of(0), centre: false);
        int left = (28 - stages.Scaled.Width) / 2, top = (28 - stages.Scaled.Height) / 2;
        for (int y = 0; y < stages.Scaled.Height; y++)
            for (int x = 0; x < stages.Scaled.Width; x++)
                Assert.Equal(stages.Scaled[x, y], stages.Digit[left + x, top + y]);
        Assert.Equal(stages.Scaled.Pixels.Sum(), stages.Digit.Pixels.Sum(), 9);
    }

    [Fact]
    public void A_large_picture_is_reduced_to_the_working_size_first()
    {
        var stages = Prepare(RedrawnDigit.Of(2, width: 800, height: 600, scale: 15, left: 200, top: 100));
        Assert.Equal((DigitImage.WorkingSide, 240), (stages.Gray.Width, stages.Gray.Height));
        Assert.InRange(Similarity(stages.Digit.Pixels, Original(2)), 0.85, 1);
    }

    [Fact]
    public void A_page_without_ink_is_refused()
    {
        var blank = RedrawnDigit.Blank();
        var e = Assert.Throws<InvalidDataException>(() => DigitImage.FromRgba(blank.Rgba, blank.Width, blank.Height));
        Assert.Contains("no ink", e.Message);
    }

    [Fact]
    public void Pixels_that_do_not_match_the_size_are_refused() =>
        Assert.Throws<ArgumentException>(() => DigitImage.FromRgba(new byte[10], 2, 2));
}
