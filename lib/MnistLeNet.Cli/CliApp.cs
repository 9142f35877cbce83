using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Text.Json;
using MnistLeNet.Data;
using MnistLeNet.Native;
using MnistLeNet.Prediction;

namespace MnistLeNet.Cli;

/// <summary>Where the commands write, and how they prepare TorchSharp (once, before a command that uses it).</summary>
sealed record CliContext(TextWriter Out, TextWriter Err, Func<TorchRuntimeInfo> InitializeTorch);

/// <summary>The command-line program: parses arguments (System.CommandLine), runs the command, prints results.</summary>
public static class CliApp
{
    public const string DefaultModelPath = "mnist.dat";

    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <returns>0 on success, 1 when the work failed, 2 for a bad command line (130: training stopped by Ctrl-C).</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, stdout, stderr, TorchRuntime.Initialize);

    /// <param name="initializeTorch">Prepares TorchSharp, once, before a command that uses it (tests pass a pretend one).</param>
    internal static int Run(string[] args, TextWriter stdout, TextWriter stderr, Func<TorchRuntimeInfo> initializeTorch)
    {
        var cli = new CliContext(stdout, stderr, initializeTorch);
        var root = new RootCommand("Trains LeNet on MNIST, and evaluates and uses the saved model. 'mnist-lenet COMMAND --help' describes a command.")
        {
            TrainCommand.Create(cli), EvaluateCommand.Create(cli), PredictCommand.Create(cli),
            PadCommand.Create(cli), DownloadCommand.Create(cli), InfoCommand.Create(cli),
        };
        root.HelpName = "mnist-lenet"; // not the host's name (dotnet, testhost)
        if (args is ["help", .. var topic]) args = [.. topic, "--help"];
        Command command = root;
        try
        {
            var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null }); // "@name" is a file name, not a response file
            command = parsed.CommandResult.Command;
            if (args.Length == 0) throw new UsageException($"no command given; the commands are {string.Join(", ", root.Subcommands.Select(c => c.Name))}");
            if (parsed.Action is ParseErrorAction) throw new UsageException(FirstError(parsed));
            // Exceptions reach the handlers below; Ctrl-C is StopSignals' (training saves a checkpoint first).
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        }
        catch (UsageException e)
        {
            var name = command == root ? "mnist-lenet" : $"mnist-lenet {command.Name}";
            stderr.WriteLine($"error: {e.Message}");
            stderr.WriteLine($"Usage: {name} {(command == root ? "<command>" : "[options]")} ('{name} --help' says more)");
            return 2;
        }
        catch (Exception e)
        {
            // Whatever went wrong (a damaged file, no GPU, out of memory): one message, no stack trace.
            stderr.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    /// <summary>The first thing wrong with the command line, naming the culprit.</summary>
    static string FirstError(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        // A bad value first: it says more than a missing option.
        if (parsed.UnmatchedTokens is not [var token, ..]) return parsed.Errors.OrderBy(e => e.SymbolResult is not OptionResult { Tokens.Count: > 0 }).First().Message;
        if (token.StartsWith('-')) return $"unknown option {token}" + (command is RootCommand ? "" : $" for '{command.Name}'");
        return command is RootCommand ? $"unknown command '{token}'" : $"unexpected argument '{token}' for '{command.Name}'";
    }

    /// <summary>The four MNIST files of <paramref name="dataDir"/>, as inputs for <see cref="CheckOutputs"/>.</summary>
    internal static IEnumerable<(string, string)> DataFiles(string dataDir) =>
        MnistFiles.All.Select(f => ($"the MNIST data file {f.FileName}", Path.Combine(dataDir, f.FileName)));

    /// <summary><see cref="FilePaths.CheckOutputs"/>, as a bad command line.</summary>
    internal static void CheckOutputs(IReadOnlyList<(string, string)> outputs, IEnumerable<(string, string)> inputs)
    {
        try { FilePaths.CheckOutputs(outputs, inputs); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
    }

    internal static void WritePrediction(TextWriter stdout, ImagePrediction p)
    {
        stdout.WriteLine($"test image {p.Index}: label {p.Label}, predicted {p.Predicted} with probability {p.Confidence:F5}");
        stdout.WriteLine(ProbabilitiesLine(p.Probabilities));
    }

    /// <summary>"probabilities 0-9: [...]", each in scientific notation (the tutorial's way of printing them).</summary>
    internal static string ProbabilitiesLine(float[] probabilities) =>
        "probabilities 0-9: [" + string.Join(" ", probabilities.Select(v => v.ToString("0.0000000e+00", System.Globalization.CultureInfo.InvariantCulture))) + "]";

    internal static void WriteJson(TextWriter stdout, object value) => stdout.WriteLine(JsonSerializer.Serialize(value, Json));
}
