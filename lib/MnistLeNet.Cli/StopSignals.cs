using System.Runtime.InteropServices;

namespace MnistLeNet.Cli;

/// <summary>
/// Ctrl-C and SIGTERM during training. The first asks training to stop at the next batch (it then
/// saves a checkpoint and the program says how to resume); the second quits at once. Either way the
/// exit status is <see cref="ExitCode"/>, the shell's convention for "stopped by Ctrl-C".
/// </summary>
public sealed class StopSignals : IDisposable
{
    public const int ExitCode = 130;

    readonly CancellationTokenSource _stop = new();
    readonly List<PosixSignalRegistration> _registrations = [];
    int _received;

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _stop.Token;

    /// <param name="log">Where to say that the signal was heard.</param>
    public StopSignals(TextWriter log)
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            try { _registrations.Add(PosixSignalRegistration.Create(signal, Handle)); }
            catch (PlatformNotSupportedException) { } // SIGTERM on Windows
        }

        void Handle(PosixSignalContext context)
        {
            context.Cancel = true;
            if (Interlocked.Increment(ref _received) > 1) Environment.Exit(ExitCode);
            log.WriteLine();
            log.WriteLine($"{context.Signal}: stopping after the current batch to save a checkpoint (press Ctrl-C again to quit at once, losing this epoch's progress) ...");
            _stop.Cancel();
        }
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _stop.Dispose();
    }
}
