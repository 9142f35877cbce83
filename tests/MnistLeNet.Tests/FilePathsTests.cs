using System.Diagnostics;
using MnistLeNet.Cli;
using MnistLeNet.Handwriting;
using MnistLeNet.Model;
using MnistLeNet.Training;

namespace MnistLeNet.Tests;

/// <summary>
/// What may be read or written (<see cref="FilePaths"/>), through every command: no folder, FIFO, device or link
/// loop is read or replaced, reading is capped by the bytes read, and no command writes over one of its inputs.
/// FIFOs, devices and symbolic links are made only where the system has them (not on Windows).
/// </summary>
public class FilePathsTests
{
    static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs the CLI, but fails (instead of hanging the test run) if it does not return within a minute: a FIFO opened for reading waits for a writer forever.</summary>
    static (int Code, string Out, string Err) RunBounded(params string[] args)
    {
        var run = Task.Run(() => Run(args));
        Assert.True(run.Wait(TimeSpan.FromMinutes(1)), $"mnist-lenet {string.Join(' ', args)} did not return: it waits on something that is not a file");
        return run.Result;
    }

    static string Fifo(TempDir dir, string name)
    {
        var path = dir.File(name);
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    static string AModel(string path)
    {
        using var model = TrainingOptions.Fast.CreateModel();
        ModelFile.Save(model, path);
        return path;
    }

    static string[] Files(string dir) => Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order().ToArray()!;

    [Fact]
    public void No_command_replaces_a_fifo_given_as_out()
    {
        if (OperatingSystem.IsWindows()) return; // no FIFOs in folders on Windows
        using var dir = new TempDir();
        var fifo = Fifo(dir, "out");
        var model = AModel(dir.File("m.dat"));

        var pad = RunBounded("pad", "--model", model, "--out", fifo);
        Assert.Equal(1, pad.Code);
        Assert.Contains($"{fifo}: is a FIFO (named pipe), not a file; only a regular file is ever replaced", pad.Err);

        var train = RunBounded("train", "--recipe", "fast", "--epochs", "1", "--limit", "100", "--out", fifo);
        Assert.Equal(1, train.Code);
        Assert.Contains("is a FIFO", train.Err);
        Assert.DoesNotContain("start training", train.Out);

        Assert.Equal(["m.dat", "out"], Files(dir.Path)); // nothing beside it: no chart, no temporary file
        Assert.Contains("is a FIFO", Assert.Throws<IOException>(() => FilePaths.CheckOutput(fifo)).Message); // and still a FIFO
    }

    [Fact]
    public void Inputs_that_are_not_regular_files_are_refused_before_they_are_opened()
    {
        if (OperatingSystem.IsWindows()) return; // no FIFOs, devices or /dev on Windows
        using var dir = new TempDir();
        var fifo = Fifo(dir, "fifo");
        File.CreateSymbolicLink(dir.File("loop-a"), dir.File("loop-b"));
        File.CreateSymbolicLink(dir.File("loop-b"), dir.File("loop-a"));
        File.CreateSymbolicLink(dir.File("dangling"), dir.File("nothing"));
        Directory.CreateDirectory(dir.File("folder"));

        foreach (var (model, message) in new[]
        {
            (fifo, "is a FIFO (named pipe), not a file"),
            ("/dev/zero", "is a device, not a file"), // 0 bytes says the file system; it never ends
            (dir.File("folder"), "is a folder, not a file"),
            (dir.File("loop-a"), "is a symbolic link that cannot be followed"),
            (dir.File("dangling"), "is a symbolic link to something that does not exist"),
        })
        {
            var predict = RunBounded("predict", "--model", model, "--index", "0");
            Assert.Equal(1, predict.Code);
            Assert.Contains($"{model}: {message}", predict.Err);
            Assert.DoesNotContain("model file not found", predict.Err);
        }

        var resume = RunBounded("train", "--resume", "/dev/zero", "--out", dir.File("m.dat"));
        Assert.Equal(1, resume.Code);
        Assert.Contains("/dev/zero: is a device, not a file; a checkpoint must be a regular file", resume.Err);

        var image = RunBounded("predict", "--model", AModel(dir.File("m.dat")), "--image", fifo);
        Assert.Equal(1, image.Code);
        Assert.Contains($"{fifo}: is a FIFO", image.Err);
    }

    [Fact]
    public void Reading_is_capped_by_the_bytes_read_not_by_the_size_the_file_system_reports()
    {
        if (!OperatingSystem.IsLinux()) return; // /proc: files whose reported size (0) is not their content's
        Assert.Equal(0, new FileInfo("/proc/self/status").Length);
        Assert.NotEmpty(FilePaths.ReadAll("/proc/self/status", 1 << 20, "status file"));
        var e = Assert.Throws<InvalidDataException>(() => FilePaths.ReadAll("/proc/self/status", 16, "status file"));
        Assert.Contains("/proc/self/status: more than 16 bytes", e.Message);
    }

    [Fact]
    public void Pad_refuses_to_write_over_its_own_model_even_through_a_link()
    {
        using var dir = new TempDir();
        var model = AModel(dir.File("m.dat"));
        var before = File.ReadAllBytes(model);

        var (code, _, err) = Run("pad", "--model", model, "--out", model);
        Assert.Equal(2, code);
        Assert.Contains($"--out {model}: {model} is the model", err);

        if (!OperatingSystem.IsWindows()) // symbolic links need extra rights on Windows
        {
            File.CreateSymbolicLink(dir.File("link.html"), model);
            Assert.Equal(2, Run("pad", "--model", model, "--out", dir.File("link.html")).Code);
        }
        Assert.Equal(before, File.ReadAllBytes(model));
    }

    [Fact]
    public void Train_refuses_an_out_that_is_the_checkpoint_it_resumes()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("run.dat"), "a checkpoint, by its name");
        var (code, stdout, err) = Run("train", "--resume", dir.File("run.dat"), "--out", dir.File("run.dat"));
        Assert.Equal(2, code);
        Assert.Contains("is the checkpoint being resumed", err);
        Assert.Equal("a checkpoint, by its name", File.ReadAllText(dir.File("run.dat")));
        Assert.DoesNotContain("resuming", stdout);
    }

    [Fact]
    public void An_out_refused_in_a_folder_that_did_not_exist_leaves_no_folder_behind()
    {
        using var dir = new TempDir();
        var output = Path.Combine(dir.File("new"), "deeper", new string('m', 300) + ".dat"); // a name too long for any file system
        var (code, stdout, err) = Run("train", "--recipe", "fast", "--epochs", "1", "--limit", "100", "--out", output);
        Assert.Equal(1, code);
        Assert.Contains("cannot write in", err);
        Assert.DoesNotContain("start training", stdout);
        Assert.Empty(Files(dir.Path));
    }

    [Fact]
    public void A_picture_that_is_empty_or_not_a_picture_is_refused_by_name()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("empty.png"), []);
        File.WriteAllText(dir.File("text.png"), "not a picture");
        foreach (var (name, message) in new[] { ("empty.png", "the file is empty"), ("text.png", "not an image") })
        {
            var e = Assert.Throws<InvalidDataException>(() => ImageFile.ReadRgba(dir.File(name)));
            Assert.Contains(dir.File(name), e.Message);
            Assert.Contains(message, e.Message);
        }
    }
}
