using System.Diagnostics;

namespace MnistLeNet.Tests;

/// <summary>Runs a program to the end and collects its output; kills it, with its children, when it overruns.</summary>
public static class ChildProcess
{
    /// <param name="environment">Variables to set; a null value removes the variable.</param>
    public static (int Code, string Out, string Err) Run(string file, IEnumerable<string> args, string workingDirectory,
        TimeSpan timeout, IDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(key);
            else start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)}: still running after {timeout.TotalMinutes:F0} minutes");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
