using System.Runtime.InteropServices;
using MnistLeNet.Cli;

namespace MnistLeNet.Tests;

public class StopSignalsTests
{
    [Fact]
    public void Windows_stops_on_Ctrl_C_and_Ctrl_Break_and_names_the_key()
    {
        // .NET delivers Ctrl-Break as SIGQUIT on Windows; SIGTERM there is the shutdown event, which cannot be waited for.
        Assert.Equal([PosixSignal.SIGINT, PosixSignal.SIGQUIT], StopSignals.Handled(windows: true));
        Assert.Equal("Ctrl-C", StopSignals.NameOf(PosixSignal.SIGINT, windows: true));
        Assert.Equal("Ctrl-Break", StopSignals.NameOf(PosixSignal.SIGQUIT, windows: true));
    }

    [Fact]
    public void Linux_and_macOS_stop_on_SIGINT_and_SIGTERM_and_leave_SIGQUIT_alone()
    {
        Assert.Equal([PosixSignal.SIGINT, PosixSignal.SIGTERM], StopSignals.Handled(windows: false));
        Assert.Equal("SIGTERM", StopSignals.NameOf(PosixSignal.SIGTERM, windows: false));
    }
}
