using System.Text.Json.Nodes;

namespace MnistLeNet.Tests;

/// <summary>
/// Executes the tutorial notebooks with Microsoft's own notebook kernel (dotnet-interactive, driven
/// headless by dotnet-repl, both pinned in .config/dotnet-tools.json), the kernel VS Code and
/// Jupyter run. Each notebook runs as a copy in a scratch folder beside notebooks/ (so its relative
/// <c>#r "../lib/..."</c> works and a saved model never lands in the learner's folder), shortened by
/// <see cref="Shortened"/>: the tests rewrite the learner's knobs in the copy, so no test setting appears
/// in a learner's cell. The copy also holds the exercises' worked solutions, each inserted as a code cell
/// after the exercise (<see cref="Exercises.WithSolutions"/>), so every solution runs too; <see cref="Text"/> and
/// <see cref="Html"/> leave their outputs out (see <see cref="SolutionText"/>). Executed copies are written to
/// notebooks/executed/ (ignored by git).
/// </summary>
public sealed class NotebookRun
{
    public static string RepositoryRoot { get; } = FindRoot();
    public static string NotebookDirectory => Path.Combine(RepositoryRoot, "notebooks");
    public static string ScratchDirectory => Path.Combine(RepositoryRoot, ".notebook-run");
    public static string ExecutedDirectory => Path.Combine(NotebookDirectory, "executed");

    /// <summary>The library the notebooks' <c>#r</c> line loads.</summary>
    public static string NotebookLibraryPath => Path.Combine(RepositoryRoot, "lib", "MnistLeNet", "bin", "Release", "net10.0", "MnistLeNet.dll");

    public string Name { get; }
    public int ExitCode { get; }
    public string Log { get; }
    public JsonObject? Executed { get; }

    NotebookRun(string name, int exitCode, string log, JsonObject? executed) => (Name, ExitCode, Log, Executed) = (name, exitCode, log, executed);

    /// <summary>What the tests change in a notebook's copy to keep it short: (notebook, text, replacement).
    /// Notebook 4's knobs cell trains for 5 epochs, one is enough to check every cell; notebook 7's speedrun gets a tenth of its budget.</summary>
    public static readonly IReadOnlyList<(string Notebook, string Find, string Replace)> Shortened =
    [
        ("04-training.ipynb", "int epochs = 5;", "int epochs = 1;"),
        ("07-speedrun.ipynb", "int budget = 100_000;", "int budget = 10_000;"),   // the speedrun: its cells, not its result
    ];

    /// <summary>A copy of <paramref name="notebookPath"/> in <paramref name="directory"/> with <see cref="Shortened"/>'s edits
    /// (each must match exactly once, so a reworded knob cannot silently make the tests slow) and <paramref name="edit"/> applied,
    /// named <paramref name="copyName"/> (default: the notebook's own name).</summary>
    public static string ShortenedCopy(string notebookPath, string directory, Func<JsonObject, JsonObject>? edit = null, string? copyName = null)
    {
        var name = Path.GetFileName(notebookPath);
        var text = File.ReadAllText(notebookPath);
        foreach (var (notebook, find, replace) in Shortened.Where(s => s.Notebook == name))
        {
            int count = text.Split(find).Length - 1;
            if (count != 1) throw new InvalidOperationException($"{name}: expected '{find}' once, found it {count} times");
            text = text.Replace(find, replace);
        }
        if (edit is not null) text = edit(JsonNode.Parse(text)!.AsObject()).ToJsonString();
        var copy = Path.Combine(directory, copyName ?? name);
        File.WriteAllText(copy, text);
        CopyImages(directory);
        return copy;
    }

    /// <summary>The pictures notebook 6 reads from its folder's <c>images/</c>, beside the copies.</summary>
    static void CopyImages(string directory)
    {
        var target = Directory.CreateDirectory(Path.Combine(directory, "images")).FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(NotebookDirectory, "images")))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
    }

    /// <summary>Runs a shortened copy of <paramref name="notebookPath"/> (see <see cref="ShortenedCopy"/>, written to the
    /// scratch folder) from <paramref name="workingDirectory"/> with the stock kernel.</summary>
    public static NotebookRun Execute(string notebookPath, string workingDirectory, IDictionary<string, string>? environment = null,
        Func<JsonObject, JsonObject>? edit = null, string? copyName = null)
    {
        Directory.CreateDirectory(ExecutedDirectory);
        var name = copyName ?? Path.GetFileName(notebookPath);
        var output = Path.Combine(ExecutedDirectory, name);
        File.Delete(output);
        Directory.CreateDirectory(ScratchDirectory);
        notebookPath = ShortenedCopy(notebookPath, ScratchDirectory, edit, copyName); // run from workingDirectory, which relative #r paths resolve against
        var variables = new Dictionary<string, string?>
        {
            ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1", // numbers print the same on every machine
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) variables[key] = value;
        var (code, stdout, stderr) = ChildProcess.Run("dotnet", ["repl", "--run", notebookPath, "--exit-after-run", "--output-path", output],
            workingDirectory, TimeSpan.FromMinutes(10), variables);
        var executed = File.Exists(output) ? JsonNode.Parse(File.ReadAllText(output))!.AsObject() : null;
        return new NotebookRun(name, code, stdout + stderr, executed);
    }

    IEnumerable<JsonObject> CodeCells =>
        (Executed?["cells"]?.AsArray() ?? []).Select(c => c!.AsObject()).Where(c => (string?)c["cell_type"] == "code");

    static IEnumerable<JsonObject> OutputsOf(JsonObject cell) => cell["outputs"]!.AsArray().Select(o => o!.AsObject());

    static bool IsSolution(JsonObject cell, string exercise = "") =>
        Join(cell["source"]!).StartsWith(Exercises.SolutionMarker + exercise, StringComparison.Ordinal);

    /// <summary>Every output of the notebook's own code cells (not the inserted solutions), in order.</summary>
    public IEnumerable<JsonObject> Outputs => CodeCells.Where(c => !IsSolution(c)).SelectMany(OutputsOf);

    /// <summary>All text the notebook's own cells printed or displayed as text/plain.</summary>
    public string Text => TextOf(Outputs);

    /// <summary>All text printed by the inserted solution of exercise <paramref name="exercise"/> ("3.2").</summary>
    public string SolutionText(string exercise) => TextOf(CodeCells.Where(c => IsSolution(c, exercise + " ")).SelectMany(OutputsOf));

    /// <summary>The text/html outputs of the notebook's own cells.</summary>
    public IEnumerable<string> Html => Outputs.Select(o => o["data"]?["text/html"]).OfType<JsonNode>().Select(Join);

    /// <summary>Error outputs (ename: evalue) of every cell, solutions included, which make a notebook fail.</summary>
    public IEnumerable<string> Errors => CodeCells.SelectMany(OutputsOf).Where(o => (string?)o["output_type"] == "error")
        .Select(o => $"{o["ename"]}: {o["evalue"]}");

    /// <summary>All text the outputs print or show as text/plain, in order (also used for the readable copies).</summary>
    internal static string TextOf(IEnumerable<JsonObject> outputs) => string.Join("\n", outputs.Select(o =>
        o["text"] is { } text ? Join(text) : o["data"]?["text/plain"] is { } plain ? Join(plain) : ""));

    public override string ToString() => $"{Name}: exit code {ExitCode}\n{string.Join("\n", Errors)}\n{Log}";

    /// <summary>A notebook's multi-line string (an array of lines, or one string) as one string.</summary>
    internal static string Join(JsonNode node) => node is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)node ?? "";

    /// <summary>
    /// The notebooks load lib/MnistLeNet/bin/Release/net10.0/MnistLeNet.dll; make sure that is the
    /// library these tests were built with, not a stale one (e.g. when the tests run in Debug).
    /// </summary>
    public static void EnsureNotebookLibraryIsCurrent()
    {
        var path = NotebookLibraryPath;
        var tested = typeof(MnistLeNet.Model.LeNet).Module.ModuleVersionId;
        Guid built = Guid.Empty;
        if (File.Exists(path))
        {
            using var pe = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(path));
            var metadata = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
            built = metadata.GetGuid(metadata.GetModuleDefinition().Mvid);
        }
        if (built != tested)
            throw new InvalidOperationException(
                $"{path} is missing or is not the library under test: run the tests in Release (dotnet test Notebooks.sln -c Release).");
    }

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Notebooks.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Notebooks.sln not found above " + AppContext.BaseDirectory);
    }
}
