using System.CommandLine;
using MnistLeNet.Data;
using MnistLeNet.Handwriting;
using MnistLeNet.Model;

namespace MnistLeNet.Cli;

/// <summary><c>mnist-lenet pad</c>: the drawing pad for a saved model, as one offline HTML page.</summary>
static class PadCommand
{
    public static Command Create(CliContext cli)
    {
        var modelPath = CliOptions.Model();
        var output = CliOptions.Text("--out", "FILE", "The page to write [default: pad.html].");
        var command = new Command("pad", "Write the drawing pad: draw a digit, see the model's probabilities (an offline page).") { modelPath, output };
        command.SetAction(r =>
        {
            cli.InitializeTorch();
            var (model, page) = (r.GetValue(modelPath)!, r.GetValue(output) ?? "pad.html");
            CliApp.CheckOutputs([($"--out {page}", page)], [("the model", model), .. CliApp.DataFiles(MnistFiles.DefaultDirectory())]);
            using var lenet = ModelFile.Load(model);
            cli.Out.WriteLine($"drawing pad (opens offline in a browser) saved to {DigitPad.Create(lenet).SaveHtml(page)}");
        });
        return command;
    }
}
