namespace MnistLeNet;

/// <summary>
/// The new content of one file, written beside it under a fixed temporary name
/// (<c>TARGET.tmp</c>) and renamed over it only when <see cref="Commit"/> is called. While a
/// <see cref="PendingFile"/> exists, this process holds an exclusive lock on the temporary file:
/// a second writer of the same target is refused, and a temporary file left by a killed process
/// is simply reused (and removed) by the next writer, so they never pile up.
/// <para>
/// A symbolic link is written through (its target is replaced, the link stays); the mode of an
/// existing file is kept; after the rename the directory is flushed to disk too.
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
                stream = new FileStream(temp, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
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

    /// <summary>The file a write to <paramref name="path"/> replaces: its full path, symbolic links resolved.</summary>
    public static string TargetOf(string path)
    {
        var full = Path.GetFullPath(path);
        var info = new FileInfo(full);
        return info.LinkTarget is null ? full : info.ResolveLinkTarget(returnFinalTarget: true)!.FullName;
    }

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
        foreach (var file in files)
        {
            if (!OperatingSystem.IsWindows() && File.Exists(file.Target))
                File.SetUnixFileMode(file._temp.SafeFileHandle, File.GetUnixFileMode(file.Target));
            File.Move(file.TempPath, file.Target, overwrite: true);
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

    /// <summary>Whether <paramref name="path"/> still names the file <paramref name="stream"/> has open (Linux: /proc/self/fd).</summary>
    static bool StillNamed(FileStream stream, string path)
    {
        if (!OperatingSystem.IsLinux()) return true; // no way to tell: trust the name
        var link = new FileInfo($"/proc/self/fd/{stream.SafeFileHandle.DangerousGetHandle()}");
        return link.LinkTarget is not { } name || name == path;
    }
}
