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
    readonly Lock _gate = new();
    int _received;
    bool _finished;

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
            lock (_gate)
            {
                if (_finished)
                {
                    log.WriteLine($"{context.Signal}: training has already finished: its results are being saved (press Ctrl-C again to quit at once)");
                    return;
                }
                log.WriteLine($"{context.Signal}: stopping after the current batch to save a checkpoint (press Ctrl-C again to quit at once, losing this epoch's progress) ...");
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

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _stop.Dispose();
    }
}
