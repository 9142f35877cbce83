using System.Runtime.InteropServices;

namespace MnistLeNet.Cli;

/// <summary>
/// The keys and signals that stop training. The first asks training to stop at the next batch (it then saves a
/// checkpoint and the program says how to resume); the second quits at once. Either way the exit status is
/// <see cref="ExitCode"/>, the shell's convention for "stopped by Ctrl-C".
/// <para>
/// Linux and macOS: Ctrl-C (SIGINT) and SIGTERM (<c>kill</c>, a container stopping). Windows: Ctrl-C and Ctrl-Break;
/// Windows has no SIGTERM, and what stands for it there cannot be waited for: closing the console window, logging
/// off or <c>taskkill /F</c> end the program at once, as kill -9 does elsewhere (the last epoch's checkpoint stays).
/// </para>
/// </summary>
public sealed class StopSignals : IDisposable
{
    public const int ExitCode = 130;

    readonly CancellationTokenSource _stop = new();
    readonly List<PosixSignalRegistration> _registrations = [];
    readonly Lock _gate = new();
    int _received;
    bool _finished;

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _stop.Token;

    /// <param name="log">Where to say that the signal was heard.</param>
    public StopSignals(TextWriter log)
    {
        bool windows = OperatingSystem.IsWindows();
        foreach (var signal in Handled(windows))
            _registrations.Add(PosixSignalRegistration.Create(signal, Handle));

        void Handle(PosixSignalContext context)
        {
            context.Cancel = true;
            if (Interlocked.Increment(ref _received) > 1) Environment.Exit(ExitCode);
            log.WriteLine();
            lock (_gate)
            {
                if (_finished)
                {
                    log.WriteLine($"{NameOf(context.Signal, windows)}: training has already finished: its results are being saved (press Ctrl-C again to quit at once)");
                    return;
                }
                log.WriteLine($"{NameOf(context.Signal, windows)}: stopping after the current batch to save a checkpoint (press Ctrl-C again to quit at once, losing this epoch's progress) ...");
                _stop.Cancel();
            }
        }
    }

    /// <summary>
    /// Called once training has ended, before its results replace the old files: from now on a signal no longer
    /// promises a checkpoint. Returns false if a stop was asked for first (then the caller must stop as promised).
    /// </summary>
    public bool Finish()
    {
        lock (_gate)
        {
            if (_stop.IsCancellationRequested) return false;
            _finished = true;
            return true;
        }
    }

    /// <summary>What stops a run on each system. .NET maps SIGQUIT to Ctrl-Break on Windows (and SIGTERM to the
    /// shutdown event, which a console program cannot delay); on Linux SIGQUIT (Ctrl-\) keeps its usual meaning.</summary>
    internal static PosixSignal[] Handled(bool windows) =>
        windows ? [PosixSignal.SIGINT, PosixSignal.SIGQUIT] : [PosixSignal.SIGINT, PosixSignal.SIGTERM];

    /// <summary>How the message names what was pressed or sent.</summary>
    internal static string NameOf(PosixSignal signal, bool windows) => (windows, signal) switch
    {
        (true, PosixSignal.SIGINT) => "Ctrl-C",
        (true, PosixSignal.SIGQUIT) => "Ctrl-Break",
        _ => signal.ToString(),
    };

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _stop.Dispose();
    }
}
