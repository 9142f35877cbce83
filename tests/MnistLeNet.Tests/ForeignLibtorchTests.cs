namespace MnistLeNet.Tests;

/// <summary>
/// A libtorch on the system library path (Debian's python3-torch puts one in /usr/lib) hijacks
/// TorchSharp inside notebook kernels, which look for "libtorch_cpu.so" by name. This plants a
/// fake one on LD_LIBRARY_PATH and checks that a notebook that starts with
/// TorchRuntime.Initialize() still gets the right libtorch.
/// </summary>
public class ForeignLibtorchTests
{
    [Fact]
    public void A_libtorch_on_the_library_path_does_not_hijack_the_notebook_kernel()
    {
        using var dir = new TempDir();
        var fakeDir = Directory.CreateDirectory(dir.File("fake-system-lib")).FullName;
        var someLibrary = new[] { "/usr/lib/x86_64-linux-gnu/libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1" }.First(File.Exists);
        File.Copy(someLibrary, Path.Combine(fakeDir, "libtorch_cpu.so"));

        var library = NotebookRun.NotebookLibraryPath;
        var notebook = dir.File("probe.ipynb");
        File.WriteAllText(notebook, """
            {"cells": [
              {"cell_type": "code", "metadata": {"dotnet_interactive": {"language": "csharp"}, "polyglot_notebook": {"kernelName": "csharp"}}, "outputs": [], "source": ["#r \"nuget: TorchSharp-cpu, VERSION\"\n", "#r \"LIBRARY\""]},
              {"cell_type": "code", "metadata": {"dotnet_interactive": {"language": "csharp"}, "polyglot_notebook": {"kernelName": "csharp"}}, "outputs": [], "source": ["MnistLeNet.Native.TorchRuntime.Initialize();\n", "var logits = new MnistLeNet.Model.LeNet().forward(TorchSharp.torch.zeros(1, 1, 28, 28));\n", "Console.WriteLine($\"logits: {logits.shape[1]}\");"]}
            ],
            "metadata": {"kernelspec": {"display_name": ".NET (C#)", "language": "C#", "name": ".net-csharp"}, "language_info": {"name": "polyglot-notebook"},
              "polyglot_notebook": {"kernelInfo": {"defaultKernelName": "csharp", "items": [{"name": "csharp", "languageName": "csharp"}]}}},
            "nbformat": 4, "nbformat_minor": 5}
            """.Replace("LIBRARY", library).Replace("VERSION", MnistLeNet.Native.PackageVersions.TorchSharp));

        // Run from the repository, where the local tool manifest is; the notebook uses absolute paths.
        // TorchBackend=cpu: this is about the CPU build, also when the tests run in the GPU dev container.
        NotebookRun.EnsureNotebookLibraryIsCurrent();
        var run = NotebookRun.Execute(notebook, NotebookRun.RepositoryRoot,
            new Dictionary<string, string> { ["LD_LIBRARY_PATH"] = fakeDir, ["TorchBackend"] = "cpu" });
        Assert.True(run.ExitCode == 0 && !run.Errors.Any(), run.ToString());
        Assert.Contains("logits: 10", run.Text);
    }
}
