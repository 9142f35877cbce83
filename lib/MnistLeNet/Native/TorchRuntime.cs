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
/// <param name="CudaError">Why CUDA could not be initialised, when the CUDA build was wanted; otherwise null.</param>
public sealed record TorchRuntimeInfo(string TorchVersion, string? NativeDirectory,
    IReadOnlyList<string> PatchedFiles, bool HostNeedsPatch, bool CudaAvailable, string? CudaError = null);

/// <summary>
/// Prepares TorchSharp's native libraries before anything touches <c>torch</c>. Every entry point
/// (CLI, tests, notebooks) calls <see cref="Initialize"/> first; it is cheap after the first call.
/// </summary>
/// <remarks>
/// Three things happen, in order:
/// <list type="number">
/// <item>On Linux hosts whose libstdc++ lacks GLIBCXX_3.4.32, every copy of libLibTorchSharp.so that
/// TorchSharp might load is patched once (<see cref="GlibcxxCompatPatch"/>), atomically.</item>
/// <item>libtorch is loaded by full path where that matters: from a program's own output, and in a
/// notebook kernel when a different libtorch sits on the system library path (e.g. Debian's
/// python3-torch), which TorchSharp would otherwise pick up by name. If a foreign libtorch is
/// loaded anyway, the error names it.</item>
/// <item>TorchSharp initialises its backend (CUDA first when the CUDA build is wanted, then CPU), which
/// also makes it safe to construct modules from a library in a notebook kernel.</item>
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

            nativeDir = PreloadDirectory();
            if (nativeDir is not null)
                foreach (var lib in LibtorchPreloadOrder)
                    NativeLibrary.Load(Path.Combine(nativeDir, lib));
        }

        string? cudaError = null;
        try
        {
            if (PrefersCuda())
            {
                try { torch.InitializeDeviceType(DeviceType.CUDA); }
                catch (Exception e) when (e is InvalidOperationException or NotSupportedException) { cudaError = e.Message; }
            }
            torch.InitializeDeviceType(DeviceType.CPU);
        }
        catch (Exception e) when (e is NotSupportedException or DllNotFoundException or TypeInitializationException or InvalidOperationException)
        {
            throw new InvalidOperationException(
                "TorchSharp's native library could not be loaded. " +
                (hostNeedsPatch ? "This host's libstdc++ lacks GLIBCXX_3.4.32; patched files: " +
                    (patched.Count == 0 ? "none (already patched or not writable)" : string.Join(", ", patched)) + ". " : "") +
                (cudaError is null ? "" : $"CUDA initialisation failed first: {cudaError} ") +
                "See README.md, section Troubleshooting. Cause: " + e.Message, e);
        }

        if (OperatingSystem.IsLinux()) ThrowIfForeignLibtorchLoaded();
        torch.set_num_threads(CpuThreads.Default);
        return new TorchRuntimeInfo(torch.__version__, nativeDir, patched, hostNeedsPatch, torch.cuda.is_available(), cudaError);
    }

    /// <summary>
    /// The CUDA build is wanted when the switch that selects it at build time is set in the
    /// environment (<c>TorchBackend=cuda</c>, as in the GPU dev container), or when this program's
    /// own output holds CUDA libtorch.
    /// </summary>
    static bool PrefersCuda() =>
        string.Equals(Environment.GetEnvironmentVariable("TorchBackend"), "cuda", StringComparison.OrdinalIgnoreCase)
        || File.Exists(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libtorch_cuda.so"))
        || File.Exists(Path.Combine(AppContext.BaseDirectory, "libtorch_cuda.so"));

    /// <summary>
    /// Where to load libtorch from by full path, before TorchSharp looks for it by name; null to let
    /// TorchSharp choose. A program's own output always wins (it holds the backend it was built with).
    /// Elsewhere (a notebook kernel, which loads packages from the NuGet cache) preloading is only
    /// needed, and only done, when a different libtorch sits on the system library path and could
    /// be picked up by name; then the CPU package's copy is loaded first.
    /// </summary>
    static string? PreloadDirectory()
    {
        bool Complete(string dir) => LibtorchPreloadOrder.All(f => File.Exists(Path.Combine(dir, f)));
        var local = new[] { Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native"), AppContext.BaseDirectory }
            .FirstOrDefault(Complete);
        if (local is not null) return Path.GetFullPath(local);
        if (SystemLibtorch() is null || PrefersCuda()) return null;
        return TorchSharpPackageDirs("libtorch-cpu-linux-x64", "2.10.0")
            .Select(p => Path.Combine(p, "runtimes", "linux-x64", "native"))
            .FirstOrDefault(Complete);
    }

    /// <summary>A libtorch_cpu.so on the system library path (e.g. from Debian's python3-torch), if any.</summary>
    static string? SystemLibtorch() =>
        SystemLibraryPath().Select(d => Path.Combine(d, "libtorch_cpu.so")).FirstOrDefault(File.Exists);

    /// <summary>Where the dynamic loader finds libraries by name: LD_LIBRARY_PATH, then the usual system folders.</summary>
    static IEnumerable<string> SystemLibraryPath() =>
        (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib"])
            .Select(d => d.TrimEnd('/'));

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

    /// <summary>Patches one file if it needs it, atomically and keeping its permissions. Returns false
    /// when nothing had to change, or when the file is not ours to change (read-only cache or file
    /// system); loading then reports the problem if that copy is the one TorchSharp uses.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    internal static bool PatchFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (!GlibcxxCompatPatch.Apply(bytes, path)) return false;
        try
        {
            AtomicFile.Write(path, stream => stream.Write(bytes)); // keeps the file's mode
            return true;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return false;
        }
    }

    /// <summary>Every copy of libLibTorchSharp.so that TorchSharp may load in this process.</summary>
    static IEnumerable<string> LibTorchSharpCopies() =>
        CandidateDirectories(TorchSharpPackageDirs("torchsharp", TorchSharpVersion)
                .SelectMany(p => new[]
                {
                    Path.Combine(p, "runtimes", "linux-x64", "native"), Path.Combine(p, "lib", "net8.0"),
                    Path.Combine(p, "lib", "net8.0", "cpu"), Path.Combine(p, "lib", "net8.0", "cuda-12.8"),
                }))
            .Select(d => Path.Combine(d, "libLibTorchSharp.so"))
            .Where(File.Exists);

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
            Path.Combine(torchSharpDir, "cuda-12.8"),
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

    /// <summary>Fails, naming the files, when a libtorch library was loaded from the system library
    /// path, or twice from different folders: TorchSharp would then call into a libtorch it was not
    /// built for. (TorchSharp itself may take libtorch.so from its consolidated copy and the others
    /// from the package folder; those are the same files, and fine.)</summary>
    static void ThrowIfForeignLibtorchLoaded()
    {
        var searchPath = SystemLibraryPath().ToHashSet();
        var loaded = LoadedLibraries().Where(p => LibtorchPreloadOrder.Contains(Path.GetFileName(p))).ToList();
        var foreign = loaded.Where(p => searchPath.Contains(Path.GetDirectoryName(p)!))
            .Concat(loaded.GroupBy(Path.GetFileName).Where(g => g.Count() > 1).SelectMany(g => g))
            .Distinct().ToList();
        if (foreign.Count > 0)
            throw new InvalidOperationException(
                $"A different libtorch was loaded next to TorchSharp's own: {string.Join(", ", foreign)}. " +
                "It usually comes from a system-wide PyTorch (e.g. Debian's python3-torch in /usr/lib). " +
                "Restart the process or notebook kernel and call MnistLeNet.Native.TorchRuntime.Initialize() before any other " +
                "TorchSharp call, or remove the system libtorch.");
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
        catch (Exception) { /* the explicit Initialize() call reports it */ }
    }
}
