namespace MnistLeNet.NativeFix;

/// <summary>The shared libraries (<c>.so</c> files) mapped into this process, by full path.</summary>
public static class LoadedLibraries
{
    /// <summary>Read from <c>/proc/self/maps</c>; empty where that file does not exist (not Linux).</summary>
    public static IReadOnlyList<string> InThisProcess()
    {
        if (!File.Exists("/proc/self/maps")) return [];
        return File.ReadLines("/proc/self/maps")
            .Select(line => line.IndexOf('/') is var i and >= 0 ? line[i..] : "")
            .Where(p => p.Contains(".so", StringComparison.Ordinal))
            .Distinct()
            .ToList();
    }
}
