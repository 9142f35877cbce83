using System.CommandLine;
using MnistLeNet.Data;
using MnistLeNet.Model;
using MnistLeNet.Prediction;
using MnistLeNet.Training;

namespace MnistLeNet.Cli;

/// <summary><c>mnist-lenet train</c>: trains a recipe (or resumes a stopped run), saves the model and its chart, predicts the first test image.</summary>
sealed class TrainCommand(CliContext cli)
{
    readonly Option<string> _recipe = CliOptions.Choice("--recipe", "classic",
        "classic: the tutorial (5 epochs, batch 10, SGD momentum, lr 0.001); fast: ReLU, Adam, batch 64; speedrun: stops at 99% test accuracy.",
        "classic", "fast", "speedrun");
    readonly Option<int?> _epochs = CliOptions.Int("--epochs", 1, TrainingOptions.MaxEpochs, "Passes over the training images [default: the recipe's].");
    readonly Option<int?> _batchSize = CliOptions.Int("--batch-size", 1, TrainingOptions.MaxBatchSize, "Images per step [default: the recipe's].");
    readonly Option<double?> _lr = CliOptions.PositiveNumber("--lr", "Learning rate [default: the recipe's].");
    readonly Option<int?> _seed = CliOptions.Int("--seed", 0, int.MaxValue, "Seed of the initial weights and the shuffling [default: 1].");
    readonly Option<int?> _limit = CliOptions.Int("--limit", 1, TrainingOptions.MaxTrainLimit, "Train on the first N training images only.");
    readonly Option<string> _device = CliOptions.Device();
    readonly Option<int?> _threads = CliOptions.Int("--threads", 1, TrainingOptions.MaxThreads, "Torch threads (at most the cores) [default: the recipe's].");
    readonly Option<string> _data = CliOptions.Data();
    readonly Option<string> _out = CliOptions.Text("--out", "FILE",
        $"The model to save [default: {CliApp.DefaultModelPath}]; its training chart goes next to it (FILE.training.html), and the checkpoint while it trains (FILE.checkpoint).");
    readonly Option<string> _resume = CliOptions.Text("--resume", "CHECKPOINT",
        "Continue a stopped run, with its recipe (--out, --data, --device, --threads and --json may be given).");
    readonly Option<bool> _json = CliOptions.Json();

    public static Command Create(CliContext cli) => new TrainCommand(cli).Build();

    Command Build()
    {
        var command = new Command("train", "Train LeNet on MNIST, save it, then predict the first test image. Ctrl-C (or SIGTERM; on Windows, " +
            "Ctrl-Break) stops after the current batch, saves a checkpoint next to --out and exits with 130; a second Ctrl-C quits at once.")
        {
            _recipe, _epochs, _batchSize, _lr, _seed, _limit, _device, _threads, _data, _out, _resume, _json,
        };
        Option[] fixedByCheckpoint = [_recipe, _epochs, _batchSize, _lr, _seed, _limit];
        command.Validators.Add(r =>
        {
            if (r.Given(_resume) && fixedByCheckpoint.FirstOrDefault(r.Given) is { } option)
                r.AddError($"{option.Name} cannot be combined with --resume: a resumed run keeps its recipe");
        });
        _out.Validators.Add(r =>
        {
            var output = r.GetValueOrDefault<string>();
            if (string.IsNullOrWhiteSpace(output)) r.AddError("--out needs a file name");
            else if (PendingFile.SameTarget(output, Path.ChangeExtension(output, ".checkpoint")))
                r.AddError($"--out {output}: that name is kept for the checkpoint; choose another");
        });
        command.SetAction(Run);
        return command;
    }

    int Run(ParseResult r)
    {
        MnistPrefetch.Start(r.GetValue(_data)); // the files are read while libtorch loads
        cli.InitializeTorch();
        var (stdout, stderr) = (cli.Out, cli.Err);
        var resumePath = r.GetValue(_resume);
        var output = r.GetValue(_out) ?? CliApp.DefaultModelPath;
        var chartPath = Path.ChangeExtension(output, ".training.html");
        var checkpointPath = Path.ChangeExtension(output, ".checkpoint");
        var dataDir = r.GetValue(_data) ?? MnistFiles.DefaultDirectory();
        var resumeCommand = $"mnist-lenet train --resume {checkpointPath} --out {output}" + (r.GetValue(_data) is { } d ? $" --data {d}" : "");
        // The checkpoint being resumed is rewritten in place (that is how a run goes on), but no other output may be an input.
        CliApp.CheckOutputs([($"--out {output}", output), ("the training chart", chartPath)],
            [.. CliApp.DataFiles(dataDir), .. resumePath is null ? [] : new[] { ("the checkpoint being resumed", resumePath) }]);
        CliApp.CheckOutputs([("the checkpoint", checkpointPath)], CliApp.DataFiles(dataDir));
        var checkpoint = resumePath is null ? null : Checkpoint.Load(resumePath);
        var recipe = checkpoint?.Options ?? Recipe(r);
        var threads = r.GetValue(_threads);
        var options = recipe with { Threads = threads ?? recipe.Threads };
        // More threads than cores only makes them wait for each other, whether --threads or a checkpoint asks for them.
        if (options.ThreadCount > Environment.ProcessorCount)
        {
            var asked = threads is null ? $"{resumePath} asks for {options.ThreadCount} threads," : $"--threads {threads} is";
            stderr.WriteLine($"warning: {asked} more than the {Environment.ProcessorCount} cores of this machine; using {Environment.ProcessorCount}");
            options = options with { Threads = Environment.ProcessorCount };
        }
        bool json = r.GetValue(_json);

        var device = DeviceChoice.Resolve(r.GetValue(_device)!);
        // Before any work: the outputs must be writable, and no other run may be writing them (the lock lasts until we exit).
        using var modelFile = PendingFile.Reserve(output);
        using var chartFile = PendingFile.Reserve(chartPath);
        PendingFile.Reserve(checkpointPath).Dispose();
        using var signals = new StopSignals(stderr);

        stdout.WriteLine($"device: {device.type.ToString().ToLowerInvariant()}, threads: {options.ThreadCount}");
        stdout.WriteLine(options.Describe());
        var (train, test) = MnistDataset.LoadTrainAndTest(dataDir);
        using var model = options.CreateModel();
        var trainer = new Trainer(model, options, device) { CheckpointPath = checkpointPath };

        stdout.WriteLine(checkpoint is null ? "start training ..." : $"resuming from {resumePath} at epoch {checkpoint.Epoch}, batch {checkpoint.Batch} ...");
        using var progress = new ConsoleProgressBar(stderr);
        bool checkpointSaved = true; // the last end-of-epoch checkpoint
        void OnEvent(TrainingEvent e)
        {
            switch (e)
            {
                case BatchProgress p: progress.Show(p.BatchesDone, p.BatchCount, $"epoch {p.Epoch}/{options.Epochs}"); break;
                case BatchLogged or EpochCompleted or TestChecked or TargetReached: progress.Clear(); stdout.WriteLine(e); break;
                case CheckpointNotSaved: progress.Clear(); stderr.WriteLine(e); checkpointSaved = false; break;
            }
        }
        TrainingHistory history;
        try
        {
            history = checkpoint is null
                ? trainer.Fit(train, test, OnEvent, signals.Token)
                : trainer.Resume(checkpoint, train, test, OnEvent, signals.Token);
        }
        catch (TrainingStoppedException stopped)
        {
            progress.Clear();
            stderr.WriteLine($"{stopped.Message}; {output} was not changed.");
            stderr.WriteLine($"To continue: {resumeCommand}");
            return StopSignals.ExitCode;
        }
        var secondsFromStart = SecondsFromProcessStart();
        progress.Clear();
        if (!signals.Finish())
        {
            // Ctrl-C came during the last batch or after it: stop as promised, the old model untouched.
            stderr.WriteLine($"stopped after the last batch: {output} was not changed." + (checkpointSaved ? $" The finished run is in {checkpointPath}." : ""));
            if (checkpointSaved) stderr.WriteLine($"To save it: {resumeCommand}");
            return StopSignals.ExitCode;
        }
        if (history.DivergedTrainLoss is { } diverged)
            stderr.WriteLine($"warning: training diverged: the mean training loss reached {diverged:G3} (guessing at random gives {Math.Log(MnistDataset.NumClasses):F2}) " +
                             $"and the test accuracy is {history.FinalAccuracy:P1}; the model is saved all the same. Try a smaller learning rate (--lr, now {options.LearningRate}).");

        stdout.WriteLine($"training images/s: {history.ImagesPerSecond:F0}");
        stdout.WriteLine($"trained on {history.TrainImages} images; training ended {secondsFromStart:F2} s after the process started");
        // The model and its chart are replaced together, or not at all.
        var chart = history.CurvesChart(options.Epochs);
        try
        {
            modelFile.Write(stream => ModelFile.Write(model, stream));
            chartFile.Write(AtomicFile.Utf8(chart.ToStandaloneHtml()));
        }
        catch (Exception e) when (e is IOException or ArgumentException)
        {
            throw new IOException($"could not write {output} and {chartPath} ({e.Message}); both are unchanged. " + (checkpointSaved
                ? $"The trained model is kept in {checkpointPath}: make room, then '{resumeCommand}' writes them."
                : $"The last checkpoint could not be saved either: make room on the disk and train again."), e);
        }
        PendingFile.CommitAll(modelFile, chartFile);
        File.Delete(checkpointPath); // the run is complete: nothing left to resume
        stdout.WriteLine($"model saved to {output}");
        var trainingChart = Path.GetFullPath(chartPath);
        stdout.WriteLine($"training chart (opens offline in a browser) saved to {trainingChart}");
        var first = Predictor.Predict(model, test, 0);
        CliApp.WritePrediction(stdout, first);

        if (json)
        {
            var numbers = new FiniteJson();
            CliApp.WriteJson(stdout, new
            {
                recipe = options.Recipe,
                epochs = options.Epochs,
                batch_size = options.BatchSize,
                device = device.type.ToString().ToLowerInvariant(),
                test_accuracy = numbers.Numbers("test_accuracy", history.Epochs.Select(r => Math.Round(r.TestAccuracy, 4))),
                test_loss = numbers.Numbers("test_loss", history.Epochs.Select(r => Math.Round(r.TestLoss, 4))),
                train_loss = numbers.Numbers("train_loss", history.Epochs.Select(r => Math.Round(r.TrainLoss, 4))),
                train_images_per_second = numbers.Number("train_images_per_second", Math.Round(history.ImagesPerSecond, 1)),
                model = Path.GetFullPath(output),
                training_chart = trainingChart,
                first_test_image = new { label = first.Label, predicted = first.Predicted, probability = numbers.Number("first_test_image.probability", first.Confidence) },
                train_images = history.TrainImages,
                seconds_from_process_start = Math.Round(secondsFromStart, 3),
                target_accuracy = options.EarlyStop?.TargetAccuracy,
                reached_target = options.EarlyStop is { } stopAt ? stopAt.Reached(history.TrainImages, history.FinalAccuracy) : (bool?)null,
                non_finite = numbers.NonFinite,
            });
        }
        return 0;
    }

    /// <summary>The recipe from --recipe, changed by the other options.</summary>
    TrainingOptions Recipe(ParseResult r)
    {
        var defaults = TrainingOptions.ForRecipe(r.GetValue(_recipe)!);
        return (defaults with
        {
            Epochs = r.GetValue(_epochs) ?? defaults.Epochs,
            BatchSize = r.GetValue(_batchSize) ?? defaults.BatchSize,
            LearningRate = r.GetValue(_lr) ?? defaults.LearningRate,
            Seed = r.GetValue(_seed) ?? defaults.Seed,
            TrainLimit = r.GetValue(_limit) ?? defaults.TrainLimit,
        }).Validated();
    }

    /// <summary>Seconds since this process started (the runtime's start-up included).</summary>
    static double SecondsFromProcessStart()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return (DateTime.UtcNow - self.StartTime.ToUniversalTime()).TotalSeconds;
    }
}
