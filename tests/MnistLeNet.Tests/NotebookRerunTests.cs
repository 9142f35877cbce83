using Xunit.Abstractions;

namespace MnistLeNet.Tests;

/// <summary>
/// Learners rerun cells over and over in one kernel. Every notebook, all its code cells run three
/// times in one kernel (see <see cref="KernelMemory"/>), must not fail a cell and must leave the
/// kernel's memory after the third pass within 20% of the first. Each case prints a README table row:
/// notebook, kernel working set after one run, after three runs (MB).
/// </summary>
public class NotebookRerunTests(ITestOutputHelper output)
{
    public static TheoryData<string> Notebooks { get; } =
        new(Directory.GetFiles(NotebookRun.NotebookDirectory, "*.ipynb").Order().Select(Path.GetFileNameWithoutExtension).OfType<string>());

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Running_every_cell_three_times_in_one_kernel_does_not_grow_its_memory(string notebook)
    {
        var (run, megabytes) = KernelMemory.Measure(notebook, passes: 3);
        Assert.True(run.ExitCode == 0 && !run.Errors.Any(), run.ToString());
        Assert.Equal(3, megabytes.Count);
        output.WriteLine($"| {notebook} | {megabytes[0]:N0} | {megabytes[2]:N0} |");
        Assert.True(Math.Abs(megabytes[2] - megabytes[0]) <= 0.2 * megabytes[0],
            $"{notebook}: the kernel went from {megabytes[0]} MB after the first pass to {megabytes[2]} MB after the third");
    }
}
