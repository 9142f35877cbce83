using System.Text.Json.Nodes;

namespace MnistLeNet.Bench;

/// <summary>
/// The PyTorch reference (shared/peers/pytorch: a private PyTorch install and lenet_bench.py, which
/// runs the same workloads). Reported as missing, never faked, when it is not installed.
/// </summary>
public sealed class PytorchPeer(string folder)
{
    public string Folder { get; } = Path.GetFullPath(folder);
    public string Python => Path.Combine(Folder, "python");
    string Script => Path.Combine(Folder, "lenet_bench.py");
    public string SpeedrunScript => Path.Combine(Folder, "lenet_speedrun.py");

    /// <summary>Null when usable, else why not.</summary>
    public string? Missing =>
        !File.Exists(Script) ? $"{Script} not found" :
        !File.Exists(SpeedrunScript) ? $"{SpeedrunScript} not found" :
        !File.Exists(Python) ? $"{Python} not found" :
        Run("-c", "import torch") is { ExitCode: not 0 } r ? $"PyTorch not installed (run {Path.Combine(Folder, "setup")}): {r.Output.Trim().Split('\n')[^1]}" :
        null;

    /// <summary>Runs lenet_bench.py and returns its JSON line.</summary>
    public JsonObject Bench(string dataDir, string recipe, int epochs, int threads, int limit)
    {
        var result = Run(Script, "--data", dataDir, "--recipe", recipe, "--epochs", $"{epochs}", "--threads", $"{threads}", "--limit", $"{limit}");
        if (result.ExitCode != 0) throw new InvalidOperationException($"PyTorch peer failed ({result.ExitCode}): {result.Output}");
        return JsonNode.Parse(result.Output.Trim().Split('\n')[^1])!.AsObject();
    }

    (int ExitCode, string Output) Run(params string[] args) => WholeProcess.Run(Python, args);
}
