using System.CommandLine;
using MnistLeNet.Data;
using MnistLeNet.Model;
using MnistLeNet.Prediction;

namespace MnistLeNet.Cli;

/// <summary><c>mnist-lenet predict</c>: the probabilities a saved model gives one test image, or your own pictures.</summary>
static class PredictCommand
{
    public static Command Create(CliContext cli)
    {
        Option<string> modelPath = CliOptions.Model(), data = CliOptions.Data();
        var index = CliOptions.Int("--index", 0, 9999, "The test image to predict.");
        var images = new Option<string[]>("--image")
        {
            HelpName = "PATH", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = true,
            Description = "Picture files, or folders of them, instead of a test image. A picture that cannot be read gets its own error, " +
                          "the others are still predicted, and the exit code is then 1.",
        };
        var json = CliOptions.Json("one JSON object as the last line (with --image: one JSON line per picture)");
        var command = new Command("predict", "Probabilities for one test image, or for your own pictures of digits.") { modelPath, index, data, images, json };
        command.Validators.Add(r =>
        {
            if (r.Given(images) && (r.Given(index) || r.Given(data))) r.AddError("--image cannot be combined with --index or --data");
            else if (!r.Given(images) && !r.Given(index)) r.AddError("'predict' needs --index or --image");
        });
        command.SetAction(r =>
        {
            cli.InitializeTorch();
            using var model = ModelFile.Load(r.GetValue(modelPath)!);
            if (r.GetValue(images) is { Length: > 0 } paths) return ImagePredictions.Run(model, paths, r.GetValue(json), cli.Out, cli.Err);
            var test = MnistDataset.Load(MnistSplit.Test, r.GetValue(data));
            var prediction = Predictor.Predict(model, test, r.GetValue(index)!.Value);
            CliApp.WritePrediction(cli.Out, prediction);
            if (!r.GetValue(json)) return 0;
            var numbers = new FiniteJson();
            CliApp.WriteJson(cli.Out, new
            {
                index = prediction.Index,
                label = prediction.Label,
                predicted = prediction.Predicted,
                probabilities = numbers.Numbers("probabilities", prediction.Probabilities.Select(p => (double)p)),
                non_finite = numbers.NonFinite,
            });
            return 0;
        });
        return command;
    }
}
