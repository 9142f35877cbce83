using System.Diagnostics;
using System.Text.Json.Nodes;

namespace MnistLeNet.Bench;

/// <summary>One fresh process, timed from its start to its exit by the parent, with the JSON line it printed last.</summary>
public sealed record TimedRun(double WallSeconds, JsonObject Result);

/// <summary>
/// The speedrun as a user runs it: whole processes of the command line (`train --recipe speedrun`: load, train to
/// 99%, save the model and its chart, predict the first test image, exit), each followed by the PyTorch peer's
/// `lenet_speedrun.py` with the same seed, and both timed the same way, from start to exit.
/// </summary>
public static class WholeProcess
{
    /// <summary>The command line as users are told to run it for speed: published, compiled ahead of time (see the README).
    /// Published afresh, so it is never an older build; returns the program's path.</summary>
    public static string PublishCli(string root)
    {
        var output = Path.Combine(root, "artifacts", "mnist-lenet");
        var publish = Run("dotnet", ["publish", Path.Combine(root, "lib", "MnistLeNet.Cli"), "-c", "Release", "-o", output, "-v", "quiet", "-nologo"]);
        if (publish.ExitCode != 0) throw new InvalidOperationException($"dotnet publish of the command line failed ({publish.ExitCode}): {publish.Output}");
        return Path.Combine(output, OperatingSystem.IsWindows() ? "mnist-lenet.exe" : "mnist-lenet");
    }

    /// <summary>`train --recipe speedrun --seed N --json`, its outputs in <paramref name="outDir"/>.</summary>
    public static TimedRun Cli(string cli, string dataDir, string outDir, int seed) =>
        Timed(cli, ["train", "--recipe", "speedrun", "--seed", $"{seed}", "--data", dataDir, "--json", "--out", Path.Combine(outDir, $"speedrun-{seed}.dat")]);

    /// <summary>The peer's lenet_speedrun.py with the same seed (all cores, as the speedrun recipe).</summary>
    public static TimedRun Pytorch(PytorchPeer peer, string dataDir, int seed) =>
        Timed(peer.Python, [peer.SpeedrunScript, "--seed", $"{seed}", "--data", dataDir]);

    static TimedRun Timed(string program, string[] args)
    {
        var clock = Stopwatch.StartNew();
        var (exitCode, output) = Run(program, args);
        var seconds = clock.Elapsed.TotalSeconds;
        if (exitCode != 0) throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', args)} failed ({exitCode}): {output}");
        return new(seconds, JsonNode.Parse(output.Trim().Split('\n')[^1])!.AsObject());
    }

    /// <summary>Runs a program to its end; its standard output, then its standard error.</summary>
    public static (int ExitCode, string Output) Run(string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
