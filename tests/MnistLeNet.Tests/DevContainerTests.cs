using System.ComponentModel;
using System.Text.Json;
using System.Xml.Linq;

namespace MnistLeNet.Tests;

/// <summary>
/// The dev containers (.devcontainer/devcontainer.json for CPU, .devcontainer/gpu/devcontainer.json for
/// CUDA) and the one build switch they rely on: the MSBuild property TorchBackend, which selects
/// TorchSharp-cpu (default) or TorchSharp-cuda-linux in lib/MnistLeNet/MnistLeNet.csproj.
/// No container is started here; the CUDA package cannot be restored on this project's feed.
/// </summary>
public class DevContainerTests
{
    const string CpuConfig = ".devcontainer/devcontainer.json";
    const string GpuConfig = ".devcontainer/gpu/devcontainer.json";
    const string PostCreateScript = ".devcontainer/post-create.sh";
    const string LibraryProject = "lib/MnistLeNet/MnistLeNet.csproj";

    static readonly string[] RequiredExtensions =
    [
        "ms-dotnettools.dotnet-interactive-vscode", // Polyglot Notebooks
        "ms-dotnettools.csdevkit",
        "ms-dotnettools.csharp",
        "ms-toolsai.jupyter",
    ];

    static readonly string[] LifecycleCommands =
        ["initializeCommand", "onCreateCommand", "updateContentCommand", "postCreateCommand", "postStartCommand", "postAttachCommand"];

    static string RepoPath(string relative) => Path.Combine(NotebookRun.RepositoryRoot, relative);

    static JsonElement LoadConfig(string relative)
    {
        var path = RepoPath(relative);
        Assert.True(File.Exists(path), $"{relative} is missing");
        var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        using var doc = JsonDocument.Parse(File.ReadAllText(path), options);
        Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
        return doc.RootElement.Clone();
    }

    static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString() ?? "").ToArray();

    /// <summary>Every word of the lifecycle commands (string, array or object form).</summary>
    static IEnumerable<string> CommandWords(JsonElement config)
    {
        foreach (var name in LifecycleCommands)
            if (config.TryGetProperty(name, out var command))
                foreach (var word in Words(command)) yield return word;
    }

    static IEnumerable<string> Words(JsonElement command) => command.ValueKind switch
    {
        JsonValueKind.String => (command.GetString() ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries),
        JsonValueKind.Array => Strings(command),
        JsonValueKind.Object => command.EnumerateObject().SelectMany(p => Words(p.Value)),
        _ => [],
    };

    /// <summary>Words of the lifecycle commands that name a file in the repository (scripts).</summary>
    static string[] ReferencedFiles(JsonElement config) => CommandWords(config)
        .Select(w => w.Trim('"', '\'', ';', '&', '|'))
        .Where(w => w.StartsWith(".devcontainer/", StringComparison.Ordinal) || w.StartsWith("./", StringComparison.Ordinal) || w.EndsWith(".sh", StringComparison.Ordinal))
        .Select(w => w.StartsWith("./", StringComparison.Ordinal) ? w[2..] : w)
        .Distinct()
        .ToArray();

    static (int Code, string Out, string Err) Run(string file, IEnumerable<string> args, IDictionary<string, string?>? env = null) =>
        ChildProcess.Run(file, args, NotebookRun.RepositoryRoot, TimeSpan.FromMinutes(2), env);

    public static TheoryData<string> Configs => new() { CpuConfig, GpuConfig };

    [Theory]
    [MemberData(nameof(Configs))]
    public void Config_parses_as_json_with_comments_and_has_the_required_keys(string relative)
    {
        var config = LoadConfig(relative);

        Assert.StartsWith("mcr.microsoft.com/devcontainers/dotnet:10.0", config.GetProperty("image").GetString());
        var extensions = Strings(config.GetProperty("customizations").GetProperty("vscode").GetProperty("extensions"));
        foreach (var id in RequiredExtensions) Assert.Contains(id, extensions);
        Assert.False(string.IsNullOrWhiteSpace(config.GetProperty("postCreateCommand").ToString()), "postCreateCommand is empty");
        Assert.Equal("vscode", config.GetProperty("remoteUser").GetString());
        Assert.Equal("8gb", config.GetProperty("hostRequirements").GetProperty("memory").GetString());
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void Post_create_runs_the_repository_script(string relative)
    {
        var files = ReferencedFiles(LoadConfig(relative));
        Assert.Equal([PostCreateScript], files);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void Every_script_a_config_references_exists_and_is_executable(string relative)
    {
        var files = ReferencedFiles(LoadConfig(relative));
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var path = RepoPath(file);
            Assert.True(File.Exists(path), $"{relative} references {file}, which does not exist");
            if (!OperatingSystem.IsWindows())
                Assert.True((File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0, $"{file} is not executable (chmod +x)");
            Assert.Equal("#!/usr/bin/env bash", File.ReadLines(path).First());
            AssertCommittedAsExecutableIfTracked(file);
        }
    }

    /// <summary>A fresh clone gets the mode git recorded: where the file is tracked, it must be 100755.</summary>
    static void AssertCommittedAsExecutableIfTracked(string file)
    {
        (int Code, string Out, string Err) git;
        try { git = Run("git", ["ls-files", "--stage", "--", file]); }
        catch (Win32Exception) { return; } // no git on this machine: the file-system check above stands
        if (git.Code != 0 || git.Out.Length == 0) return; // not a git checkout, or not yet added
        Assert.StartsWith("100755 ", git.Out);
    }

    [Fact]
    public void Post_create_script_is_valid_bash_and_does_the_documented_steps()
    {
        var (code, _, err) = Run("bash", ["-n", RepoPath(PostCreateScript)]);
        Assert.True(code == 0, $"bash -n failed: {err}");

        var script = File.ReadAllText(RepoPath(PostCreateScript));
        Assert.Contains("set -euo pipefail", script);
        Assert.Contains("dotnet tool restore", script);
        Assert.Contains("dotnet build Notebooks.sln -c Release", script);
        Assert.Contains("dotnet run --project lib/MnistLeNet.Cli -c Release --no-build -- info", script);
        // The backend comes from the environment; a -p:TorchBackend here would override the GPU container's.
        Assert.DoesNotContain("p:TorchBackend", script);
        Assert.True(script.IndexOf("dotnet build", StringComparison.Ordinal) < script.IndexOf("-- info", StringComparison.Ordinal),
            "the build must come before `info` (which runs with --no-build)");
    }

    [Fact]
    public void Gpu_config_passes_the_gpus_and_selects_the_cuda_build()
    {
        var config = LoadConfig(GpuConfig);

        var runArgs = Strings(config.GetProperty("runArgs"));
        Assert.True(runArgs.Contains("--gpus=all") || runArgs.Zip(runArgs.Skip(1)).Contains(("--gpus", "all")),
            $"runArgs lack --gpus all: {string.Join(' ', runArgs)}");
        Assert.Equal("cuda", config.GetProperty("containerEnv").GetProperty("TorchBackend").GetString());
        Assert.Equal(JsonValueKind.True, config.GetProperty("hostRequirements").GetProperty("gpu").ValueKind);
        Assert.Equal(LoadConfig(CpuConfig).GetProperty("image").GetString(), config.GetProperty("image").GetString());
    }

    [Fact]
    public void Cpu_config_uses_the_default_build_and_no_gpu()
    {
        var config = LoadConfig(CpuConfig);

        Assert.False(config.TryGetProperty("runArgs", out var runArgs) && Strings(runArgs).Any(a => a.StartsWith("--gpus", StringComparison.Ordinal)));
        foreach (var envName in new[] { "containerEnv", "remoteEnv" })
            if (config.TryGetProperty(envName, out var env) && env.TryGetProperty("TorchBackend", out var backend))
                Assert.Equal("cpu", backend.GetString());
        Assert.False(config.TryGetProperty("hostRequirements", out var host) && host.TryGetProperty("gpu", out var gpu) && gpu.ValueKind != JsonValueKind.False);
    }

    [Fact]
    public void Library_project_switches_the_torchsharp_package_on_TorchBackend()
    {
        var project = XDocument.Load(RepoPath(LibraryProject));
        var references = project.Descendants("PackageReference")
            .Where(r => ((string?)r.Attribute("Include"))?.StartsWith("TorchSharp", StringComparison.OrdinalIgnoreCase) == true)
            .ToDictionary(r => (string)r.Attribute("Include")!, r => Normalize((string?)r.Attribute("Condition") ?? (string?)r.Parent?.Attribute("Condition")));

        Assert.Equal(["TorchSharp-cpu", "TorchSharp-cuda-linux"], references.Keys.Order());
        Assert.Equal("'$(torchbackend)'=='cuda'", references["TorchSharp-cuda-linux"]);
        var cpu = references["TorchSharp-cpu"];
        Assert.True(cpu is null || (cpu.Contains("'$(torchbackend)'==''") && cpu.Contains("'$(torchbackend)'=='cpu'")),
            $"TorchSharp-cpu must be the default (no condition, or TorchBackend empty or cpu); condition: {cpu}");

        var check = project.Descendants("Target").SingleOrDefault(t => t.Descendants("Error").Any(e => ((string?)e.Attribute("Text"))?.Contains("TorchBackend") == true));
        Assert.NotNull(check);

        var packages = XDocument.Load(RepoPath("Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(v => (string)v.Attribute("Include")!, v => (string?)v.Attribute("Version"));
        Assert.Equal(packages["TorchSharp-cpu"], packages["TorchSharp-cuda-linux"]);

        static string? Normalize(string? condition) =>
            condition is null ? null : new string(condition.Where(c => !char.IsWhiteSpace(c)).ToArray()).ToLowerInvariant();
    }

    /// <summary>MSBuild itself evaluates the switch (no restore, so it runs without the CUDA package).</summary>
    [Theory]
    [InlineData(null, null, "TorchSharp-cpu")]
    [InlineData("cpu", null, "TorchSharp-cpu")]
    [InlineData("cuda", null, "TorchSharp-cuda-linux")]
    [InlineData(null, "cuda", "TorchSharp-cuda-linux")] // the GPU container's environment variable
    [InlineData(null, "cpu", "TorchSharp-cpu")]
    public void MSBuild_picks_exactly_one_torchsharp_package(string? property, string? environment, string expected)
    {
        var args = new List<string> { "msbuild", RepoPath(LibraryProject), "-nologo", "-nodeReuse:false", "-getItem:PackageReference" };
        if (property is not null) args.Add($"-p:TorchBackend={property}");
        var (code, stdout, stderr) = Run(DotnetHost(), args, MSBuildEnvironment(environment));
        Assert.True(code == 0, $"dotnet msbuild failed: {stdout}{stderr}");

        using var items = JsonDocument.Parse(stdout);
        var torchSharp = items.RootElement.GetProperty("Items").GetProperty("PackageReference").EnumerateArray()
            .Select(i => i.GetProperty("Identity").GetString()!)
            .Where(id => id.StartsWith("TorchSharp", StringComparison.OrdinalIgnoreCase))
            .ToArray();
        Assert.Equal([expected], torchSharp);
    }

    [Fact]
    public void An_unknown_TorchBackend_is_an_error_naming_the_property_and_the_allowed_values()
    {
        // CollectPackageReferences runs during restore: the error comes before any package is looked up.
        var (code, stdout, stderr) = Run(DotnetHost(),
            ["msbuild", RepoPath(LibraryProject), "-nologo", "-nodeReuse:false", "-t:CollectPackageReferences", "-p:TorchBackend=bogus"],
            MSBuildEnvironment(null));
        Assert.NotEqual(0, code);
        var output = stdout + stderr;
        Assert.Contains("TorchBackend='bogus'", output);
        Assert.Contains("cpu", output);
        Assert.Contains("cuda", output);
    }

    static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>A clean environment for a child MSBuild: TorchBackend as given (or removed, so a GPU
    /// container's TorchBackend=cuda does not leak into the default case), and none of the MSBuild
    /// variables a test host may carry.</summary>
    static Dictionary<string, string?> MSBuildEnvironment(string? torchBackend) => new()
    {
        ["TorchBackend"] = torchBackend,
        ["MSBuildExtensionsPath"] = null,
        ["MSBuildSDKsPath"] = null,
        ["MSBUILD_EXE_PATH"] = null,
        ["MSBuildLoadMicrosoftTargetsReadOnly"] = null,
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
    };
}
