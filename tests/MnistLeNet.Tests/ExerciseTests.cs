using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace MnistLeNet.Tests;

/// <summary>The notebooks' exercises and pictures, read from the committed files (the notebook tests run the solutions).</summary>
public partial class ExerciseTests
{
    static IEnumerable<(string Name, JsonObject Notebook)> Notebooks() =>
        Directory.GetFiles(NotebookRun.NotebookDirectory, "*.ipynb").Order()
            .Select(path => (Path.GetFileNameWithoutExtension(path), JsonNode.Parse(File.ReadAllText(path))!.AsObject()));

    [Fact]
    public void Every_notebook_has_three_to_six_numbered_exercises_of_the_three_kinds_each_with_a_hint_and_a_solution()
    {
        var kinds = new HashSet<string>();
        foreach (var (name, notebook) in Notebooks())
        {
            var headings = Exercises.Headings(notebook);
            Assert.InRange(headings.Count, 3, 6);
            int chapter = int.Parse(name[..2], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(Enumerable.Range(1, headings.Count).Select(i => $"{chapter}.{i}"), headings.Select(h => h.Number));
            Assert.All(headings, h => Assert.Contains(h.Kind, Exercises.Kinds));
            kinds.UnionWith(headings.Select(h => h.Kind));
            Assert.Equal(headings.Count, Exercises.Blocks(notebook, "Hint"));
            Assert.Equal(headings.Count, Exercises.Blocks(notebook, "Solution"));
        }
        Assert.Equal(Exercises.Kinds.Order(), kinds.Order());
    }

    [Fact]
    public void Every_exercise_that_is_not_answered_in_words_has_solution_code_and_it_is_inserted_after_its_exercise()
    {
        foreach (var (name, notebook) in Notebooks())
        {
            var solutions = Exercises.Solutions(notebook);
            var answered = solutions.Select(s => s.Exercise).ToHashSet();
            Assert.All(Exercises.Headings(notebook).Where(h => h.Kind != "in words"), h => Assert.Contains(h.Number, answered));

            int before = notebook["cells"]!.AsArray().Count;
            var cells = Exercises.WithSolutions(notebook.DeepClone().AsObject())["cells"]!.AsArray().Select(c => c!.AsObject()).ToList();
            Assert.Equal(before + solutions.Count, cells.Count);
            var inserted = cells.Select((cell, i) => (cell, i)).Where(x => Source(x.cell).StartsWith(Exercises.SolutionMarker, StringComparison.Ordinal)).ToList();
            Assert.Equal(solutions.Select(s => $"{Exercises.SolutionMarker}{s.Exercise} (inserted by the tests)\n{s.Code}"), inserted.Select(x => Source(x.cell)));
            foreach (var (cell, i) in inserted)
            {
                Assert.Equal("code", (string?)cell["cell_type"]);
                // right after the markdown cell that holds it (or after an earlier solution of the same cell)
                int j = i - 1;
                while (Source(cells[j]).StartsWith(Exercises.SolutionMarker, StringComparison.Ordinal)) j--;
                Assert.Equal("markdown", (string?)cells[j]["cell_type"]);
                Assert.Contains(Source(cell).Split('\n', 2)[1], Source(cells[j]));
            }
        }
    }

    [Fact]
    public void Every_picture_a_notebook_shows_is_a_committed_svg_with_a_title()
    {
        var shown = new List<string>();
        foreach (var (name, notebook) in Notebooks())
            foreach (var cell in notebook["cells"]!.AsArray().Select(c => c!.AsObject()).Where(c => (string?)c["cell_type"] == "markdown"))
                shown.AddRange(Image().Matches(Source(cell)).Select(m => m.Groups[1].Value));
        Assert.Contains("lenet-diagram.svg", shown);
        Assert.Contains("conv-kernel-sliding.svg", shown);
        foreach (var file in shown)
        {
            var path = Path.Combine(NotebookRun.NotebookDirectory, file);
            Assert.True(File.Exists(path), $"{file} is shown but not in notebooks/");
            var svg = XDocument.Load(path).Root!;
            Assert.Equal("{http://www.w3.org/2000/svg}svg", svg.Name.ToString());
            Assert.False(string.IsNullOrWhiteSpace(svg.Element("{http://www.w3.org/2000/svg}title")?.Value), $"{file} has no <title>");
        }
    }

    static string Source(JsonObject cell) =>
        cell["source"] is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)cell["source"] ?? "";

    [GeneratedRegex(@"!\[[^\]]*\]\(([^)\s]+)\)")]
    private static partial Regex Image();
}
