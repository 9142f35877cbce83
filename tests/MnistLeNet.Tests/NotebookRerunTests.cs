using System.Globalization;
using Xunit.Abstractions;

namespace MnistLeNet.Tests;

/// <summary>
/// Learners rerun cells over and over in one kernel. Every notebook, all its code cells run three
/// times in one kernel (see <see cref="KernelMemory"/>), must not fail a cell and must leave the
/// kernel's memory after the third pass within 20% of the first. Each case prints a README table row:
/// notebook, kernel working set after one run, after three runs (MiB).
/// </summary>
public class NotebookRerunTests(ITestOutputHelper output)
{
    public static TheoryData<string> Notebooks { get; } =
        new(Directory.GetFiles(NotebookRun.NotebookDirectory, "*.ipynb").Order().Select(Path.GetFileNameWithoutExtension).OfType<string>());

    /// <summary>
    /// What a rerun may add: 20% of the first pass over two more passes. What each pass keeps for good without
    /// leaking (the outputs dotnet-repl collects for the notebook it saves, plotly.js among them; the variables of
    /// every cell run; Roslyn's compiled cells) stays well below it, while one reload of the data that nothing
    /// disposes, as in the first version of the notebooks, goes far above it (the next test; figures in the
    /// README, "Memory").
    /// </summary>
    static bool Holds(IReadOnlyList<long> mebibytes) => Math.Abs(mebibytes[2] - mebibytes[0]) <= 0.2 * mebibytes[0];

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Running_every_cell_three_times_in_one_kernel_does_not_grow_its_memory(string notebook)
    {
        var (run, mebibytes) = KernelMemory.Measure(notebook, passes: 3);
        Assert.True(run.ExitCode == 0 && !run.Errors.Any(), run.ToString());
        Assert.Equal(3, mebibytes.Count);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| `{notebook}` | {mebibytes[0]:N0} | {mebibytes[2]:N0} |"));
        Assert.True(Holds(mebibytes),
            $"{notebook}: the kernel went from {mebibytes[0]} MiB after the first pass to {mebibytes[2]} MiB after the third");
    }

    /// <summary>The first version of the notebooks: each run of the data cell read the files into new tensors, and
    /// the kernel kept every earlier run's. Nothing is disposed here either.</summary>
    const string DataReloadedOnEveryRun = """
        var reloaded = new List<MnistLeNet.Data.MnistDataset>();
        foreach (var split in new[] { MnistLeNet.Data.MnistSplit.Train, MnistLeNet.Data.MnistSplit.Test })
        {
            var (images, labels) = MnistLeNet.Data.MnistFiles.For(split);
            var folder = MnistLeNet.Data.MnistFiles.DefaultDirectory();
            reloaded.Add(MnistLeNet.Data.MnistDataset.FromBytes(split,
                images.ReadAndVerify(System.IO.Path.Combine(folder, images.FileName)).Data,
                labels.ReadAndVerify(System.IO.Path.Combine(folder, labels.FileName)).Data));
        }
        """;

    [Fact]
    public void The_measure_fails_a_notebook_that_reloads_the_data_on_every_run_without_disposing_it()
    {
        var (run, mebibytes) = KernelMemory.Measure("01-data-loading", passes: 3, extraCell: DataReloadedOnEveryRun);
        Assert.True(run.ExitCode == 0 && !run.Errors.Any(), run.ToString());
        Assert.Equal(3, mebibytes.Count);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"leaky 01-data-loading: {mebibytes[0]:N0} -> {mebibytes[2]:N0} MiB"));
        Assert.False(Holds(mebibytes), $"the kernel went only from {mebibytes[0]} MiB to {mebibytes[2]} MiB although every pass kept a new copy of MNIST");
    }
}
