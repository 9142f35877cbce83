namespace MnistLeNet;

/// <summary>
/// The new content of one file, written beside it under a fixed temporary name
/// (<c>TARGET.tmp</c>) and renamed over it only when <see cref="Commit"/> is called. While a
/// <see cref="PendingFile"/> exists, this process holds an exclusive lock on the temporary file:
/// a second writer of the same target is refused, and a temporary file left by a killed process
/// is simply reused (and removed) by the next writer, so they never pile up.
/// <para>
/// A symbolic link is written through (its target is replaced, the link stays); the mode of an
/// existing file is kept (Linux, macOS); after the rename the directory is flushed to disk too (Linux, macOS).
/// </para>
/// <para>
/// The lock differs by system. Linux and macOS: an advisory <c>flock</c>, taken just after the file is opened
/// (<see cref="FileShare.None"/> asks .NET for it). Windows: the sharing mode of the open handle, which the system
/// checks as the file is opened: it shares nothing but deletion, so no one else can open the temporary file while it
/// is ours, yet it can still be renamed over the target (and removed) while open, which Windows refuses otherwise.
/// </para>
/// </summary>
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

    /// <summary>
    /// Takes the temporary file of <paramref name="path"/> and locks it: proof that the folder is
    /// writable and that no other writer is at work on this target. Nothing is written yet.
    /// </summary>
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
            // Between our open and our lock, the previous holder may have renamed or removed that file;
            // then the lock is on the wrong file: let go and open the name afresh.
            if (StillNamed(stream, temp) || attempt == 10)
            {
                stream.SetLength(0);
                return new PendingFile(target, stream);
            }
            stream.Dispose();
        }
    }

    /// <summary>How the temporary file is shared while it is ours (see the class remarks). Linux and macOS: any
    /// value but <see cref="FileShare.None"/> would make .NET take a shared lock, which a second writer also gets.</summary>
    internal static FileShare TempShare(bool windows) => windows ? FileShare.Delete : FileShare.None;

    /// <summary>Whether an existing <paramref name="target"/> is read-only, which Windows' rename-over refuses
    /// (Linux and macOS replace it: the folder's permission decides there).</summary>
    internal static bool ReadOnlyOnWindows(string target) =>
        File.Exists(target) && File.GetAttributes(target).HasFlag(FileAttributes.ReadOnly);

    /// <summary>The file a write to <paramref name="path"/> replaces: its full path, symbolic links resolved.</summary>
    public static string TargetOf(string path)
    {
        var full = Path.GetFullPath(path);
        var info = new FileInfo(full);
        return info.LinkTarget is null ? full : info.ResolveLinkTarget(returnFinalTarget: true)!.FullName;
    }

    /// <summary>Whether two paths name the same file once links are resolved: letter case is ignored on Windows and
    /// macOS, whose usual file systems do (a guess for macOS, where a volume can be case-sensitive).</summary>
    public static bool SameTarget(string a, string b) => string.Equals(TargetOf(a), TargetOf(b),
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    /// <summary>Writes the content (replacing any written before) and flushes it to disk.</summary>
    /// <param name="write">Writes to the stream it is given; must not dispose it (use <c>leaveOpen</c> on writers).</param>
    /// <param name="check">Optional: reads the written content back from the start and throws if it is wrong.</param>
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

    /// <summary>
    /// Commits several files together: call it only when every one is written, so a failure while
    /// writing leaves all the old files in place. The renames themselves need no disk space.
    /// </summary>
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

    /// <summary>The outermost folder of <paramref name="directory"/> (itself included) that does not exist yet, or null.</summary>
    static string? FirstMissing(string directory)
    {
        string? missing = null;
        for (var d = directory; !string.IsNullOrEmpty(d) && !Directory.Exists(d); d = Path.GetDirectoryName(d)) missing = d;
        return missing;
    }

    /// <summary>Removes the folders from <paramref name="directory"/> up to <paramref name="outermost"/>, as long as they are empty.</summary>
    static void RemoveFolders(string directory, string? outermost)
    {
        if (outermost is null) return;
        for (var d = directory; d is not null && d.Length >= outermost.Length; d = Path.GetDirectoryName(d))
        {
            try { Directory.Delete(d); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; } // not empty: someone else's now
        }
    }

    /// <summary>Renames the temporary file over the target, replacing it. Replaceable by tests, which stand in for
    /// what Windows refuses (a target another program has open).</summary>
    internal static Action<string, string> Rename { get; set; } = (from, to) => File.Move(from, to, overwrite: true);

    /// <summary>
    /// Whether <paramref name="path"/> still names the file <paramref name="stream"/> has open. Linux: read from
    /// /proc/self/fd. Windows: always, as the lock is taken by the open itself, so it cannot land on a file
    /// renamed meanwhile. macOS: not checked (no /proc; the race needs a writer committing at that very moment).
    /// </summary>
    static bool StillNamed(FileStream stream, string path)
    {
        if (!OperatingSystem.IsLinux()) return true;
        var link = new FileInfo($"/proc/self/fd/{stream.SafeFileHandle.DangerousGetHandle()}");
        return link.LinkTarget is not { } name || name == path;
    }
}
