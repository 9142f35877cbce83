namespace MnistLeNet;

/// <summary>A file's new content, written to <c>TARGET.tmp</c> and renamed over it on <see cref="Commit"/>.</summary>
/// <remarks>The locked temporary file refuses a second writer; one left by a killed process is reused, so they never
/// pile up. Links are written through; the target's mode is kept. The lock: <c>flock</c> on Linux and macOS, the
/// handle's sharing mode on Windows (delete only, so the open file can still be renamed over the target).</remarks>
public sealed class PendingFile : IDisposable
{
    readonly FileStream _temp;
    bool _written, _committed;

    /// <summary>The file that <see cref="Commit"/> replaces (symbolic links resolved).</summary>
    public string Target { get; }

    /// <summary>Where the content waits: <see cref="Target"/> + ".tmp".</summary>
    public string TempPath => Target + ".tmp";

    PendingFile(string target, FileStream temp)
    {
        Target = target;
        _temp = temp;
    }

    /// <summary>Locks the temporary file of <paramref name="path"/>: the folder is writable and no one else writes it.</summary>
    /// <exception cref="IOException">The target is a folder, its folder cannot be written, or another writer holds it.</exception>
    public static PendingFile Reserve(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("a file name is needed", nameof(path));
        FilePaths.CheckOutput(path);
        var target = TargetOf(path);
        if (Directory.Exists(target)) throw new IOException($"{path}: is a folder, not a file");
        if (OperatingSystem.IsWindows() && ReadOnlyOnWindows(target))
            throw new IOException($"{path}: the file is read-only, and Windows does not replace a read-only file; clear its read-only attribute (file Properties) or choose another file");
        var directory = Path.GetDirectoryName(target)!;
        if (File.Exists(directory)) throw new IOException($"{path}: {directory} is a file, not a folder");
        var firstCreated = FirstMissing(directory);
        try { Directory.CreateDirectory(directory); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{path}: cannot create the folder {directory} ({e.Message})", e);
        }

        var temp = target + ".tmp";
        for (int attempt = 0; ; attempt++)
        {
            FileStream stream;
            try
            {
                // OpenOrCreate, not Create: the file is truncated only once the lock is ours.
                stream = new FileStream(temp, FileMode.OpenOrCreate, FileAccess.ReadWrite, TempShare(OperatingSystem.IsWindows()));
            }
            catch (IOException e) when (File.Exists(temp) && e is not FileNotFoundException and not DirectoryNotFoundException)
            {
                throw new IOException($"{path}: another process is writing this file right now (it holds {temp}: {e.Message}); wait for it to finish or choose another file", e);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                RemoveFolders(directory, firstCreated); // refused: leave nothing behind
                throw new IOException($"{path}: cannot write in {directory} ({e.Message})", e);
            }
            // The previous holder may have renamed that file between our open and our lock: then open afresh.
            if (StillNamed(stream, temp) || attempt == 10)
            {
                stream.SetLength(0);
                return new PendingFile(target, stream);
            }
            stream.Dispose();
        }
    }

    // Linux and macOS: anything but None makes .NET take a shared lock, which a second writer also gets.
    internal static FileShare TempShare(bool windows) => windows ? FileShare.Delete : FileShare.None;

    // Windows' rename-over refuses a read-only target; Linux and macOS replace it.
    internal static bool ReadOnlyOnWindows(string target) =>
        File.Exists(target) && File.GetAttributes(target).HasFlag(FileAttributes.ReadOnly);

    /// <summary>The file a write to <paramref name="path"/> replaces: its full path, symbolic links resolved.</summary>
    public static string TargetOf(string path)
    {
        var full = Path.GetFullPath(path);
        var info = new FileInfo(full);
        return info.LinkTarget is null ? full : info.ResolveLinkTarget(returnFinalTarget: true)!.FullName;
    }

    /// <summary>Whether two paths name the same file (links resolved; case ignored on Windows and macOS).</summary>
    public static bool SameTarget(string a, string b) => string.Equals(TargetOf(a), TargetOf(b),
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    /// <summary>Writes the content (replacing any written before) and flushes it to disk; <paramref name="write"/> must
    /// not dispose the stream, and <paramref name="check"/> reads it back and throws if it is wrong.</summary>
    public void Write(Action<Stream> write, Action<Stream>? check = null)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        _written = false;
        _temp.SetLength(0);
        _temp.Position = 0;
        write(_temp);
        _temp.Flush(flushToDisk: true);
        if (check is not null)
        {
            _temp.Position = 0;
            check(_temp);
        }
        _written = true;
    }

    /// <summary>Renames the written content over <see cref="Target"/>, keeping the target's mode, and flushes the folder.</summary>
    public void Commit() => CommitAll(this);

    /// <summary>Commits files written together: a failed write leaves all old files (renames need no disk space).</summary>
    public static void CommitAll(params PendingFile[] files)
    {
        if (files.FirstOrDefault(f => !f._written) is { } unwritten)
            throw new InvalidOperationException($"{unwritten.Target}: nothing written to commit");
        var replaced = new List<string>();
        foreach (var file in files)
        {
            if (!OperatingSystem.IsWindows() && File.Exists(file.Target))
                File.SetUnixFileMode(file._temp.SafeFileHandle, File.GetUnixFileMode(file.Target));
            try { Rename(file.TempPath, file.Target); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new IOException(
                    $"{file.Target}: could not be replaced ({e.Message}); it is unchanged" +
                    (replaced.Count > 0 ? $", but {string.Join(", ", replaced)} already was" : "") +
                    (OperatingSystem.IsWindows() ? ". On Windows a file that another program has open cannot be replaced: close it there (or choose another file) and run again" : ""), e);
            }
            replaced.Add(file.Target);
            file._committed = true;
            file._temp.Dispose(); // the lock guarded the temporary name; it must not block readers of the target
        }
        foreach (var directory in files.Select(f => Path.GetDirectoryName(f.Target)!).Distinct())
            AtomicFile.SyncDirectory(directory);
    }

    /// <summary>Releases the lock; without a commit, the temporary file is removed and the target stays as it was.</summary>
    public void Dispose()
    {
        if (!_committed)
        {
            try { File.Delete(TempPath); } // still ours: we hold the lock
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            _committed = true;
        }
        _temp.Dispose();
    }

    static string? FirstMissing(string directory)
    {
        string? missing = null;
        for (var d = directory; !string.IsNullOrEmpty(d) && !Directory.Exists(d); d = Path.GetDirectoryName(d)) missing = d;
        return missing;
    }

    static void RemoveFolders(string directory, string? outermost)
    {
        if (outermost is null) return;
        for (var d = directory; d is not null && d.Length >= outermost.Length; d = Path.GetDirectoryName(d))
        {
            try { Directory.Delete(d); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; } // not empty: someone else's now
        }
    }

    // Tests replace it to stand in for what Windows refuses (a target another program has open).
    internal static Action<string, string> Rename { get; set; } = (from, to) => File.Move(from, to, overwrite: true);

    // Windows locks in the open itself, so it cannot miss; macOS has no /proc and is not checked.
    static bool StillNamed(FileStream stream, string path)
    {
        if (!OperatingSystem.IsLinux()) return true;
        var link = new FileInfo($"/proc/self/fd/{stream.SafeFileHandle.DangerousGetHandle()}");
        return link.LinkTarget is not { } name || name == path;
    }
}
