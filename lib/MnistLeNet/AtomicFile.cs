using System.Runtime.InteropServices;
using System.Text;

namespace MnistLeNet;

/// <summary>Writes a file so that it is either complete or absent; a failed write leaves the old one (see <see cref="PendingFile"/>).</summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/>, after <paramref name="check"/> (if any) accepts what it reads back.</summary>
    public static void Write(string path, Action<Stream> write, Action<Stream>? check = null)
    {
        using var file = PendingFile.Reserve(path);
        file.Write(write, check);
        file.Commit();
    }

    /// <summary><paramref name="text"/> as UTF-8 without the byte-order mark browsers and editors do not expect.</summary>
    public static Action<Stream> Utf8(string text) => stream => stream.Write(NoByteOrderMark.GetBytes(text));

    static readonly UTF8Encoding NoByteOrderMark = new(encoderShouldEmitUTF8Identifier: false);

    // POSIX: a rename survives a power cut only once its folder is fsync'ed. Tests replace it to check it is called.
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
