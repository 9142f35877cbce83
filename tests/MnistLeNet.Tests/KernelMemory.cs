using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MnistLeNet.Tests;

/// <summary>
/// Measures the notebook kernel's memory the way a learner uses it: a copy of a notebook whose code
/// cells run <c>passes</c> times in one kernel ("Run All", again and again), the setup cells (those with
/// <c>#r</c> lines) only the first time. After each pass a cell prints the kernel process's working set,
/// measured after a garbage collection that gives the GC's free memory back (see <see cref="Probe"/>). Works for any notebook: nothing depends on its cells.
/// The copy is shortened like every notebook the tests run and run by <see cref="NotebookRun"/> from its scratch folder; the executed copy lands in
/// notebooks/executed/ (NAME.xPASSES.ipynb, or NAME.xPASSES.extra-cell.ipynb).
/// </summary>
public static partial class KernelMemory
{
    const string ProbeText = "kernel working set after pass";

    /// <summary>Runs <paramref name="notebookName"/> (e.g. "04-training") <paramref name="passes"/> times in one kernel,
    /// with <paramref name="extraCell"/> (if given) as its last code cell.</summary>
    public static (NotebookRun Run, IReadOnlyList<long> Mebibytes) Measure(string notebookName, int passes, string? extraCell = null)
    {
        NotebookRun.EnsureNotebookLibraryIsCurrent();
        Directory.CreateDirectory(NotebookRun.ScratchDirectory);
        var run = NotebookRun.Execute(Path.Combine(NotebookRun.NotebookDirectory, notebookName + ".ipynb"), NotebookRun.ScratchDirectory,
            edit: notebook => Repeated(notebook, passes, extraCell), copyName: $"{notebookName}.x{passes}{(extraCell is null ? "" : ".extra-cell")}.ipynb");
        var megabytes = ProbeLine().Matches(run.Text).Select(m => long.Parse(m.Groups[1].Value)).ToList();
        return (run, megabytes);
    }

    /// <summary>The notebook's code cells, <paramref name="passes"/> times (setup cells once), each pass followed by a probe cell.</summary>
    public static JsonObject Repeated(JsonObject notebook, int passes, string? extraCell = null)
    {
        var code = notebook["cells"]!.AsArray().Select(c => c!.AsObject()).Where(c => (string?)c["cell_type"] == "code").ToList();
        var cells = new JsonArray();
        for (int pass = 1; pass <= passes; pass++)
        {
            foreach (var cell in code.Where(c => pass == 1 || !IsSetup(c)))
                cells.Add(Cell(cell["metadata"], Source(cell)));
            if (extraCell is not null) cells.Add(Cell(code[0]["metadata"], extraCell));
            cells.Add(Cell(code[0]["metadata"], Probe(pass)));
        }
        var copy = notebook.DeepClone().AsObject();
        copy["cells"] = cells;
        return copy;
    }

    // What a learner feels is the memory the kernel needs, not what .NET's GC keeps committed for reuse. After a
    // plain full collection the GC kept several times its live heap committed, by amounts that went up and down
    // from pass to pass (see the README, "Memory"), which made this measure flaky. An aggressive collection gives
    // that back, so what is left is the live heap plus native memory (tensors, SkiaSharp, glibc's heaps), which
    // the GC's mode does not touch: a tensor that a rerun leaves behind still counts in full. The finalizers run
    // in between, so that tensors nothing references any more have freed their native memory, as they would in
    // a learner's kernel.
    static string Probe(int pass) => $$"""
        System.GC.Collect();
        System.GC.WaitForPendingFinalizers();
        System.GC.Collect(2, System.GCCollectionMode.Aggressive, blocking: true, compacting: true);
        System.Console.WriteLine($"{{ProbeText}} {{pass}}: {System.Environment.WorkingSet / (1024 * 1024)} MiB");
        """;

    static bool IsSetup(JsonObject cell) => Source(cell).Split('\n').Any(line => line.TrimStart().StartsWith("#r "));

    static string Source(JsonObject cell) => cell["source"] is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)cell["source"] ?? "";

    /// <summary>A code cell with <paramref name="source"/>, not yet run.</summary>
    internal static JsonObject Cell(JsonNode? metadata, string source) => new()
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
