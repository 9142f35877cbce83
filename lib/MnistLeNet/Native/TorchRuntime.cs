using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;

namespace MnistLeNet.Native;

/// <summary>What <see cref="TorchRuntime.Initialize"/> did and found.</summary>
/// <param name="TorchVersion">libtorch's version, e.g. "2.10.0".</param>
/// <param name="NativeDirectory">The folder libtorch was loaded from (null when TorchSharp chose it).</param>
/// <param name="PatchedFiles">Copies of libLibTorchSharp.so patched by this call (see <see cref="GlibcxxCompatPatch"/>).</param>
/// <param name="HostNeedsPatch">True when the host's libstdc++ lacks GLIBCXX_3.4.32.</param>
/// <param name="CudaAvailable">True when TorchSharp reports a usable CUDA device.</param>
public sealed record TorchRuntimeInfo(string TorchVersion, string? NativeDirectory,
    IReadOnlyList<string> PatchedFiles, bool HostNeedsPatch, bool CudaAvailable);

/// <summary>
/// Prepares TorchSharp's native libraries before anything touches <c>torch</c>. Every entry point
/// (CLI, tests, notebooks) calls <see cref="Initialize"/> first; it is cheap after the first call.
/// </summary>
/// <remarks>
/// Three things happen, in order:
/// <list type="number">
/// <item>On Linux hosts whose libstdc++ lacks GLIBCXX_3.4.32, every copy of libLibTorchSharp.so that
/// TorchSharp might load is patched once (<see cref="GlibcxxCompatPatch"/>), atomically.</item>
/// <item>libtorch is loaded by full path from the folder that belongs to this TorchSharp, so a
/// different libtorch on the system library path (e.g. Debian's python3-torch) cannot be picked
/// up by name; if one is loaded anyway, the error names it.</item>
/// <item>TorchSharp initialises its CPU backend, which also makes it safe to construct modules
/// from a library in a notebook kernel.</item>
/// </list>
/// </remarks>
public static class TorchRuntime
{
    const string TorchSharpVersion = "0.107.0";
    static readonly string[] LibtorchPreloadOrder = ["libc10.so", "libtorch_cpu.so", "libtorch.so"];
    static readonly object Gate = new();
    static TorchRuntimeInfo? _info;

    /// <summary>Runs once per process; later calls return the first result.</summary>
    public static TorchRuntimeInfo Initialize()
    {
        lock (Gate)
        {
            return _info ??= InitializeOnce();
        }
    }

    static TorchRuntimeInfo InitializeOnce()
    {
        var patched = new List<string>();
        string? nativeDir = null;
        bool hostNeedsPatch = false;

        if (OperatingSystem.IsLinux())
        {
            hostNeedsPatch = !HostLibStdCxxHas(GlibcxxCompatPatch.MissingVersion);
            if (hostNeedsPatch)
                foreach (var file in LibTorchSharpCopies())
                    if (PatchFile(file)) patched.Add(file);

            nativeDir = LibtorchDirectories().FirstOrDefault(d => LibtorchPreloadOrder.All(f => File.Exists(Path.Combine(d, f))));
            if (nativeDir is not null)
                foreach (var lib in LibtorchPreloadOrder)
                    NativeLibrary.Load(Path.Combine(nativeDir, lib));
        }

        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
        }
        catch (Exception e) when (e is NotSupportedException or DllNotFoundException or TypeInitializationException)
        {
            throw new InvalidOperationException(
                "TorchSharp's native library could not be loaded. " +
                (hostNeedsPatch ? "This host's libstdc++ lacks GLIBCXX_3.4.32; patched files: " +
                    (patched.Count == 0 ? "none (already patched or not writable)" : string.Join(", ", patched)) + ". " : "") +
                "See README.md, section Troubleshooting. Cause: " + e.Message, e);
        }

        if (OperatingSystem.IsLinux() && nativeDir is not null) ThrowIfForeignLibtorchLoaded(nativeDir);
        return new TorchRuntimeInfo(torch.__version__, nativeDir, patched, hostNeedsPatch, torch.cuda.is_available());
    }

    /// <summary>True when the libstdc++ this process uses defines <paramref name="version"/>.</summary>
    internal static bool HostLibStdCxxHas(string version)
    {
        var path = LoadedLibraries().FirstOrDefault(p => Path.GetFileName(p).StartsWith("libstdc++.so", StringComparison.Ordinal))
                   ?? new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6" }
                       .FirstOrDefault(File.Exists);
        if (path is null) return true; // nothing to inspect: do not touch any file
        var needle = System.Text.Encoding.ASCII.GetBytes(version + "\0");
        return File.ReadAllBytes(path).AsSpan().IndexOf(needle) >= 0;
    }

    /// <summary>Patches one file if it needs it; writes a sibling temp file and renames it over.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    internal static bool PatchFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (!GlibcxxCompatPatch.Apply(bytes, path)) return false;
        var temp = path + $".{Environment.ProcessId}.tmp";
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.SetUnixFileMode(temp, File.GetUnixFileMode(path));
            File.Move(temp, path, overwrite: true);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            File.Delete(temp);
            return false; // not ours to change (e.g. a read-only cache); loading will report it
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Every copy of libLibTorchSharp.so that TorchSharp may load in this process.</summary>
    static IEnumerable<string> LibTorchSharpCopies() =>
        CandidateDirectories(TorchSharpPackageDirs("torchsharp", TorchSharpVersion)
                .SelectMany(p => new[] { Path.Combine(p, "runtimes", "linux-x64", "native"), Path.Combine(p, "lib", "net8.0"), Path.Combine(p, "lib", "net8.0", "cpu") }))
            .Select(d => Path.Combine(d, "libLibTorchSharp.so"))
            .Where(File.Exists);

    /// <summary>Folders that may hold libtorch for this TorchSharp, most specific first.</summary>
    static IEnumerable<string> LibtorchDirectories()
    {
        bool cuda = AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name?.StartsWith("libtorch-cuda", StringComparison.Ordinal) == true);
        var packages = cuda
            ? TorchSharpPackageDirs("libtorch-cuda-12.8-linux-x64", "2.10.0")
            : TorchSharpPackageDirs("libtorch-cpu-linux-x64", "2.10.0");
        return CandidateDirectories(packages.Select(p => Path.Combine(p, "runtimes", "linux-x64", "native")));
    }

    static IEnumerable<string> CandidateDirectories(IEnumerable<string> packageDirs)
    {
        var torchSharpDir = Path.GetDirectoryName(typeof(torch).Assembly.Location) ?? "";
        string[] local =
        [
            Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native"),
            AppContext.BaseDirectory,
            Path.Combine(AppContext.BaseDirectory, "cpu"),
            torchSharpDir,
            Path.Combine(torchSharpDir, "cpu"),
        ];
        return local.Concat(packageDirs).Where(Directory.Exists).Select(Path.GetFullPath).Distinct();
    }

    static IEnumerable<string> TorchSharpPackageDirs(string id, string version)
    {
        var roots = new List<string?>
        {
            Environment.GetEnvironmentVariable("NUGET_PACKAGES"),
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        };
        // TorchSharp.dll inside a package cache: <root>/torchsharp/<version>/lib/net8.0/TorchSharp.dll
        var torchSharpDir = Path.GetDirectoryName(typeof(torch).Assembly.Location);
        if (torchSharpDir is not null) roots.Add(Path.GetFullPath(Path.Combine(torchSharpDir, "..", "..", "..", "..")));
        return roots.OfType<string>().Where(r => r.Length > 0)
            .Select(r => Path.Combine(r, id.ToLowerInvariant(), version));
    }

    static void ThrowIfForeignLibtorchLoaded(string nativeDir)
    {
        var names = new HashSet<string>(LibtorchPreloadOrder) { "libLibTorchSharp.so" };
        var foreign = LoadedLibraries()
            .Where(p => names.Contains(Path.GetFileName(p)) && Path.GetFileName(p) != "libLibTorchSharp.so"
                        && Path.GetDirectoryName(p) != nativeDir.TrimEnd('/'))
            .ToList();
        if (foreign.Count > 0)
            throw new InvalidOperationException(
                $"A different libtorch was loaded: {string.Join(", ", foreign)} (expected {nativeDir}). " +
                "It usually comes from a system-wide PyTorch (e.g. Debian's python3-torch in /usr/lib). " +
                "Restart the process/kernel and call MnistLeNet.Native.TorchRuntime.Initialize() before any other TorchSharp call, " +
                "or remove the system libtorch.");
    }

    static IEnumerable<string> LoadedLibraries()
    {
        if (!File.Exists("/proc/self/maps")) return [];
        return File.ReadLines("/proc/self/maps")
            .Select(line => line.IndexOf('/') is var i and >= 0 ? line[i..] : "")
            .Where(p => p.Contains(".so", StringComparison.Ordinal))
            .Distinct()
            .ToList();
    }

    /// <summary>Runs <see cref="Initialize"/> as soon as this library is first used, so that a caller
    /// who forgets it still gets the fixes. Errors are kept for the explicit call to report.</summary>
#pragma warning disable CA2255 // deliberate: the native fixes must run before any TorchSharp call
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void InitializeOnFirstUse()
    {
        try { Initialize(); }
        catch (Exception) { _info = null; }
    }
}
