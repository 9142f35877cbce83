using System.Text.Json;
using Jint;
using MnistLeNet.Handwriting;
using MnistLeNet.Model;
using MnistLeNet.Prediction;
using MnistLeNet.Training;
using TorchSharp;

namespace MnistLeNet.Tests;

/// <summary>The drawing pad's script (digit-pad.js), run by a JavaScript engine (Jint): its LeNet gives
/// TorchSharp's probabilities, and its preprocessing gives DigitImage's numbers.</summary>
public class DigitPadScriptTests(BrieflyTrainedModel relu) : IClassFixture<BrieflyTrainedModel>
{
    static Engine Script()
    {
        var engine = new Engine();
        engine.Execute(DigitPad.Script);
        return engine;
    }

    static T Run<T>(Engine engine, string expression) =>
        JsonSerializer.Deserialize<T>(engine.Evaluate($"JSON.stringify({expression})").AsString())!;

    [Theory]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.ReLU)]
    public void The_pages_forward_pass_gives_TorchSharps_probabilities_for_100_test_images(Activation activation)
    {
        using var sigmoid = activation == Activation.Sigmoid ? TrainBriefly() : null;
        var model = sigmoid ?? relu.Model;
        const int count = 100;
        var expected = Predictor.Probabilities(model, relu.Test.Images[..count]);
        var engine = Script();
        engine.Execute($"var net = MnistPad.decodeWeights({DigitPad.ModelJson(model)});");

        double worst = 0;
        for (int i = 0; i < count; i++)
        {
            var pixels = relu.Test.Images[i].data<float>().ToArray();
            var probabilities = Run<double[]>(engine, $"MnistPad.forward(net, {JsonSerializer.Serialize(pixels)})");
            Assert.Equal(10, probabilities.Length);
            worst = Math.Max(worst, probabilities.Zip(expected[i], (a, b) => Math.Abs(a - b)).Max());
        }
        Assert.InRange(worst, 0, 1e-4);
        Assert.True(expected.Take(count).Select(p => p.Max()).Average() > 0.5, "a trained model, sure of most answers");
    }

    static LeNet TrainBriefly()
    {
        var options = TrainingOptions.Fast with { Activation = Activation.Sigmoid, Init = InitKind.Paddle, Epochs = 1, TrainLimit = 20000 };
        var model = options.CreateModel();
        new Trainer(model, options, torch.CPU).Fit(Mnist.Train, Mnist.Test.Take(100));
        return model;
    }

    public static TheoryData<string, RedrawnDigit, bool> Pictures => new()
    {
        { "dark ink on paper", RedrawnDigit.Of(0), true },
        { "a clean drawing, as on the pad", RedrawnDigit.Of(7, page: (255, 255, 255), ink: (0, 0, 0), noise: 0, lighting: 0), true },
        { "not centred", RedrawnDigit.Of(0), false },
        { "blue ink, strong shadow", RedrawnDigit.Of(3, width: 150, height: 130, left: 40, top: 30, ink: (40, 60, 170), lighting: 0.8), true },
        { "chalk on a board", RedrawnDigit.Of(4, ink: (230, 230, 230), page: (40, 50, 40)), true },
        { "larger than the working size", RedrawnDigit.Of(9, width: 400, height: 330, scale: 9, left: 100, top: 20), true },
        { "small", RedrawnDigit.Of(1, width: 40, height: 36, scale: 1.2, left: 4, top: 2), true },
    };

    [Theory]
    [MemberData(nameof(Pictures))]
    public void The_pages_preprocessing_gives_the_same_numbers_as_DigitImage(string picture, RedrawnDigit page, bool centre)
    {
        var expected = DigitImage.FromRgba(page.Rgba, page.Width, page.Height, centre);
        var engine = Script();
        engine.SetValue("rgbaText", JsonSerializer.Serialize(page.Rgba.Select(b => (int)b)));
        var actual = Run<JsPrepared>(engine, $$"""
            (function (s) {
              function plain(img) { return { width: img.width, height: img.height, pixels: Array.from(img.pixels) }; }
              return { inverted: s.inverted, threshold: s.threshold, box: [s.box.x, s.box.y, s.box.width, s.box.height],
                       gray: plain(s.gray), background: plain(s.background), ink: plain(s.ink), mask: plain(s.mask),
                       scaled: plain(s.scaled), digit: plain(s.digit) };
            })(MnistPad.prepare(new Uint8ClampedArray(JSON.parse(rgbaText)), {{page.Width}}, {{page.Height}}, {{(centre ? "true" : "false")}}))
            """);

        Assert.Equal(expected.Inverted, actual.inverted);
        Assert.Equal(expected.Threshold, actual.threshold, 12);
        Assert.Equal([expected.Box.X, expected.Box.Y, expected.Box.Width, expected.Box.Height], actual.box);
        foreach (var (name, mine, theirs) in new[] { ("gray", expected.Gray, actual.gray), ("background", expected.Background, actual.background),
                     ("ink", expected.Ink, actual.ink), ("mask", expected.Mask, actual.mask), ("scaled", expected.Scaled, actual.scaled), ("digit", expected.Digit, actual.digit) })
        {
            Assert.True((mine.Width, mine.Height) == (theirs.width, theirs.height), $"{picture}, {name}: {mine} against {theirs.width}×{theirs.height}");
            double worst = mine.Pixels.Zip(theirs.pixels, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst <= 1e-12, $"{picture}, {name}: differs by {worst}");
        }
        Assert.Contains(expected.Digit.Pixels, v => v > 0.5);
    }

    [Fact]
    public void The_pages_preprocessing_says_no_ink_for_a_blank_page()
    {
        var blank = RedrawnDigit.Blank();
        var engine = Script();
        engine.SetValue("rgbaText", JsonSerializer.Serialize(blank.Rgba.Select(b => (int)b)));
        Assert.True(engine.Evaluate($"MnistPad.prepare(new Uint8ClampedArray(JSON.parse(rgbaText)), {blank.Width}, {blank.Height}).noInk").AsBoolean());
        Assert.Throws<InvalidDataException>(() => DigitImage.FromRgba(blank.Rgba, blank.Width, blank.Height));
    }

    [Fact]
    public void The_pad_embeds_the_script_and_the_models_weights_and_works_offline()
    {
        var pad = DigitPad.Create(relu.Model);
        Assert.Contains(DigitPad.Script, pad.Html);
        Assert.Contains(DigitPad.ModelJson(relu.Model), pad.Html);
        Assert.Contains("<canvas class=\"pad\"", pad.Html);
        Assert.DoesNotContain("src=", pad.Html);           // nothing fetched from elsewhere
        Assert.DoesNotContain("http", pad.Html);
        Assert.StartsWith("<!DOCTYPE html>", pad.ToStandaloneHtml());
        Assert.NotEqual(DigitPad.Create(relu.Model).Html, pad.Html);   // two pads in one notebook get their own ids
    }

    sealed record JsImage(int width, int height, double[] pixels);
    sealed record JsPrepared(bool inverted, double threshold, int[] box, JsImage gray, JsImage background, JsImage ink, JsImage mask, JsImage scaled, JsImage digit);
}
