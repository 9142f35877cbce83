using System.Runtime.InteropServices;
using System.Text;

namespace MnistLeNet;

/// <summary>
/// Writes a file so that it is either complete or absent: the content goes to a temporary file
/// beside the target, is flushed to disk, optionally checked, and only then renamed over the
/// target (see <see cref="PendingFile"/>). If anything fails, the temporary file is removed and
/// the target is untouched.
/// </summary>
public static class AtomicFile
{
    /// <param name="path">The file to create or replace.</param>
    /// <param name="write">Writes the content to the stream it is given (without disposing it).</param>
    /// <param name="check">Optional: reads the written content back from the start and throws if it is wrong.</param>
    public static void Write(string path, Action<Stream> write, Action<Stream>? check = null)
    {
        using var file = PendingFile.Reserve(path);
        file.Write(write, check);
        file.Commit();
    }

    /// <summary>Content for <see cref="Write"/> or <see cref="PendingFile.Write"/>: <paramref name="text"/> as UTF-8,
    /// without the byte-order mark browsers and editors do not expect.</summary>
    public static Action<Stream> Utf8(string text) => stream => stream.Write(NoByteOrderMark.GetBytes(text));

    static readonly UTF8Encoding NoByteOrderMark = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// Flushes a folder's entries to disk, so a rename inside it survives a power cut (POSIX needs
    /// an fsync of the folder itself). Replaceable by tests, which check that it is called.
    /// </summary>
    internal static Action<string> SyncDirectory { get; set; } = FsyncDirectory;

    static void FsyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return; // NTFS: the rename is journaled; a folder cannot be opened this way
        const int EINVAL = 22; // the file system does not support flushing folders: nothing more to do
        int fd = open(directory, 0 /* O_RDONLY */);
        if (fd < 0) throw new IOException($"{directory}: cannot open the folder to flush it (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (fsync(fd) != 0 && Marshal.GetLastPInvokeError() is var errno && errno != EINVAL)
                throw new IOException($"{directory}: flushing the folder to disk failed (errno {errno})");
        }
        finally
        {
            close(fd);
        }
    }

    [DllImport("libc", SetLastError = true)] static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);
    [DllImport("libc", SetLastError = true)] static extern int fsync(int fd);
    [DllImport("libc")] static extern int close(int fd);
}
