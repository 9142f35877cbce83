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

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Running_every_cell_three_times_in_one_kernel_does_not_grow_its_memory(string notebook)
    {
        var (run, mebibytes) = KernelMemory.Measure(notebook, passes: 3);
        Assert.True(run.ExitCode == 0 && !run.Errors.Any(), run.ToString());
        Assert.Equal(3, mebibytes.Count);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| `{notebook}` | {mebibytes[0]:N0} | {mebibytes[2]:N0} |"));
        Assert.True(Math.Abs(mebibytes[2] - mebibytes[0]) <= 0.2 * mebibytes[0],
            $"{notebook}: the kernel went from {mebibytes[0]} MiB after the first pass to {mebibytes[2]} MiB after the third");
    }
}
