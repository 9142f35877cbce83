using Xunit.Abstractions;

namespace MnistLeNet.Tests;

/// <summary>
/// Learners rerun cells over and over in one kernel. Every code cell of a notebook, run three times in
/// one kernel (see <see cref="KernelMemory"/>), must not fail and must leave the kernel's memory after the
/// third pass within 20% of the first.
/// </summary>
public class NotebookRerunTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("04-training")]
    [InlineData("05-prediction")]
    public void Running_every_cell_three_times_in_one_kernel_does_not_grow_its_memory(string notebook)
    {
        var (run, megabytes) = KernelMemory.Measure(notebook, passes: 3);
        Assert.True(run.ExitCode == 0 && !run.Errors.Any(), run.ToString());
        Assert.Equal(3, megabytes.Count);
        output.WriteLine($"{notebook}: kernel working set after passes 1, 2, 3: {string.Join(", ", megabytes)} MB");
        Assert.True(Math.Abs(megabytes[2] - megabytes[0]) <= 0.2 * megabytes[0],
            $"{notebook}: the kernel went from {megabytes[0]} MB after the first pass to {megabytes[2]} MB after the third");
    }
}
