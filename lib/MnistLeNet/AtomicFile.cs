namespace MnistLeNet;

/// <summary>
/// Writes a file so that it is either complete or absent: the content goes to a temporary file
/// beside the target, is flushed to disk, optionally checked, and only then renamed over the
/// target. If anything fails, the temporary file is deleted and the target is untouched.
/// </summary>
public static class AtomicFile
{
    /// <param name="path">The file to create or replace.</param>
    /// <param name="write">Writes the content to the temporary path it is given.</param>
    /// <param name="check">Optional: inspects the temporary file and throws if it is wrong.</param>
    public static void Write(string path, Action<string> write, Action<string>? check = null)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = $"{full}.{Guid.NewGuid():N}.tmp";
        try
        {
            write(temp);
            using (var written = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite)) written.Flush(flushToDisk: true);
            check?.Invoke(temp);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
