namespace MnistLeNet.Cli;

/// <summary>
/// A one-line progress bar redrawn in place (a carriage return, which Windows consoles and Unix terminals both
/// honour); silent when the stream is not a terminal. The line is kept narrower than the console window: a line
/// that fills it wraps, and the next redraw would then start a new line instead of replacing the old one.
/// </summary>
public sealed class ConsoleProgressBar(TextWriter writer) : IDisposable
{
    readonly bool _enabled = ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected;
    int _shown; // length of the line on screen, 0 when none

    public void Show(long done, long total, string label)
    {
        if (!_enabled || total <= 0) return;
        const int width = 30;
        int filled = (int)(width * Math.Min(done, total) / total);
        var line = Fit($"{label} [{new string('#', filled)}{new string('.', width - filled)}] {100.0 * done / total,5:F1}%", WindowWidth());
        writer.Write("\r" + line.PadRight(_shown));
        _shown = line.Length;
    }

    public void Clear()
    {
        if (_shown == 0) return;
        writer.Write("\r" + new string(' ', _shown) + "\r");
        _shown = 0;
    }

    public void Dispose() => Clear();

    /// <summary><paramref name="line"/>, cut to one character less than <paramref name="windowWidth"/> (when known).</summary>
    internal static string Fit(string line, int? windowWidth) =>
        windowWidth is > 1 and var w && line.Length >= w ? line[..(w - 1)] : line;

    static int? WindowWidth()
    {
        try { return Console.WindowWidth; }
        catch (Exception e) when (e is IOException or PlatformNotSupportedException) { return null; }
    }
}
