using System.Runtime.InteropServices;
using MnistLeNet.NativeFix;
using TorchSharp;

namespace MnistLeNet.Native;

/// <summary>What <see cref="TorchRuntime.Initialize"/> did and found.</summary>
/// <param name="NativeDirectory">The folder libtorch was loaded from (null when TorchSharp chose it).</param>
/// <param name="HostNeedsPatch">True when the host's libstdc++ lacks GLIBCXX_3.4.32 (Linux only).</param>
public sealed record TorchRuntimeInfo(string TorchVersion, string? NativeDirectory,
    IReadOnlyList<string> PatchedFiles, bool HostNeedsPatch, bool CudaAvailable, string? CudaError = null)
{
    /// <summary>One line for a learner: what runs where, and what was fixed.</summary>
    public string Describe()
    {
        var where = CudaAvailable ? "on the CPU, with a CUDA GPU available" : "on the CPU (no CUDA GPU)";
        var loaded = NativeDirectory is null ? "" : $", loaded from {NativeDirectory}";
        var fix = !HostNeedsPatch ? ""
            : PatchedFiles.Count == 0 ? "; this system's libstdc++ is older than libtorch's, and libLibTorchSharp.so was already patched for it (README: the native fix)"
            : $"; this system's libstdc++ is older than libtorch's, so {(PatchedFiles.Count == 1 ? "1 copy" : $"{PatchedFiles.Count} copies")} of libLibTorchSharp.so {(PatchedFiles.Count == 1 ? "was" : "were")} patched to load (README: the native fix)";
        var cuda = CudaError is null ? "" : $"; CUDA did not start: {CudaError}";
        return $"TorchSharp ready: libtorch {TorchVersion} {where}{loaded}{fix}{cuda}";
    }

    public override string ToString() => Describe();
}

/// <summary>Prepares TorchSharp's native libraries; every program and notebook calls <see cref="Initialize"/> first.</summary>
/// <remarks>Linux: patches libLibTorchSharp.so for an old libstdc++ (<see cref="LibTorchSharpFix"/>) and loads
/// libtorch by full path where a system libtorch (e.g. Debian's python3-torch) would be picked up by name. Windows: a
/// failure is explained part by part (<see cref="WindowsLoadCheck"/>), as TorchSharp's own message misleads.</remarks>
public static class TorchRuntime
{
    static readonly string[] LibtorchPreloadOrder = ["libc10.so", "libtorch_cpu.so", "libtorch.so"];
    static readonly object Gate = new();
    static TorchRuntimeInfo? _info;

    /// <summary>Runs once per process; throws <see cref="InvalidOperationException"/> saying what to do if TorchSharp cannot load.</summary>
    public static TorchRuntimeInfo Initialize()
    {
        lock (Gate)
        {
            return _info ??= Load(CurrentOs(), torch.InitializeDeviceType);
        }
    }

    // Tests pretend other systems and failures.
    internal static TorchRuntimeInfo Load(OSPlatform os, Action<DeviceType> initializeDevice)
    {
        bool linux = os == OSPlatform.Linux;
        if (linux) LargeAllocations.ReturnToSystem();
        var fix = linux ? LibTorchSharpFix.ApplyIfNeeded(LibTorchSharpFolders()) : new LibTorchSharpFixResult(false, []);
        var nativeDir = linux ? PreloadDirectory() : null;
        if (nativeDir is not null)
            foreach (var lib in LibtorchPreloadOrder)
                NativeLibrary.Load(Path.Combine(nativeDir, lib));

        string? cudaError = null;
        try
        {
            if (PrefersCuda())
            {
                try { initializeDevice(DeviceType.CUDA); }
                catch (Exception e) when (e is InvalidOperationException or NotSupportedException) { cudaError = e.Message; }
            }
            initializeDevice(DeviceType.CPU);
        }
        catch (Exception e) when (e is NotSupportedException or DllNotFoundException or TypeInitializationException or InvalidOperationException)
        {
            throw new InvalidOperationException(os == OSPlatform.Windows ? WindowsFailure(e) : LoadFailure(e, fix, cudaError), e);
        }

        if (linux) ThrowIfForeignLibtorchLoaded();
        return new TorchRuntimeInfo(torch.__version__, nativeDir, fix.PatchedFiles, fix.HostNeedsPatch, torch.cuda.is_available(), cudaError);
    }

    static OSPlatform CurrentOs() =>
        OperatingSystem.IsLinux() ? OSPlatform.Linux
        : OperatingSystem.IsWindows() ? OSPlatform.Windows
        : OperatingSystem.IsMacOS() ? OSPlatform.OSX
        : OSPlatform.Create(RuntimeInformation.OSDescription);

    static string WindowsFailure(Exception e) => WindowsLoadCheck.Explain(e, RuntimeInformation.ProcessArchitecture,
        WindowsLoadCheck.Folders(Path.GetDirectoryName(typeof(torch).Assembly.Location) ?? "", PackageRoots(), RuntimeInformation.ProcessArchitecture),
        WindowsLoadCheck.Load);

    static string LoadFailure(Exception e, LibTorchSharpFixResult fix, string? cudaError) =>
        "TorchSharp's native library could not be loaded. " +
        (fix.HostNeedsPatch ? "This host's libstdc++ lacks GLIBCXX_3.4.32; patched files: " +
            (fix.PatchedFiles.Count == 0 ? "none (already patched or not writable)" : string.Join(", ", fix.PatchedFiles)) + ". " : "") +
        (cudaError is null ? "" : $"CUDA initialisation failed first: {cudaError} ") +
        "See README.md, section Troubleshooting. Cause: " + e.Message;

    // TorchBackend=cuda is the build switch (the GPU dev container sets it).
    static bool PrefersCuda() =>
        string.Equals(Environment.GetEnvironmentVariable("TorchBackend"), "cuda", StringComparison.OrdinalIgnoreCase)
        || File.Exists(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libtorch_cuda.so"))
        || File.Exists(Path.Combine(AppContext.BaseDirectory, "libtorch_cuda.so"));

    // A program's own output wins (it holds the backend it was built with); a notebook kernel preloads the CPU
    // package's copy only when a system libtorch could be picked up by name. Null: TorchSharp chooses.
    static string? PreloadDirectory()
    {
        bool Complete(string dir) => LibtorchPreloadOrder.All(f => File.Exists(Path.Combine(dir, f)));
        var local = new[] { Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native"), AppContext.BaseDirectory }
            .FirstOrDefault(Complete);
        if (local is not null) return Path.GetFullPath(local);
        if (SystemLibtorch() is null || PrefersCuda()) return null;
        return PackageDirs("libtorch-cpu-linux-x64", PackageVersions.LibTorch)
            .Select(p => Path.Combine(p, "runtimes", "linux-x64", "native"))
            .FirstOrDefault(Complete);
    }

    static string? SystemLibtorch() =>
        SystemLibraryPath().Select(d => Path.Combine(d, "libtorch_cpu.so")).FirstOrDefault(File.Exists);

    static IEnumerable<string> SystemLibraryPath() =>
        (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib"])
            .Select(d => d.TrimEnd('/'));

    // Every folder TorchSharp may load libLibTorchSharp.so from, its consolidated copies included.
    static IEnumerable<string> LibTorchSharpFolders()
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
        var packages = PackageDirs("torchsharp", PackageVersions.TorchSharp).SelectMany(p => new[]
        {
            Path.Combine(p, "runtimes", "linux-x64", "native"), Path.Combine(p, "lib", "net8.0"),
            Path.Combine(p, "lib", "net8.0", "cpu"), Path.Combine(p, "lib", "net8.0", "cuda-12.8"),
        });
        return local.Concat(packages).Where(Directory.Exists).Select(Path.GetFullPath).Distinct();
    }

    static IEnumerable<string> PackageDirs(string id, string version) =>
        PackageRoots().Select(r => Path.Combine(r, id.ToLowerInvariant(), version));

    static IEnumerable<string> PackageRoots()
    {
        var roots = new List<string?>
        {
            Environment.GetEnvironmentVariable("NUGET_PACKAGES"),
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        };
        // TorchSharp.dll inside a package cache: <root>/torchsharp/<version>/lib/net8.0/TorchSharp.dll
        var torchSharpDir = Path.GetDirectoryName(typeof(torch).Assembly.Location);
        if (torchSharpDir is not null) roots.Add(Path.GetFullPath(Path.Combine(torchSharpDir, "..", "..", "..", "..")));
        return roots.OfType<string>().Where(r => r.Length > 0).Distinct();
    }

    // A libtorch from the system path, or one name from two folders, is not the one TorchSharp was built for.
    static void ThrowIfForeignLibtorchLoaded()
    {
        var searchPath = SystemLibraryPath().ToHashSet();
        var loaded = LoadedLibraries.InThisProcess().Where(p => LibtorchPreloadOrder.Contains(Path.GetFileName(p))).ToList();
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
}
