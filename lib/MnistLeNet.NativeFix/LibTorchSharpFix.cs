namespace MnistLeNet.NativeFix;

/// <summary>What <see cref="LibTorchSharpFix.ApplyIfNeeded"/> found and did.</summary>
/// <param name="HostNeedsPatch">True on a Linux host whose libstdc++ lacks <see cref="GlibcxxCompatPatch.MissingVersion"/>.</param>
/// <param name="PatchedFiles">The copies of libLibTorchSharp.so this call changed.</param>
public sealed record LibTorchSharpFixResult(bool HostNeedsPatch, IReadOnlyList<string> PatchedFiles);

/// <summary>
/// The entry point of the fix: makes TorchSharp's <c>libLibTorchSharp.so</c> load on Linux hosts whose
/// libstdc++ stops before GLIBCXX_3.4.32 (see <see cref="GlibcxxCompatPatch"/> for the two edits).
/// MnistLeNet's <c>TorchRuntime.Initialize()</c> calls it before TorchSharp loads anything.
/// </summary>
public static class LibTorchSharpFix
{
    public const string FileName = "libLibTorchSharp.so";

    /// <summary>On Linux, when the libstdc++ of this process lacks GLIBCXX_3.4.32, patches every
    /// <see cref="FileName"/> in <paramref name="folders"/> (each once, atomically). Elsewhere, and on
    /// hosts that have the version, it reads and changes nothing.</summary>
    public static LibTorchSharpFixResult ApplyIfNeeded(IEnumerable<string> folders)
    {
        if (!OperatingSystem.IsLinux() || HostLibStdCxxHas(GlibcxxCompatPatch.MissingVersion)) return new(false, []);
        var patched = folders.Select(f => Path.Combine(f, FileName)).Where(File.Exists).Where(PatchFile).ToList();
        return new(true, patched);
    }

    /// <summary>True when the libstdc++ this process uses defines <paramref name="version"/>.</summary>
    internal static bool HostLibStdCxxHas(string version)
    {
        var path = LoadedLibraries.InThisProcess().FirstOrDefault(p => Path.GetFileName(p).StartsWith("libstdc++.so", StringComparison.Ordinal))
                   ?? new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6" }
                       .FirstOrDefault(File.Exists);
        if (path is null) return true; // nothing to inspect: do not touch any file
        var needle = System.Text.Encoding.ASCII.GetBytes(version + "\0");
        return File.ReadAllBytes(path).AsSpan().IndexOf(needle) >= 0;
    }

    /// <summary>Patches one file if it needs it: written to a temporary file beside it, with its
    /// permissions, then renamed over it. Returns false when nothing had to change, or when the file is
    /// not ours to change (read-only cache or file system); loading then reports the problem if that
    /// copy is the one TorchSharp uses.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    internal static bool PatchFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (!GlibcxxCompatPatch.Apply(bytes, path)) return false;
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew))
            {
                file.Write(bytes);
                file.Flush(flushToDisk: true);
            }
            File.SetUnixFileMode(temp, File.GetUnixFileMode(path));
            File.Move(temp, path, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return false;
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
