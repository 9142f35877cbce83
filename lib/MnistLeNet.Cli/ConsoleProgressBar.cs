namespace MnistLeNet.Cli;

/// <summary>A one-line progress bar redrawn in place; silent when the stream is not a terminal.</summary>
public sealed class ConsoleProgressBar(TextWriter writer) : IDisposable
{
    readonly bool _enabled = ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected;
    bool _visible;

    public void Show(long done, long total, string label)
    {
        if (!_enabled || total <= 0) return;
        const int width = 30;
        int filled = (int)(width * Math.Min(done, total) / total);
        writer.Write($"\r{label} [{new string('#', filled)}{new string('.', width - filled)}] {100.0 * done / total,5:F1}%");
        _visible = true;
    }

    public void Clear()
    {
        if (!_visible) return;
        writer.Write("\r" + new string(' ', 70) + "\r");
        _visible = false;
    }

    public void Dispose() => Clear();
}
