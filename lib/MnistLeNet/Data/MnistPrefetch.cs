using System.Collections.Concurrent;

namespace MnistLeNet.Data;

/// <summary>
/// Start-up tuning for the speedrun (CLI and benchmark): reads both splits' files while libtorch loads.
/// Files only; <see cref="MnistDataset.Load"/> makes the tensors on the caller's thread, because each thread
/// that runs torch gets its own OpenMP pool, and more workers than cores once halved training speed.
/// </summary>
public static class MnistPrefetch
{
    static readonly ConcurrentDictionary<(MnistSplit Split, string Folder), Task<(byte[] Images, byte[] Labels)>> Reading = new();

    /// <summary>Starts reading and verifying both splits' files, a thread each, and returns at once. Does
    /// nothing for a split already loaded or when a file is missing (Load then downloads it).</summary>
    public static void Start(string? dataDir = null)
    {
        var folder = MnistDataset.FullPath(dataDir);
        if (!MnistFiles.All.All(f => File.Exists(Path.Combine(folder, f.FileName)))) return;
        foreach (var split in new[] { MnistSplit.Train, MnistSplit.Test })
            if (!MnistDataset.IsLoaded(split, folder))
                Reading.GetOrAdd((split, folder), key => Task.Run(() => MnistDataset.ReadFiles(key.Split, key.Folder)));
    }

    /// <summary>The bytes <see cref="Start"/> read for this split (rethrowing its error), or null if it did not.</summary>
    internal static (byte[] Images, byte[] Labels)? Take(MnistSplit split, string folder) =>
        Reading.TryRemove((split, folder), out var reading) ? reading.GetAwaiter().GetResult() : null;
}
