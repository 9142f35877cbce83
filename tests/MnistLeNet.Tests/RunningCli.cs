using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MnistLeNet.Tests;

/// <summary>
/// The built <c>mnist-lenet</c> running as a child of the test process, for what needs a real
/// process: signals, a second process, resource limits. Lines are collected as they come, so a test
/// can wait for a point in the run (no sleeps); every wait is bounded.
/// </summary>
public sealed class RunningCli : IDisposable
{
    static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
    readonly Process _process;
    readonly ConcurrentQueue<string> _lines = new();
    readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiting = [];
    readonly Lock _gate = new();

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "mnist-lenet.dll");
    static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    /// <param name="shellPrefix">Optional bash commands run before the program replaces the shell (e.g. <c>ulimit</c>).</param>
    public RunningCli(string workingDirectory, string[] args, string? shellPrefix = null, IDictionary<string, string>? environment = null)
    {
        var start = shellPrefix is null ? new ProcessStartInfo(Dotnet) : new ProcessStartInfo("bash");
        if (shellPrefix is not null)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add($"{shellPrefix}; exec \"$0\" \"$@\"");
            start.ArgumentList.Add(Dotnet);
        }
        start.ArgumentList.Add(Dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.WorkingDirectory = workingDirectory;
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        start.UseShellExecute = false;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Received(e.Data);
        _process.ErrorDataReceived += (_, e) => Received(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Everything printed so far (stdout and stderr interleaved as they arrived).</summary>
    public string Output => string.Join("\n", _lines);

    void Received(string? line)
    {
        if (line is null) return;
        lock (_gate)
        {
            _lines.Enqueue(line);
            foreach (var (match, seen) in _waiting.Where(w => w.Match(line))) seen.TrySetResult(line);
        }
    }

    /// <summary>Waits until a line containing <paramref name="text"/> is printed.</summary>
    public string WaitForLine(string text)
    {
        TaskCompletionSource<string> seen = new(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } already) return already;
            _waiting.Add((l => l.Contains(text, StringComparison.Ordinal), seen));
        }
        var exited = _process.WaitForExitAsync();
        if (Task.WhenAny(seen.Task, exited).Wait(Patience) && seen.Task.IsCompleted) return seen.Task.Result;
        throw new TimeoutException($"'{text}' never came{(exited.IsCompleted ? $" (exited with {_process.ExitCode})" : "")}. Output:\n{Output}");
    }

    public void Signal(int signal)
    {
        if (kill(_process.Id, signal) != 0) throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed");
    }

    public const int SIGINT = 2, SIGTERM = 15;

    public int WaitForExit()
    {
        if (!_process.WaitForExit(Patience)) throw new TimeoutException($"still running. Output:\n{Output}");
        _process.WaitForExit(); // drains the output
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    [DllImport("libc", SetLastError = true)] static extern int kill(int pid, int signal);
}
