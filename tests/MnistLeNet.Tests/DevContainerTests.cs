using System.ComponentModel;
using System.Text.Json;
using System.Xml.Linq;

namespace MnistLeNet.Tests;

/// <summary>
/// The dev containers (.devcontainer/devcontainer.json for CPU, .devcontainer/gpu/devcontainer.json for
/// CUDA) and the one build switch they rely on: the MSBuild property TorchBackend, which selects
/// TorchSharp-cpu (default) or TorchSharp-cuda-linux in lib/MnistLeNet/MnistLeNet.csproj.
/// No container is started here; the CUDA package cannot be restored on this project's feed. What is
/// checked is what the configurations do (the scripts they run, the package MSBuild picks in each),
/// not the values they hold.
/// </summary>
public class DevContainerTests
{
    const string CpuConfig = ".devcontainer/devcontainer.json";
    const string GpuConfig = ".devcontainer/gpu/devcontainer.json";
    const string PostCreateScript = ".devcontainer/post-create.sh";
    const string LibraryProject = "lib/MnistLeNet/MnistLeNet.csproj";

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
    public void Config_parses_as_json_with_comments_and_has_a_post_create_command(string relative)
    {
        var config = LoadConfig(relative);
        Assert.False(string.IsNullOrWhiteSpace(config.GetProperty("postCreateCommand").ToString()), "postCreateCommand is empty");
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
    public void Post_create_script_is_valid_bash()
    {
        var (code, _, err) = Run("bash", ["-n", RepoPath(PostCreateScript)]);
        Assert.True(code == 0, $"bash -n failed: {err}");
    }

    /// <summary>The script run against a stand-in <c>dotnet</c> that only records its arguments (and, for
    /// <c>info</c>, reports no CUDA device): what it asks of dotnet, in which order, and how it ends.</summary>
    [Theory]
    [InlineData(null)]
    [InlineData("cuda")]
    public void Post_create_restores_the_tools_builds_then_runs_info_and_only_warns_without_a_gpu(string? torchBackend)
    {
        using var dir = new TempDir();
        var log = dir.File("dotnet.log");
        File.WriteAllText(dir.File("dotnet"), "#!/usr/bin/env bash\necho \"$*\" >> \"$STUB_LOG\"\n[ \"$1\" = run ] && echo \"cuda available: False\"\nexit 0\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dir.File("dotnet"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var (code, _, err) = Run(RepoPath(PostCreateScript), [], new Dictionary<string, string?>
        {
            ["PATH"] = dir.Path + ":" + Environment.GetEnvironmentVariable("PATH"),
            ["STUB_LOG"] = log,
            ["TorchBackend"] = torchBackend,
        });

        Assert.True(code == 0, $"post-create failed: {err}");
        var calls = File.ReadAllLines(log);
        Assert.Equal(["tool", "build", "run"], calls.Select(c => c.Split(' ')[0]));
        Assert.StartsWith("tool restore", calls[0]);
        Assert.Contains("--no-build", calls[2].Split(' ')); // so the build must come first, as it does
        Assert.EndsWith("info", calls[2]);
        // The backend comes from the environment; a -p:TorchBackend would override the GPU container's.
        Assert.DoesNotContain(calls, c => c.Contains("TorchBackend", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(torchBackend == "cuda", err.Contains("no CUDA device"));
    }

    public static TheoryData<string, string> ConfigPackages => new()
    {
        { CpuConfig, "TorchSharp-cpu" },
        { GpuConfig, "TorchSharp-cuda-linux" },
    };

    /// <summary>Each container's environment, given to MSBuild, selects its TorchSharp package; the
    /// CUDA one also gets the host's GPUs, and both use the same image.</summary>
    [Theory]
    [MemberData(nameof(ConfigPackages))]
    public void Each_container_builds_its_own_torchsharp_package(string relative, string expected)
    {
        var config = LoadConfig(relative);
        var backend = new[] { "remoteEnv", "containerEnv" } // remoteEnv wins where both set it
            .Select(e => config.TryGetProperty(e, out var env) && env.TryGetProperty("TorchBackend", out var b) ? b.GetString() : null)
            .FirstOrDefault(b => b is not null);
        Assert.Equal([expected], TorchSharpPackages(property: null, environment: backend));

        var runArgs = config.TryGetProperty("runArgs", out var args) ? Strings(args) : [];
        var gpus = runArgs.Contains("--gpus=all") || runArgs.Zip(runArgs.Skip(1)).Contains(("--gpus", "all"));
        Assert.True(gpus == (expected == "TorchSharp-cuda-linux"), $"{relative}: runArgs {string.Join(' ', runArgs)}");
        Assert.Equal(LoadConfig(CpuConfig).GetProperty("image").GetString(), config.GetProperty("image").GetString());
    }

    [Fact]
    public void Both_torchsharp_packages_have_the_same_version()
    {
        var packages = XDocument.Load(RepoPath("Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(v => (string)v.Attribute("Include")!, v => (string?)v.Attribute("Version"));
        Assert.Equal(packages["TorchSharp-cpu"], packages["TorchSharp-cuda-linux"]);
    }

    /// <summary>MSBuild itself evaluates the switch (no restore, so it runs without the CUDA package).</summary>
    [Theory]
    [InlineData(null, null, "TorchSharp-cpu")]
    [InlineData("cpu", null, "TorchSharp-cpu")]
    [InlineData("cuda", null, "TorchSharp-cuda-linux")]
    [InlineData(null, "cuda", "TorchSharp-cuda-linux")] // the GPU container's environment variable
    [InlineData(null, "cpu", "TorchSharp-cpu")]
    public void MSBuild_picks_exactly_one_torchsharp_package(string? property, string? environment, string expected)
        => Assert.Equal([expected], TorchSharpPackages(property, environment));

    /// <summary>The TorchSharp packages MSBuild references, with TorchBackend as property and/or environment variable.</summary>
    static string[] TorchSharpPackages(string? property, string? environment)
    {
        var args = new List<string> { "msbuild", RepoPath(LibraryProject), "-nologo", "-nodeReuse:false", "-getItem:PackageReference" };
        if (property is not null) args.Add($"-p:TorchBackend={property}");
        var (code, stdout, stderr) = Run(DotnetHost(), args, MSBuildEnvironment(environment));
        Assert.True(code == 0, $"dotnet msbuild failed: {stdout}{stderr}");

        using var items = JsonDocument.Parse(stdout);
        return items.RootElement.GetProperty("Items").GetProperty("PackageReference").EnumerateArray()
            .Select(i => i.GetProperty("Identity").GetString()!)
            .Where(id => id.StartsWith("TorchSharp", StringComparison.OrdinalIgnoreCase))
            .ToArray();
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
