namespace MnistLeNet.Tests;

/// <summary>The notebooks' calls also run as a .NET 10 file-based app (examples/tutorial.cs), the
/// suggested successor of Polyglot notebooks.</summary>
public class FileBasedAppTests
{
    [Fact]
    public void The_tutorial_runs_as_a_file_based_app()
    {
        var workDir = Directory.CreateDirectory(Path.Combine(NotebookRun.ScratchDirectory, "file-based-app")).FullName;
        var (code, stdout, stderr) = ChildProcess.Run("dotnet", ["run", Path.Combine(NotebookRun.RepositoryRoot, "examples", "tutorial.cs"), "--", "--epochs", "1"],
            workDir, TimeSpan.FromMinutes(5));

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("1 epoch,", stdout);
        Assert.Contains("[validation] epoch 1", stdout);
        Assert.Contains("test image 0: label 7, predicted 7", stdout);
        Assert.True(File.Exists(Path.Combine(workDir, "mnist.training.html")));
    }
}
