using System.Text.Json;
using MnistLeNet.Data;
using MnistLeNet.Model;
using MnistLeNet.Native;
using MnistLeNet.Prediction;
using MnistLeNet.Training;
using MnistLeNet.Tutorial;
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
                    [--recipe classic|fast] [--epochs N] [--batch-size N] [--lr X]
                    [--device auto|cpu|cuda] [--threads N] [--seed N] [--limit N]
                    [--data DIR] [--out FILE] [--json]
          evaluate  Test-set accuracy and loss of a saved model.
                    --model FILE [--data DIR] [--device auto|cpu|cuda] [--json]
          predict   Probabilities for one test image.
                    --model FILE --index N [--data DIR] [--json]
          download  Fetch missing MNIST files into the data folder (checksums verified).
                    [--data DIR] [--mirror DIR]
          info      Show the TorchSharp runtime: version, native fixes, devices.

        Defaults: --recipe classic (the tutorial: 5 epochs, batch 10, SGD momentum, lr 0.001),
        --data the repository's data/mnist, --out mnist.dat, --device auto.
        --json prints one JSON object as the last line.
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
            var runtime = args[0] is "train" or "evaluate" or "predict" or "info" ? initializeTorch() : null;
            var rest = args[1..];
            return args[0] switch
            {
                "train" => Train(Parse("train", rest, ["recipe", "epochs", "batch-size", "lr", "device", "threads", "seed", "limit", "data", "out"]), stdout, stderr),
                "evaluate" => Evaluate(Parse("evaluate", rest, ["model", "data", "device"]), stdout),
                "predict" => Predict(Parse("predict", rest, ["model", "index", "data"]), stdout),
                "download" => Download(Parse("download", rest, ["data", "mirror"], json: false), stdout, stderr),
                "info" => Info(Parse("info", rest, [], json: false), runtime!, stdout),
                _ => throw new UsageException($"unknown command '{args[0]}'"),
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

    static CommandLine Parse(string command, string[] args, string[] valued, bool json = true) =>
        CommandLine.Parse(command, args, new HashSet<string>(valued), json ? new HashSet<string> { "json" } : new HashSet<string>());

    static int Train(CommandLine cl, TextWriter stdout, TextWriter stderr)
    {
        var recipe = cl.Choice("recipe", "classic", "classic", "fast");
        var defaults = TrainingOptions.ForRecipe(recipe);
        var options = (defaults with
        {
            Epochs = cl.Int("epochs", 1, 1000) ?? defaults.Epochs,
            BatchSize = cl.Int("batch-size", 1, 60000) ?? defaults.BatchSize,
            LearningRate = cl.PositiveDouble("lr") ?? defaults.LearningRate,
            Threads = cl.Int("threads", 1, 1024) ?? defaults.Threads,
            Seed = cl.Int("seed", 0) ?? defaults.Seed,
            TrainLimit = cl.Int("limit", 1, 60000) ?? defaults.TrainLimit,
        }).Validated();
        var deviceName = cl.Choice("device", "auto", "auto", "cpu", "cuda");
        var output = cl.String("out") ?? DefaultModelPath;
        bool json = cl.Has("json");

        var device = DeviceChoice.Resolve(deviceName);
        var (train, test) = MnistDataset.LoadTrainAndTest(cl.String("data"));
        using var trainSet = train;
        using var testSet = test;
        using var model = options.CreateModel();
        var trainer = new Trainer(model, options, device);

        stdout.WriteLine($"device: {device.type.ToString().ToLowerInvariant()}, threads: {options.ThreadCount}");
        stdout.WriteLine(RecipeDescription.Describe(options));
        stdout.WriteLine("start training ...");
        using var progress = new ConsoleProgressBar(stderr);
        var history = trainer.Fit(train, test, e =>
        {
            switch (e)
            {
                case BatchProgress p: progress.Show(p.BatchesDone, p.BatchCount, $"epoch {p.Epoch}/{options.Epochs}"); break;
                case BatchLogged or EpochCompleted: progress.Clear(); stdout.WriteLine(e); break;
            }
        });
        progress.Clear();

        stdout.WriteLine($"training images/s: {history.ImagesPerSecond:F0}");
        ModelFile.Save(model, output);
        stdout.WriteLine($"model saved to {output}");
        var trainingChart = TrainingCurves.Chart(history, options.Epochs).SaveHtml(Path.ChangeExtension(output, ".training.html"));
        stdout.WriteLine($"training chart (opens offline in a browser) saved to {trainingChart}");
        var first = Predictor.Predict(model, test, 0);
        WritePrediction(stdout, first);

        if (json)
            WriteJson(stdout, new
            {
                recipe = options.Recipe,
                epochs = options.Epochs,
                batch_size = options.BatchSize,
                device = device.type.ToString().ToLowerInvariant(),
                test_accuracy = history.Epochs.Select(r => Math.Round(r.TestAccuracy, 4)),
                test_loss = history.Epochs.Select(r => Math.Round(r.TestLoss, 4)),
                train_loss = history.Epochs.Select(r => Math.Round(r.TrainLoss, 4)),
                train_images_per_second = Math.Round(history.ImagesPerSecond, 1),
                model = Path.GetFullPath(output),
                training_chart = trainingChart,
                first_test_image = new { label = first.Label, predicted = first.Predicted, probability = first.Confidence },
            });
        return 0;
    }

    static int Evaluate(CommandLine cl, TextWriter stdout)
    {
        var device = DeviceChoice.Resolve(cl.Choice("device", "auto", "auto", "cpu", "cuda"));
        using var model = ModelFile.Load(cl.Required("model"));
        model.to(device);
        using var test = MnistDataset.Load(MnistSplit.Test, cl.String("data"));
        var result = Evaluator.Evaluate(model, test);
        stdout.WriteLine($"test accuracy: {result.Accuracy:P2} ({result.Correct}/{result.Count}), loss: {result.Loss:F4}");
        if (cl.Has("json"))
            WriteJson(stdout, new { model = cl.Required("model"), accuracy = result.Accuracy, loss = result.Loss, correct = result.Correct, count = result.Count });
        return 0;
    }

    static int Predict(CommandLine cl, TextWriter stdout)
    {
        var modelPath = cl.Required("model");
        if (!cl.Has("index")) throw new UsageException("'predict' needs --index");
        int index = cl.Int("index", 0, 9999)!.Value;
        using var model = ModelFile.Load(modelPath);
        using var test = MnistDataset.Load(MnistSplit.Test, cl.String("data"));
        var prediction = Predictor.Predict(model, test, index);
        WritePrediction(stdout, prediction);
        if (cl.Has("json"))
            WriteJson(stdout, new { index, label = prediction.Label, predicted = prediction.Predicted, probabilities = prediction.Probabilities });
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
            file.ReadAndVerify(Path.Combine(dir, file.FileName));
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
        stdout.WriteLine($"data folder: {MnistFiles.DefaultDirectory()}");
        return 0;
    }

    static void WritePrediction(TextWriter stdout, ImagePrediction p)
    {
        stdout.WriteLine($"test image {p.Index}: label {p.Label}, predicted {p.Predicted} with probability {p.Confidence:F5}");
        stdout.WriteLine("probabilities 0-9: [" + string.Join(" ", p.Probabilities.Select(v => v.ToString("0.0000000e+00", System.Globalization.CultureInfo.InvariantCulture))) + "]");
    }

    static void WriteJson(TextWriter stdout, object value) => stdout.WriteLine(JsonSerializer.Serialize(value, Json));
}
