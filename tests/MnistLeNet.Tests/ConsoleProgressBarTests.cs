using MnistLeNet.Cli;

namespace MnistLeNet.Tests;

public class ConsoleProgressBarTests
{
    [Fact]
    public void The_line_stays_narrower_than_the_console_window_so_it_never_wraps()
    {
        // A line as wide as a (Windows) console window wraps; the next carriage return would then redraw on a new line.
        Assert.Equal("epoch 1 [###", ConsoleProgressBar.Fit("epoch 1 [####.....]", windowWidth: 13));
        Assert.Equal("epoch 1", ConsoleProgressBar.Fit("epoch 1", windowWidth: 80));
        Assert.Equal("epoch 1", ConsoleProgressBar.Fit("epoch 1", windowWidth: null)); // no console: as it is
    }
}
