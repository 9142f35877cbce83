using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MnistLeNet.Tests;

/// <summary>
/// The exercises written in the notebooks' markdown. Each starts with a heading
/// <c>### Exercise N.M (kind) · title</c> and has two collapsed blocks, <c>&lt;details&gt;&lt;summary&gt;Hint&lt;/summary&gt;</c>
/// and <c>&lt;details&gt;&lt;summary&gt;Solution&lt;/summary&gt;</c>; the solution's code is in <c>```csharp</c> blocks inside
/// the Solution block. <see cref="WithSolutions"/> inserts that code as code cells right after the markdown cell
/// that holds it, so the notebook tests run exactly the code a learner reads. A solution runs where the learner
/// would paste it, and the rest of the notebook runs after it: solutions must not change what later cells use.
/// </summary>
public static partial class Exercises
{
    /// <summary>The first line of an inserted solution cell (followed by the exercise's number and a space).</summary>
    public const string SolutionMarker = "// solution of exercise ";

    public static readonly IReadOnlyList<string> Kinds = ["predict, then run", "change the code", "in words"];

    /// <summary>Every exercise heading in the notebook: its number ("3.2") and its kind.</summary>
    public static IReadOnlyList<(string Number, string Kind)> Headings(JsonObject notebook) =>
        MarkdownCells(notebook).SelectMany(source => Heading().Matches(source))
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();

    /// <summary>How many collapsed blocks titled <paramref name="summary"/> ("Hint", "Solution") the notebook has.</summary>
    public static int Blocks(JsonObject notebook, string summary) =>
        MarkdownCells(notebook).Sum(source => Details().Matches(source).Count(m => m.Groups[1].Value == summary));

    /// <summary>The solutions' code blocks, in order: the exercise they belong to and the code.</summary>
    public static IReadOnlyList<(string Exercise, string Code)> Solutions(JsonObject notebook) =>
        MarkdownCells(notebook).SelectMany(SolutionsIn).ToList();

    /// <summary>The solutions' reference lines, in order: a paragraph of a Solution block that starts with
    /// <see cref="ReferenceRunMarker"/> says what the solution printed on a reference run, quoting pieces of its output in
    /// backticks (<see cref="ReferenceRun"/> compares them with what the solution prints when the tests run it).</summary>
    public static IReadOnlyList<(string Exercise, IReadOnlyList<string> Quotes)> ReferenceRuns(JsonObject notebook) =>
        MarkdownCells(notebook).SelectMany(ReferenceRunsIn).ToList();

    public const string ReferenceRunMarker = "On a reference run";

    static IEnumerable<(string Exercise, IReadOnlyList<string> Quotes)> ReferenceRunsIn(string markdown)
    {
        var exercise = Number().Match(markdown);
        foreach (Match block in Details().Matches(markdown))
        {
            if (block.Groups[1].Value != "Solution") continue;
            var outsideCode = CSharpBlock().Replace(block.Groups[2].Value, "");
            foreach (var paragraph in outsideCode.Split("\n\n").Select(p => p.Trim()).Where(p => p.StartsWith(ReferenceRunMarker, StringComparison.Ordinal)))
                yield return (exercise.Groups[1].Value, Quote().Matches(paragraph).Select(m => m.Groups[1].Value).ToList());
        }
    }

    /// <summary>The notebook with every solution's code inserted as a code cell after the markdown cell that holds it.
    /// Each inserted cell starts with <see cref="SolutionMarker"/> and the exercise's number.</summary>
    public static JsonObject WithSolutions(JsonObject notebook)
    {
        var cells = new JsonArray();
        foreach (var cell in notebook["cells"]!.AsArray().Select(c => c!.DeepClone().AsObject()))
        {
            cells.Add(cell);
            if ((string?)cell["cell_type"] != "markdown") continue;
            foreach (var (exercise, code) in SolutionsIn(Source(cell)))
                cells.Add(new JsonObject
                {
                    ["cell_type"] = "code",
                    ["execution_count"] = null,
                    ["metadata"] = CodeMetadata(),
                    ["outputs"] = new JsonArray(),
                    ["source"] = $"{SolutionMarker}{exercise} (inserted by the tests)\n{code}",
                });
        }
        notebook["cells"] = cells;
        return notebook;
    }

    static JsonObject CodeMetadata() => new()
    {
        ["dotnet_interactive"] = new JsonObject { ["language"] = "csharp" },
        ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" },
    };

    static IEnumerable<(string Exercise, string Code)> SolutionsIn(string markdown)
    {
        var exercise = Number().Match(markdown);
        foreach (Match block in Details().Matches(markdown))
        {
            if (block.Groups[1].Value != "Solution") continue;
            foreach (Match code in CSharpBlock().Matches(block.Groups[2].Value))
            {
                if (!exercise.Success) throw new InvalidOperationException($"a solution in a markdown cell that names no exercise:\n{markdown}");
                yield return (exercise.Groups[1].Value, code.Groups[1].Value);
            }
        }
    }

    static IEnumerable<string> MarkdownCells(JsonObject notebook) =>
        notebook["cells"]!.AsArray().Select(c => c!.AsObject()).Where(c => (string?)c["cell_type"] == "markdown").Select(Source);

    static string Source(JsonObject cell) =>
        cell["source"] is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)cell["source"] ?? "";

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex Quote();

    [GeneratedRegex(@"^### Exercise (\d+\.\d+) \(([^)]*)\) · \S", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"\*{0,2}Exercise (\d+\.\d+)")]
    private static partial Regex Number();

    [GeneratedRegex(@"<details><summary>(\w+)</summary>(.*?)</details>", RegexOptions.Singleline)]
    private static partial Regex Details();

    [GeneratedRegex(@"^```csharp\n(.*?)^```[ \t]*$", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex CSharpBlock();
}
