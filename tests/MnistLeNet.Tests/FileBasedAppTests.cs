using System.Diagnostics;

namespace MnistLeNet.Tests;

/// <summary>The notebooks' calls also run as a .NET 10 file-based app (examples/tutorial.cs), the
/// suggested successor of Polyglot notebooks.</summary>
public class FileBasedAppTests
{
    [Fact]
    public async Task The_tutorial_runs_as_a_file_based_app()
    {
        var workDir = Directory.CreateDirectory(Path.Combine(NotebookRun.RepositoryRoot, ".notebook-run", "file-based-app")).FullName;
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("run");
        start.ArgumentList.Add(Path.Combine(NotebookRun.RepositoryRoot, "examples", "tutorial.cs"));
        start.Environment["MNIST_LENET_QUICK"] = "1";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);

        Assert.True(process.ExitCode == 0, stdout + await stderr);
        Assert.Contains("QUICK MODE", stdout);
        Assert.Contains("[validation] epoch 1", stdout);
        Assert.Contains("test image 0: label 7, predicted 7", stdout);
        Assert.True(File.Exists(Path.Combine(workDir, "mnist.training.html")));
    }
}
