using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MnistLeNet.Tests;

/// <summary>
/// Measures the notebook kernel's memory the way a learner uses it: a copy of a notebook whose code
/// cells run <c>passes</c> times in one kernel ("Run All", again and again), the setup cells (those with
/// <c>#r</c> lines) only the first time. After each pass a cell prints the kernel process's working set,
/// measured after a full garbage collection. Works for any notebook: nothing depends on its cells.
/// The copy is shortened like every notebook the tests run and run by <see cref="NotebookRun"/> from its scratch folder; the executed copy lands in
/// notebooks/executed/ (NAME.xPASSES.ipynb).
/// </summary>
public static partial class KernelMemory
{
    const string ProbeText = "kernel working set after pass";

    /// <summary>Runs <paramref name="notebookName"/> (e.g. "04-training") <paramref name="passes"/> times in one kernel.</summary>
    public static (NotebookRun Run, IReadOnlyList<long> Mebibytes) Measure(string notebookName, int passes)
    {
        NotebookRun.EnsureNotebookLibraryIsCurrent();
        Directory.CreateDirectory(NotebookRun.ScratchDirectory);
        var run = NotebookRun.Execute(Path.Combine(NotebookRun.NotebookDirectory, notebookName + ".ipynb"), NotebookRun.ScratchDirectory,
            edit: notebook => Repeated(notebook, passes), copyName: $"{notebookName}.x{passes}.ipynb");
        var megabytes = ProbeLine().Matches(run.Text).Select(m => long.Parse(m.Groups[1].Value)).ToList();
        return (run, megabytes);
    }

    /// <summary>The notebook's code cells, <paramref name="passes"/> times (setup cells once), each pass followed by a probe cell.</summary>
    public static JsonObject Repeated(JsonObject notebook, int passes)
    {
        var code = notebook["cells"]!.AsArray().Select(c => c!.AsObject()).Where(c => (string?)c["cell_type"] == "code").ToList();
        var cells = new JsonArray();
        for (int pass = 1; pass <= passes; pass++)
        {
            foreach (var cell in code.Where(c => pass == 1 || !IsSetup(c)))
                cells.Add(Cell(cell["metadata"], Source(cell)));
            cells.Add(Cell(code[0]["metadata"], Probe(pass)));
        }
        var copy = notebook.DeepClone().AsObject();
        copy["cells"] = cells;
        return copy;
    }

    // The large-object heap is compacted too, so that what the GC keeps only for reuse is not counted as growth.
    static string Probe(int pass) => $$"""
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        System.GC.Collect();
        System.GC.WaitForPendingFinalizers();
        System.GC.Collect();
        System.Console.WriteLine($"{{ProbeText}} {{pass}}: {System.Environment.WorkingSet / (1024 * 1024)} MiB");
        """;

    static bool IsSetup(JsonObject cell) => Source(cell).Split('\n').Any(line => line.TrimStart().StartsWith("#r "));

    static string Source(JsonObject cell) => cell["source"] is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)cell["source"] ?? "";

    static JsonObject Cell(JsonNode? metadata, string source) => new()
    {
        ["cell_type"] = "code",
        ["execution_count"] = null,
        ["metadata"] = metadata?.DeepClone(),
        ["outputs"] = new JsonArray(),
        ["source"] = source,
    };

    [GeneratedRegex(ProbeText + @" \d+: (\d+) MiB")]
    private static partial Regex ProbeLine();
}
