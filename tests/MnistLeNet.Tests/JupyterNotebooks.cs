using System.Text.Json.Nodes;

namespace MnistLeNet.Tests;

/// <summary>
/// Runs the seven notebooks once, in order, as learners get them (without the inserted solutions of
/// <see cref="NotebookRun"/>), through Jupyter's own client (nbconvert with the .NET kernel,
/// registered in a scratch folder), which saves outputs differently from dotnet-repl: display updates
/// never reach the saved file, and compiler warnings are saved as error-coloured stderr.
/// Needs Debian's jupyter-nbconvert and python3-nbclient (see README, "Test").
/// </summary>
public sealed class JupyterNotebooks
{
    public static string ScratchDirectory => Path.Combine(NotebookRun.RepositoryRoot, ".notebook-run-jupyter");

    public IReadOnlyDictionary<string, (string Log, JsonObject? Saved)> Runs { get; }

    public JupyterNotebooks()
    {
        NotebookRun.EnsureNotebookLibraryIsCurrent();
        if (Directory.Exists(ScratchDirectory)) Directory.Delete(ScratchDirectory, recursive: true);
        var kernels = Directory.CreateDirectory(Path.Combine(ScratchDirectory, "jupyter", "kernels")).FullName;
        var (code, stdout, stderr) = ChildProcess.Run("dotnet", ["dotnet-interactive", "jupyter", "install", "--path", kernels],
            NotebookRun.RepositoryRoot, TimeSpan.FromMinutes(2));
        if (code != 0) throw new InvalidOperationException($"could not register the .NET kernel for Jupyter:\n{stdout}{stderr}");
        var environment = new Dictionary<string, string?>
        {
            ["JUPYTER_PATH"] = Path.Combine(ScratchDirectory, "jupyter"),
            ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };
        var runs = new Dictionary<string, (string, JsonObject?)>();
        foreach (var notebook in Directory.GetFiles(NotebookRun.NotebookDirectory, "*.ipynb").Order())
        {
            var copy = NotebookRun.ShortenedCopy(notebook, ScratchDirectory);
            var saved = Path.ChangeExtension(copy, ".saved.ipynb");
            var (exit, output, errors) = ChildProcess.Run("jupyter",
                ["nbconvert", "--to", "notebook", "--execute", copy, "--output", saved, "--ExecutePreprocessor.timeout=900"],
                ScratchDirectory, TimeSpan.FromMinutes(15), environment);
            runs[Path.GetFileNameWithoutExtension(notebook)] = ($"exit code {exit}\n{output}{errors}",
                exit == 0 && File.Exists(saved) ? JsonNode.Parse(File.ReadAllText(saved))!.AsObject() : null);
        }
        Runs = runs;
    }
}
