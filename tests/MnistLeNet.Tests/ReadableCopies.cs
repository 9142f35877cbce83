using System.Text.Json.Nodes;

namespace MnistLeNet.Tests;

/// <summary>The readable copies of the notebooks in docs/notebooks/, made by tools/readable-notebooks.cs.</summary>
public static class ReadableCopies
{
    public const string RefreshCommand = "dotnet run tools/readable-notebooks.cs";

    public static string Folder => Path.Combine(NotebookRun.RepositoryRoot, "docs", "notebooks");

    /// <summary>The copy of notebook <paramref name="name"/> ("04-training"), or a failure that says how to make it.</summary>
    public static JsonObject Load(string name)
    {
        var path = Path.Combine(Folder, name + ".ipynb");
        Assert.True(File.Exists(path), $"docs/notebooks/{name}.ipynb is missing: run `{RefreshCommand}`");
        return JsonNode.Parse(File.ReadAllText(path))!.AsObject();
    }

    public static IEnumerable<JsonObject> Cells(JsonObject notebook) => notebook["cells"]!.AsArray().Select(c => c!.AsObject());

    public static IEnumerable<JsonObject> Outputs(JsonObject notebook) =>
        Cells(notebook).SelectMany(c => c["outputs"]?.AsArray() ?? []).Select(o => o!.AsObject());

    /// <summary>Everything the copy's outputs print or show as text, in order.</summary>
    public static string Text(JsonObject notebook) => NotebookRun.TextOf(Outputs(notebook));

    /// <summary>Fails with the refresh command unless <paramref name="copy"/> ("04-training") shows <paramref name="line"/>.</summary>
    public static void AssertShows(string copy, string line, string what)
    {
        var text = Text(Load(copy));
        Assert.True(text.Split('\n').Contains(line),
            $"docs/notebooks/{copy}.ipynb is stale: the current code gives {what} as\n  {line}\nbut the copy shows\n  " +
            string.Join("\n  ", text.Split('\n').Where(l => Similar(l, line))) + $"\nRefresh the copies with `{RefreshCommand}`.");
    }

    // Lines that start like the expected one (its first two words), to show what the copy has instead.
    static bool Similar(string line, string expected) =>
        line.StartsWith(string.Join(' ', expected.Split(' ').Take(2)), StringComparison.Ordinal);
}
