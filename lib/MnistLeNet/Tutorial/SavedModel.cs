using MnistLeNet.Data;
using MnistLeNet.Model;
using MnistLeNet.Training;
using TorchSharp;

namespace MnistLeNet.Tutorial;

/// <summary>
/// Notebook glue: where the notebooks keep the trained model, and how a notebook that needs one gets it:
/// load the file that notebook 4 (or the CLI) saved, or, when there is none, train a quick
/// model (fast recipe, one epoch, a few seconds) and save it, saying so.
/// </summary>
public static class SavedModel
{
    /// <summary>The file name notebook 4 saves to, in the notebooks folder (like the tutorial's mnist.pdparams).</summary>
    public const string DefaultFileName = "mnist.dat";

    public static LeNet LoadOrTrainQuick(string path, MnistDataset train, MnistDataset test, TextWriter log)
    {
        if (File.Exists(path))
        {
            var model = ModelFile.Load(path);
            log.WriteLine($"Loaded the trained {model.Activation.ToString().ToLowerInvariant()} LeNet from {Path.GetFullPath(path)}.");
            return model;
        }

        var options = TrainingOptions.Fast with { Epochs = 1 };
        log.WriteLine($"No saved model at {Path.GetFullPath(path)} (notebook 4 makes one). Training a quick one instead: {RecipeDescription.Describe(options)} ...");
        var quick = options.CreateModel();
        var history = new Trainer(quick, options).Fit(train, test);
        ModelFile.Save(quick, path);
        log.WriteLine($"Done in {history.Epochs.Sum(e => e.TrainSeconds):F0} s: test accuracy {history.FinalAccuracy:P2}; saved to {Path.GetFullPath(path)}.");
        quick.to(torch.CPU).eval(); // like a loaded model: on the CPU, in evaluation mode
        return quick;
    }
}
