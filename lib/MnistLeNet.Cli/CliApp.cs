using System.Text.Json;
using MnistLeNet.Data;
using MnistLeNet.Handwriting;
using MnistLeNet.Model;
using MnistLeNet.Native;
using MnistLeNet.Prediction;
using MnistLeNet.Training;
using TorchSharp;

namespace MnistLeNet.Cli;

/// <summary>The command-line program: parses arguments, calls the library, prints results.</summary>
public static class CliApp
{
    public const string DefaultModelPath = "mnist.dat";

    public const string Usage = """
        Usage: mnist-lenet <command> [options]

        Commands:
          train     Train LeNet on MNIST, save it, then predict the first test image.
                    [--recipe classic|fast|speedrun] [--epochs N] [--batch-size N] [--lr X]
                    [--device auto|cpu|cuda] [--threads N] [--seed N] [--limit N]
                    [--data DIR] [--out FILE] [--json]
                    [--resume CHECKPOINT] continues a stopped run (same recipe; --out, --data,
                    --device, --threads and --json may be given)
          evaluate  Test-set accuracy and loss of a saved model.
                    --model FILE [--data DIR] [--device auto|cpu|cuda] [--json]
          predict   Probabilities for one test image, or for your own pictures of digits.
                    --model FILE --index N [--data DIR] [--json]
                    --model FILE --image PATH... [--json]   (image files, or folders of them)
          pad       Write the drawing pad: draw a digit, see the model's probabilities (offline page).
                    --model FILE [--out pad.html]
          download  Fetch missing MNIST files into the data folder (checksums verified).
                    [--data DIR] [--mirror DIR]
          info      Show the TorchSharp runtime: version, native fixes, devices.

        Defaults: --recipe classic (the tutorial: 5 epochs, batch 10, SGD momentum, lr 0.001),
        --recipe speedrun stops when the test accuracy reaches 99% (a benchmark convention),
        --data the repository's data/mnist, --out mnist.dat, --device auto.
        --json prints one JSON object as the last line (NaN or infinite numbers are written
        as null and listed in its "non_finite" field); predict --image --json prints one JSON
        line per image instead. predict --image goes on past pictures it cannot read and
        exits with 1 if there were any.
        Ctrl-C (or SIGTERM; on Windows, Ctrl-Break) during training stops after the current batch,
        saves a checkpoint next to --out (FILE with the extension .checkpoint; one is also saved
        after every epoch) and exits with 130; a second Ctrl-C quits at once.
        """;

    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <returns>0 on success, 1 when the work failed, 2 for a bad command line.</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, stdout, stderr, TorchRuntime.Initialize);

    /// <param name="initializeTorch">Prepares TorchSharp, once, before a command that uses it (tests pass a pretend one).</param>
    internal static int Run(string[] args, TextWriter stdout, TextWriter stderr, Func<TorchRuntimeInfo> initializeTorch)
    {
        try
        {
            if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
            {
                (args.Length == 0 ? stderr : stdout).WriteLine(Usage);
                return args.Length == 0 ? 2 : 0;
            }
            var rest = args[1..];
            var cl = args[0] switch
            {
                "train" => Parse("train", rest, ["recipe", "epochs", "batch-size", "lr", "device", "threads", "seed", "limit", "data", "out", "resume"]),
                "evaluate" => Parse("evaluate", rest, ["model", "data", "device"]),
                "predict" => Parse("predict", rest, ["model", "index", "data"], lists: ["image"]),
                "pad" => Parse("pad", rest, ["model", "out"], json: false),
                "download" => Parse("download", rest, ["data", "mirror"], json: false),
                "info" => Parse("info", rest, [], json: false),
                _ => throw new UsageException($"unknown command '{args[0]}'"),
            };
            if (args[0] == "train") MnistDataset.Prefetch(cl.String("data")); // the files are read while libtorch loads
            var runtime = args[0] is "download" ? null : initializeTorch();
            return args[0] switch
            {
                "train" => Train(cl, stdout, stderr),
                "evaluate" => Evaluate(cl, stdout),
                "predict" => Predict(cl, stdout, stderr),
                "pad" => Pad(cl, stdout),
                "download" => Download(cl, stdout, stderr),
                _ => Info(cl, runtime!, stdout),
            };
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            stderr.WriteLine();
            stderr.WriteLine(Usage);
            return 2;
        }
        catch (Exception e)
        {
            // Whatever went wrong (a damaged file, no GPU, out of memory): one message, no stack trace.
            stderr.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    static CommandLine Parse(string command, string[] args, string[] valued, bool json = true, string[]? lists = null) =>
        CommandLine.Parse(command, args, new HashSet<string>(valued), json ? new HashSet<string> { "json" } : new HashSet<string>(), new HashSet<string>(lists ?? []));

    static int Train(CommandLine cl, TextWriter stdout, TextWriter stderr)
    {
        var resumePath = cl.String("resume");
        if (resumePath is not null && RecipeOptionNames.FirstOrDefault(cl.Has) is { } fixedByCheckpoint)
            throw new UsageException($"--{fixedByCheckpoint} cannot be combined with --resume: a resumed run keeps its recipe");
        var deviceName = cl.Choice("device", "auto", "auto", "cpu", "cuda");
        var output = cl.String("out") ?? DefaultModelPath;
        if (string.IsNullOrWhiteSpace(output)) throw new UsageException("--out needs a file name");
        var chartPath = Path.ChangeExtension(output, ".training.html");
        var checkpointPath = Path.ChangeExtension(output, ".checkpoint");
        if (SamePath(output, checkpointPath)) throw new UsageException($"--out {output}: that name is kept for the checkpoint; choose another");
        var dataDir = cl.String("data") ?? MnistFiles.DefaultDirectory();
        // The checkpoint being resumed is rewritten in place (that is how a run goes on), but no other output may be an input.
        CheckOutputs([($"--out {output}", output), ("the training chart", chartPath)],
            [.. DataFiles(dataDir), .. resumePath is null ? [] : new[] { ("the checkpoint being resumed", resumePath) }]);
        CheckOutputs([("the checkpoint", checkpointPath)], DataFiles(dataDir));
        var checkpoint = resumePath is null ? null : Checkpoint.Load(resumePath);
        var recipe = checkpoint?.Options ?? RecipeOptions(cl);
        var threads = cl.Int("threads", 1, TrainingOptions.MaxThreads);
        var options = recipe with { Threads = threads ?? recipe.Threads };
        // More threads than cores only makes them wait for each other, whether --threads or a checkpoint asks for them.
        if (options.ThreadCount > Environment.ProcessorCount)
        {
            var asked = threads is null ? $"{resumePath} asks for {options.ThreadCount} threads," : $"--threads {threads} is";
            stderr.WriteLine($"warning: {asked} more than the {Environment.ProcessorCount} cores of this machine; using {Environment.ProcessorCount}");
            options = options with { Threads = Environment.ProcessorCount };
        }
        bool json = cl.Has("json");

        var device = DeviceChoice.Resolve(deviceName);
        // Before any work: the outputs must be writable, and no other run may be writing them (the lock lasts until we exit).
        using var modelFile = PendingFile.Reserve(output);
        using var chartFile = PendingFile.Reserve(chartPath);
        PendingFile.Reserve(checkpointPath).Dispose();
        using var signals = new StopSignals(stderr);

        stdout.WriteLine($"device: {device.type.ToString().ToLowerInvariant()}, threads: {options.ThreadCount}");
        stdout.WriteLine(options.Describe());
        var (train, test) = MnistDataset.LoadTrainAndTest(dataDir);
        using var trainSet = train;
        using var testSet = test;
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
            stderr.WriteLine($"To continue: mnist-lenet train --resume {checkpointPath} --out {output}" + (cl.String("data") is { } d ? $" --data {d}" : ""));
            return StopSignals.ExitCode;
        }
        var secondsFromStart = SecondsFromProcessStart();
        progress.Clear();
        if (!signals.Finish())
        {
            // Ctrl-C came during the last batch or after it: stop as promised, the old model untouched.
            stderr.WriteLine($"stopped after the last batch: {output} was not changed." + (checkpointSaved ? $" The finished run is in {checkpointPath}." : ""));
            if (checkpointSaved) stderr.WriteLine($"To save it: mnist-lenet train --resume {checkpointPath} --out {output}" + (cl.String("data") is { } d ? $" --data {d}" : ""));
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
                ? $"The trained model is kept in {checkpointPath}: make room, then 'mnist-lenet train --resume {checkpointPath} --out {output}' writes them."
                : $"The last checkpoint could not be saved either: make room on the disk and train again."), e);
        }
        PendingFile.CommitAll(modelFile, chartFile);
        File.Delete(checkpointPath); // the run is complete: nothing left to resume
        stdout.WriteLine($"model saved to {output}");
        var trainingChart = Path.GetFullPath(chartPath);
        stdout.WriteLine($"training chart (opens offline in a browser) saved to {trainingChart}");
        var first = Predictor.Predict(model, test, 0);
        WritePrediction(stdout, first);

        if (json)
        {
            var numbers = new FiniteJson();
            WriteJson(stdout, new
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
                target_accuracy = options.StopAt?.TargetAccuracy,
                reached_target = options.StopAt is { } stopAt ? stopAt.Reached(history.TrainImages, history.FinalAccuracy) : (bool?)null,
                non_finite = numbers.NonFinite,
            });
        }
        return 0;
    }

    /// <summary>The recipe from --recipe, changed by the other options.</summary>
    static TrainingOptions RecipeOptions(CommandLine cl)
    {
        var recipe = cl.Choice("recipe", "classic", "classic", "fast", "speedrun");
        var defaults = TrainingOptions.ForRecipe(recipe);
        return (defaults with
        {
            Epochs = cl.Int("epochs", 1, TrainingOptions.MaxEpochs) ?? defaults.Epochs,
            BatchSize = cl.Int("batch-size", 1, TrainingOptions.MaxBatchSize) ?? defaults.BatchSize,
            LearningRate = cl.PositiveDouble("lr") ?? defaults.LearningRate,
            Seed = cl.Int("seed", 0) ?? defaults.Seed,
            TrainLimit = cl.Int("limit", 1, TrainingOptions.MaxTrainLimit) ?? defaults.TrainLimit,
        }).Validated();
    }

    /// <summary>Seconds since this process started (the runtime's start-up included).</summary>
    static double SecondsFromProcessStart()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return (DateTime.UtcNow - self.StartTime.ToUniversalTime()).TotalSeconds;
    }

    static readonly string[] RecipeOptionNames = ["recipe", "epochs", "batch-size", "lr", "seed", "limit"];

    /// <summary>The four MNIST files of <paramref name="dataDir"/>, as inputs for <see cref="CheckOutputs"/>.</summary>
    static IEnumerable<(string, string)> DataFiles(string dataDir) =>
        MnistFiles.All.Select(f => ($"the MNIST data file {f.FileName}", Path.Combine(dataDir, f.FileName)));

    /// <summary><see cref="FilePaths.CheckOutputs"/>, as a bad command line.</summary>
    static void CheckOutputs(IReadOnlyList<(string, string)> outputs, IEnumerable<(string, string)> inputs)
    {
        try { FilePaths.CheckOutputs(outputs, inputs); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
    }

    static bool SamePath(string a, string b) => PendingFile.SameTarget(a, b);

    static int Evaluate(CommandLine cl, TextWriter stdout)
    {
        var device = DeviceChoice.Resolve(cl.Choice("device", "auto", "auto", "cpu", "cuda"));
        using var model = ModelFile.Load(cl.Required("model"));
        model.to(device);
        using var test = MnistDataset.Load(MnistSplit.Test, cl.String("data"));
        var result = Evaluator.Evaluate(model, test);
        stdout.WriteLine($"test accuracy: {result.Accuracy:P2} ({result.Correct}/{result.Count}), loss: {result.Loss:F4}");
        if (cl.Has("json"))
        {
            var numbers = new FiniteJson();
            WriteJson(stdout, new
            {
                model = cl.Required("model"),
                accuracy = numbers.Number("accuracy", result.Accuracy),
                loss = numbers.Number("loss", result.Loss),
                correct = result.Correct,
                count = result.Count,
                non_finite = numbers.NonFinite,
            });
        }
        return 0;
    }

    static int Predict(CommandLine cl, TextWriter stdout, TextWriter stderr)
    {
        var modelPath = cl.Required("model");
        if (cl.Has("image"))
        {
            if (cl.Has("index") || cl.Has("data")) throw new UsageException("--image cannot be combined with --index or --data");
            using var imageModel = ModelFile.Load(modelPath);
            return ImagePredictions.Run(imageModel, cl.Strings("image"), cl.Has("json"), stdout, stderr);
        }
        if (!cl.Has("index")) throw new UsageException("'predict' needs --index or --image");
        int index = cl.Int("index", 0, 9999)!.Value;
        using var model = ModelFile.Load(modelPath);
        using var test = MnistDataset.Load(MnistSplit.Test, cl.String("data"));
        var prediction = Predictor.Predict(model, test, index);
        WritePrediction(stdout, prediction);
        if (cl.Has("json"))
        {
            var numbers = new FiniteJson();
            WriteJson(stdout, new
            {
                index,
                label = prediction.Label,
                predicted = prediction.Predicted,
                probabilities = numbers.Numbers("probabilities", prediction.Probabilities.Select(p => (double)p)),
                non_finite = numbers.NonFinite,
            });
        }
        return 0;
    }

    static int Pad(CommandLine cl, TextWriter stdout)
    {
        var output = cl.String("out") ?? "pad.html";
        var modelPath = cl.Required("model");
        CheckOutputs([($"--out {output}", output)], [("the model", modelPath), .. DataFiles(MnistFiles.DefaultDirectory())]);
        using var model = ModelFile.Load(modelPath);
        stdout.WriteLine($"drawing pad (opens offline in a browser) saved to {DigitPad.Create(model).SaveHtml(output)}");
        return 0;
    }

    static int Download(CommandLine cl, TextWriter stdout, TextWriter stderr)
    {
        var dir = cl.String("data") ?? MnistFiles.DefaultDirectory();
        using var bar = new ConsoleProgressBar(stderr);
        var fetched = MnistDownloader.EnsurePresent(dir, cl.String("mirror"),
            progress: new SynchronousProgress<DownloadProgress>(p => bar.Show(p.Bytes, p.TotalBytes ?? 0, p.FileName)));
        bar.Clear();
        foreach (var file in MnistFiles.All)
        {
            var path = Path.Combine(dir, file.FileName);
            if (fetched.Contains(path)) continue; // verified as it was written
            try { file.ReadAndVerify(path); }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{e.Message}\nThis file was already there, so it was not downloaded again: delete {path} and run 'mnist-lenet download' again to fetch a fresh copy.", e);
            }
        }
        stdout.WriteLine(fetched.Count == 0 ? $"all four MNIST files present and verified in {dir}" : $"fetched and verified: {string.Join(", ", fetched)}");
        return 0;
    }

    static int Info(CommandLine _, TorchRuntimeInfo info, TextWriter stdout)
    {
        stdout.WriteLine($"libtorch {info.TorchVersion} (TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version})");
        stdout.WriteLine($"native folder: {info.NativeDirectory ?? "(chosen by TorchSharp)"}");
        if (OperatingSystem.IsLinux())
            stdout.WriteLine(info.HostNeedsPatch
                ? $"host libstdc++ lacks GLIBCXX_3.4.32: libLibTorchSharp.so compatibility patch active ({info.PatchedFiles.Count} file(s) patched now)"
                : "host libstdc++ is new enough: no patch needed");
        stdout.WriteLine($"cuda available: {info.CudaAvailable}");
        if (info.CudaError is not null) stdout.WriteLine($"cuda was wanted (TorchBackend=cuda) but did not initialise: {info.CudaError}");
        stdout.WriteLine($"mps (Apple's GPU) available: {TorchSharp.torch.mps_is_available()}");
        stdout.WriteLine($"data folder: {MnistFiles.DefaultDirectory()}");
        return 0;
    }

    static void WritePrediction(TextWriter stdout, ImagePrediction p)
    {
        stdout.WriteLine($"test image {p.Index}: label {p.Label}, predicted {p.Predicted} with probability {p.Confidence:F5}");
        stdout.WriteLine(ProbabilitiesLine(p.Probabilities));
    }

    /// <summary>"probabilities 0-9: [...]", each in scientific notation (the tutorial's way of printing them).</summary>
    internal static string ProbabilitiesLine(float[] probabilities) =>
        "probabilities 0-9: [" + string.Join(" ", probabilities.Select(v => v.ToString("0.0000000e+00", System.Globalization.CultureInfo.InvariantCulture))) + "]";

    static void WriteJson(TextWriter stdout, object value) => stdout.WriteLine(JsonSerializer.Serialize(value, Json));
}
