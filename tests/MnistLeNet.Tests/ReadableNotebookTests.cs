using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TorchSharp;
using static MnistLeNet.Tests.ReadableCopies;

namespace MnistLeNet.Tests;

/// <summary>
/// The readable copies in docs/notebooks/ are the notebooks as they are now: the same cells, pictures instead of
/// interactive charts, nothing of the machine that made them, and the numbers the current code computes (the training
/// run's are checked by <see cref="TutorialEndToEndTests"/>, which trains the tutorial's recipe anyway). A failure names
/// the command that refreshes them.
/// </summary>
public class ReadableNotebookTests
{
    static IEnumerable<string> Names(string directory) =>
        System.IO.Directory.GetFiles(directory, "*.ipynb").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal);

    [Fact]
    public void Every_notebook_has_a_readable_copy_and_every_copy_a_notebook()
    {
        var notebooks = Names(NotebookRun.NotebookDirectory).ToList();
        var copies = System.IO.Directory.Exists(Folder) ? Names(Folder).ToList() : [];
        Assert.True(notebooks.SequenceEqual(copies),
            $"notebooks/ has {string.Join(", ", notebooks)}; docs/notebooks/ has {string.Join(", ", copies)}: run `{RefreshCommand}`");
    }

    [Fact]
    public void The_copies_have_exactly_the_notebooks_cells()
    {
        foreach (var name in Names(NotebookRun.NotebookDirectory))
        {
            var source = JsonNode.Parse(File.ReadAllText(Path.Combine(NotebookRun.NotebookDirectory, name + ".ipynb")))!.AsObject();
            var copy = Load(name);
            var sourceCells = Cells(source).Select(WithoutOutputs).ToList();
            var copyCells = Cells(copy).Select(WithoutOutputs).ToList();
            Assert.True(sourceCells.Count == copyCells.Count,
                $"docs/notebooks/{name}.ipynb has {copyCells.Count} cells, the notebook {sourceCells.Count}: run `{RefreshCommand}`");
            for (int i = 0; i < sourceCells.Count; i++)
                Assert.True(JsonNode.DeepEquals(sourceCells[i], copyCells[i]),
                    $"cell {i} of docs/notebooks/{name}.ipynb is not the notebook's:\n{NotebookRun.Join(copyCells[i]["source"]!)}\nRefresh the copies with `{RefreshCommand}`.");
            Assert.True(JsonNode.DeepEquals(source["metadata"], copy["metadata"]), $"docs/notebooks/{name}.ipynb: other notebook metadata: run `{RefreshCommand}`");
        }
    }

    static JsonObject WithoutOutputs(JsonObject cell)
    {
        var copy = cell.DeepClone().AsObject();
        copy.Remove("outputs");
        copy.Remove("execution_count");
        return copy;
    }

    [Fact]
    public void The_copies_show_pictures_and_text_but_no_script_and_no_path_of_the_machine_that_made_them()
    {
        int pictures = 0;
        foreach (var name in Names(NotebookRun.NotebookDirectory))
        {
            var copy = Load(name);
            foreach (var output in Outputs(copy))
            {
                var html = output["data"]?["text/html"] is { } h ? NotebookRun.Join(h) : "";
                Assert.False(Regex.IsMatch(html, "<script|<style", RegexOptions.IgnoreCase), $"docs/notebooks/{name}.ipynb shows interactive HTML: {html[..Math.Min(300, html.Length)]}");
                if (output["data"]?["image/png"] is { } png)
                {
                    var bytes = Convert.FromBase64String(NotebookRun.Join(png));
                    Assert.True(bytes.AsSpan().StartsWith((byte[])[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]), $"docs/notebooks/{name}.ipynb: an image/png that is no PNG");
                    pictures++;
                }
            }
            var paths = Regex.Matches(Text(copy), @"(/home/|/root/|/Users/|/tmp/|[A-Z]:\\)\S*").Select(m => m.Value).ToList();
            Assert.True(paths.Count == 0, $"docs/notebooks/{name}.ipynb shows paths of the machine that made it: {string.Join(", ", paths)}");
            Assert.True(new FileInfo(Path.Combine(Folder, name + ".ipynb")).Length < 1_000_000, $"docs/notebooks/{name}.ipynb is over 1 MB: does it carry plotly.js?");
        }
        Assert.True(pictures >= 20, $"only {pictures} pictures in all the copies");   // 27 when written
    }

    [Fact]
    public void What_the_copies_markdown_links_is_beside_them_and_the_same_as_beside_the_notebooks()
    {
        foreach (var name in Names(NotebookRun.NotebookDirectory))
            foreach (var link in Cells(Load(name)).Where(c => (string?)c["cell_type"] == "markdown")
                         .SelectMany(c => Regex.Matches(NotebookRun.Join(c["source"]!), @"\]\(([^)\s]+)\)|src=""([^""]+)""")).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)
                         .Where(l => !l.Contains(':') && !l.StartsWith('#')).Select(l => l.Split('#')[0]))
            {
                var copy = Path.Combine(Folder, link);
                Assert.True(File.Exists(copy), link.Contains("..")
                    ? $"docs/notebooks/{name}.ipynb links {link}: a link out of notebooks/ does not lead to the same file from docs/notebooks/"
                    : $"docs/notebooks/{name}.ipynb links {link}, which is not in docs/notebooks/: run `{RefreshCommand}`");
                Assert.True(File.ReadAllBytes(copy).SequenceEqual(File.ReadAllBytes(Path.Combine(NotebookRun.NotebookDirectory, link))),
                    $"docs/notebooks/{link} is not notebooks/{link}: run `{RefreshCommand}`");
            }
    }

    [Fact]
    public void The_copies_show_the_baseline_the_nearest_average_digit_gets_now()
    {
        var (train, test) = (Mnist.Train, Mnist.Test);
        int correct;
        using (torch.NewDisposeScope())
        {
            var averages = Enumerable.Range(0, 10).Select(d => train.Images[train.Labels.eq(d)].mean([0L])).ToList();
            var nearest = torch.stack(averages.Select(a => (test.Images - a).pow(2).sum([1L, 2, 3])).ToList(), dim: 1).argmin(1);
            correct = (int)nearest.eq(test.Labels).sum().item<long>();
        }
        double accuracy = (double)correct / test.Count;
        AssertShows("02-looking-at-images", string.Create(CultureInfo.InvariantCulture,
            $"nearest average digit: {correct:N0} of {test.Count:N0} test images right, accuracy {accuracy:P2}"), "the baseline");
        AssertShows("05-prediction", string.Create(CultureInfo.InvariantCulture,
            $"nearest average digit: {accuracy:P2} right, {test.Count - correct:N0} mistakes"), "the baseline");
    }
}
