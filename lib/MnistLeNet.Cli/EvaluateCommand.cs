using System.CommandLine;
using MnistLeNet.Data;
using MnistLeNet.Model;
using MnistLeNet.Prediction;
using MnistLeNet.Training;
using TorchSharp;

namespace MnistLeNet.Cli;

/// <summary><c>mnist-lenet evaluate</c>: a saved model's accuracy and loss on the test set.</summary>
static class EvaluateCommand
{
    public static Command Create(CliContext cli)
    {
        Option<string> modelPath = CliOptions.Model(), data = CliOptions.Data(), device = CliOptions.Device();
        var json = CliOptions.Json();
        var command = new Command("evaluate", "Test-set accuracy and loss of a saved model.") { modelPath, data, device, json };
        command.SetAction(r =>
        {
            cli.InitializeTorch();
            var target = DeviceChoice.Resolve(r.GetValue(device)!);
            using var model = ModelFile.Load(r.GetValue(modelPath)!);
            model.to(target);
            var test = MnistDataset.Load(MnistSplit.Test, r.GetValue(data));
            var result = Evaluator.Evaluate(model, test);
            cli.Out.WriteLine($"test accuracy: {result.Accuracy:P2} ({result.Correct}/{result.Count}), loss: {result.Loss:F4}");
            if (!r.GetValue(json)) return 0;
            var numbers = new FiniteJson();
            CliApp.WriteJson(cli.Out, new
            {
                model = r.GetValue(modelPath),
                accuracy = numbers.Number("accuracy", result.Accuracy),
                loss = numbers.Number("loss", result.Loss),
                correct = result.Correct,
                count = result.Count,
                non_finite = numbers.NonFinite,
            });
            return 0;
        });
        return command;
    }
}
