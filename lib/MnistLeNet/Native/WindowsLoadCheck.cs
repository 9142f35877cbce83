using System.Runtime.InteropServices;

namespace MnistLeNet.Native;

/// <summary>Why TorchSharp did not load on Windows: loads its parts one by one and names the first that fails.</summary>
static class WindowsLoadCheck
{
    internal const string UpstreamReport = "https://github.com/dotnet/TorchSharp/issues/1567";
    internal const string VcRedist = "https://aka.ms/vs/17/release/vc_redist.x64.exe";
    internal static readonly string[] VcRuntime = ["msvcp140.dll", "vcruntime140.dll", "vcruntime140_1.dll"];
    internal static readonly string[] TorchParts = ["c10.dll", "torch_cpu.dll", "LibTorchSharp.dll"];

    // load: a DLL by name or full path; null when it loaded, else the error.
    internal static string Explain(Exception error, Architecture architecture, IReadOnlyList<string> folders, Func<string, string?> load)
    {
        var findings = new List<string>();
        var missingRuntime = VcRuntime.Where(dll => load(dll) is not null).ToList();
        if (missingRuntime.Count > 0)
            findings.Add($"The Microsoft Visual C++ 2015-2022 runtime is missing ({string.Join(", ", missingRuntime)} not found), and libtorch needs it: " +
                         $"install the VC++ redistributable ({VcRedist}, or 'winget install Microsoft.VCRedist.2015+.x64'), then try again.");
        foreach (var dll in TorchParts)
        {
            var path = folders.Select(f => Path.Combine(f, dll)).FirstOrDefault(File.Exists);
            if (path is null)
            {
                findings.Add($"{dll} was not found (looked in {(folders.Count == 0 ? "no folder" : string.Join("; ", folders))})" +
                             (architecture == Architecture.X64 ? ": build the project again (dotnet build), which copies it from the libtorch-cpu-win-x64 package."
                                 : $": TorchSharp-cpu {PackageVersions.TorchSharp} brings libtorch for Windows x64 only, not {architecture}."));
                break;
            }
            if (load(path) is { } why)
            {
                findings.Add($"{path} did not load: {why}" + (dll == "c10.dll" || missingRuntime.Count == 0 ? "" : " (it may be the VC++ runtime above)"));
                break;
            }
            if (dll == TorchParts[^1])
                findings.Add($"{string.Join(", ", TorchParts)} each load by full path (from {string.Join("; ", TorchParts.Select(d => folders.First(f => File.Exists(Path.Combine(f, d)))).Distinct())}), " +
                             "so the failure is in TorchSharp's own start-up.");
        }
        return $"TorchSharp's native library could not be loaded on Windows ({architecture}). " + string.Join(" ", findings) +
               $" A failure to load on Windows was reported upstream: {UpstreamReport}. If it still fails, run the tutorial in WSL2 (Ubuntu) " +
               "or in the dev container (VS Code Dev Containers, or GitHub Codespaces): README.md, section Platforms, has the steps. " +
               "TorchSharp said (its words about a missing libtorch-cpu-win-x64 reference are misleading: this project references it): " + error.Message;
    }

    // A program's output (flat when self-contained), TorchSharp's folders, then the package cache (a notebook kernel).
    internal static IReadOnlyList<string> Folders(string torchSharpDir, IEnumerable<string> packageRoots, Architecture architecture)
    {
        var rid = architecture == Architecture.Arm64 ? "win-arm64" : "win-x64";
        var native = Path.Combine("runtimes", rid, "native");
        string[] local = [AppContext.BaseDirectory, Path.Combine(AppContext.BaseDirectory, native), torchSharpDir, Path.Combine(torchSharpDir, "cpu")];
        var packages = packageRoots.SelectMany(root => new[]
        {
            Path.Combine(root, "libtorch-cpu-" + rid, PackageVersions.LibTorch, native),
            Path.Combine(root, "torchsharp", PackageVersions.TorchSharp, native),
        });
        return local.Concat(packages).Where(Directory.Exists).Select(Path.GetFullPath).Distinct().ToList();
    }

    internal static string? Load(string nameOrPath)
    {
        try { NativeLibrary.Load(nameOrPath); return null; }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException) { return e.Message; }
    }
}
