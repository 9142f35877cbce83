using MnistLeNet.Model;

namespace MnistLeNet.Tests;

public class AtomicFileTests
{
    [Fact]
    public void A_temporary_file_left_by_a_killed_writer_is_reused_and_removed()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("m.dat.tmp"), "half a model, left by kill -9");
        using var model = new LeNet();
        ModelFile.Save(model, dir.File("m.dat"));
        Assert.Equal(["m.dat"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
        ModelFile.Load(dir.File("m.dat")).Dispose();
    }

    [Fact]
    public void A_second_writer_of_the_same_file_is_refused_while_the_first_holds_it()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("x"), "old");
        using (var first = PendingFile.Reserve(dir.File("x")))
        {
            var e = Assert.Throws<IOException>(() => AtomicFile.Write(dir.File("x"), AtomicFile.Utf8("second")));
            Assert.Contains("another process is writing", e.Message);
            Assert.Contains(dir.File("x"), e.Message);
            first.Write(AtomicFile.Utf8("first"));
            first.Commit();
        }
        Assert.Equal("first", File.ReadAllText(dir.File("x")));
        Assert.Equal(["x"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_mode_of_the_replaced_file_is_kept()
    {
        using var dir = new TempDir();
        var path = dir.File("m.dat");
        File.WriteAllText(path, "old");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var model = new LeNet();
        ModelFile.Save(model, path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void A_symbolic_link_is_written_through_to_its_target()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("models"));
        File.WriteAllText(dir.File("models/real.dat"), "old");
        File.CreateSymbolicLink(dir.File("link.dat"), dir.File("models/real.dat"));
        using var model = new LeNet();
        ModelFile.Save(model, dir.File("link.dat"));
        Assert.Equal(dir.File("models/real.dat"), new FileInfo(dir.File("link.dat")).LinkTarget);
        ModelFile.Load(dir.File("models/real.dat")).Dispose();
        Assert.Equal(["real.dat"], Directory.GetFiles(dir.File("models")).Select(Path.GetFileName));
    }

    [Fact]
    public void The_folder_is_flushed_after_the_rename()
    {
        using var dir = new TempDir();
        var path = dir.File("x");
        var synced = new List<(string Folder, string Content)>();
        var original = AtomicFile.SyncDirectory;
        AtomicFile.SyncDirectory = folder => { synced.Add((folder, File.ReadAllText(path))); original(folder); };
        try { AtomicFile.Write(path, AtomicFile.Utf8("new")); }
        finally { AtomicFile.SyncDirectory = original; }
        Assert.Equal([(dir.Path, "new")], synced);
    }

    [Fact]
    public void Files_written_as_a_set_all_stay_old_when_one_write_fails()
    {
        // Stands in for a full disk: the second file's write fails after the first was written.
        using var dir = new TempDir();
        File.WriteAllText(dir.File("m.dat"), "old model");
        File.WriteAllText(dir.File("m.html"), "old chart");
        var e = Assert.Throws<IOException>(() => WriteAsASet(
            (dir.File("m.dat"), AtomicFile.Utf8("new model")),
            (dir.File("m.html"), _ => throw new IOException("No space left on device"))));
        Assert.Contains("No space left", e.Message);
        Assert.Equal("old model", File.ReadAllText(dir.File("m.dat")));
        Assert.Equal("old chart", File.ReadAllText(dir.File("m.html")));
        Assert.Equal(["m.dat", "m.html"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());

        WriteAsASet((dir.File("m.dat"), AtomicFile.Utf8("new model")), (dir.File("m.html"), AtomicFile.Utf8("new chart")));
        Assert.Equal("new model", File.ReadAllText(dir.File("m.dat")));
        Assert.Equal("new chart", File.ReadAllText(dir.File("m.html")));
    }

    /// <summary>The way the CLI writes its model and chart: both reserved, both written, then committed together.</summary>
    static void WriteAsASet(params (string Path, Action<Stream> Write)[] files)
    {
        var pending = files.Select(f => PendingFile.Reserve(f.Path)).ToArray();
        try
        {
            for (int i = 0; i < files.Length; i++) pending[i].Write(files[i].Write);
            PendingFile.CommitAll(pending);
        }
        finally
        {
            foreach (var file in pending) file.Dispose();
        }
    }

    [Fact]
    public void Unwritable_places_are_refused_when_reserved_naming_the_file()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("folder"));
        File.WriteAllText(dir.File("plain"), "");
        Assert.Contains("is a folder", Assert.Throws<IOException>(() => PendingFile.Reserve(dir.File("folder"))).Message);
        Assert.Contains("is a file, not a folder", Assert.Throws<IOException>(() => PendingFile.Reserve(dir.File("plain/m.dat"))).Message);
        // /proc refuses new files even to root.
        Assert.StartsWith("/proc/mnist-lenet.dat: cannot write", Assert.Throws<IOException>(() => PendingFile.Reserve("/proc/mnist-lenet.dat")).Message);
    }

    [Fact]
    public void On_Windows_the_temporary_file_shares_only_deletion_so_it_can_be_renamed_while_open()
    {
        // Windows refuses to rename (or delete) an open file unless it was opened with FileShare.Delete: with
        // FileShare.None every first checkpoint failed there ("being used by another process"). Sharing nothing
        // else still keeps a second writer out. .ci/windows-under-wine runs this for real, under Wine.
        Assert.Equal(FileShare.Delete, PendingFile.TempShare(windows: true));
        // Linux and macOS: .NET turns any sharing but None into a shared flock, which a second writer would get too.
        Assert.Equal(FileShare.None, PendingFile.TempShare(windows: false));
    }

    [Fact]
    public void A_target_that_cannot_be_replaced_stays_as_it_was_and_the_message_names_it()
    {
        // Stands in for Windows refusing to replace a file another program holds open.
        using var dir = new TempDir();
        File.WriteAllText(dir.File("m.dat"), "old model");
        File.WriteAllText(dir.File("m.html"), "old chart");
        var original = PendingFile.Rename;
        PendingFile.Rename = (from, to) =>
        {
            if (to == dir.File("m.html")) throw new IOException("The process cannot access the file because it is being used by another process.");
            original(from, to);
        };
        IOException e;
        try
        {
            Assert.Contains(dir.File("m.html"), Assert.Throws<IOException>(() => AtomicFile.Write(dir.File("m.html"), AtomicFile.Utf8("new"))).Message);
            e = Assert.Throws<IOException>(() => WriteAsASet((dir.File("m.dat"), AtomicFile.Utf8("new model")), (dir.File("m.html"), AtomicFile.Utf8("new chart"))));
        }
        finally { PendingFile.Rename = original; }
        Assert.StartsWith($"{dir.File("m.html")}: could not be replaced (The process cannot access", e.Message);
        Assert.Contains($"it is unchanged, but {dir.File("m.dat")} already was", e.Message);
        Assert.Equal("old chart", File.ReadAllText(dir.File("m.html")));
        Assert.Equal(["m.dat", "m.html"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order()); // no FILE.tmp left
    }

    [Fact]
    public void A_read_only_file_is_seen_as_one_Windows_would_not_replace()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("m.dat"), "old");
        Assert.False(PendingFile.ReadOnlyOnWindows(dir.File("m.dat")));
        Assert.False(PendingFile.ReadOnlyOnWindows(dir.File("absent.dat")));
        File.SetAttributes(dir.File("m.dat"), FileAttributes.ReadOnly);
        Assert.True(PendingFile.ReadOnlyOnWindows(dir.File("m.dat")));
        if (OperatingSystem.IsWindows())
            Assert.Contains("read-only", Assert.Throws<IOException>(() => PendingFile.Reserve(dir.File("m.dat"))).Message);
        else
            AtomicFile.Write(dir.File("m.dat"), AtomicFile.Utf8("new")); // the folder's permission decides here
        File.SetAttributes(dir.File("m.dat"), FileAttributes.Normal);
    }

    [Fact]
    public void Two_names_of_one_file_are_the_same_target()
    {
        using var dir = new TempDir();
        Assert.True(PendingFile.SameTarget(dir.File("m.dat"), dir.File("sub/../m.dat")));
        Assert.False(PendingFile.SameTarget(dir.File("m.dat"), dir.File("n.dat")));
        // Letter case: one file on Windows and macOS, two on Linux.
        Assert.Equal(OperatingSystem.IsWindows() || OperatingSystem.IsMacOS(), PendingFile.SameTarget(dir.File("m.dat"), dir.File("M.DAT")));
    }
}
