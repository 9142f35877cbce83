using System.CommandLine;
using MnistLeNet.Data;

namespace MnistLeNet.Cli;

/// <summary><c>mnist-lenet download</c>: fetches the missing MNIST files and verifies all four (TorchSharp is not loaded).</summary>
static class DownloadCommand
{
    public static Command Create(CliContext cli)
    {
        var data = CliOptions.Data();
        var mirror = CliOptions.Text("--mirror", "DIR", "A folder holding the four .gz files to copy (a USB stick in a classroom); the network is then not used.");
        var command = new Command("download", "Fetch missing MNIST files into the data folder (checksums verified).") { data, mirror };
        command.SetAction(r =>
        {
            var dir = r.GetValue(data) ?? MnistFiles.DefaultDirectory();
            using var bar = new ConsoleProgressBar(cli.Err);
            var fetched = MnistDownloader.EnsurePresent(dir, r.GetValue(mirror),
                progress: new SynchronousProgress<DownloadProgress>(p => bar.Show(p.Bytes, p.TotalBytes ?? 0, p.FileName)));
            bar.Clear();
            foreach (var file in MnistFiles.All)
            {
                var path = Path.Combine(dir, file.FileName);
                if (fetched.Contains(path)) continue; // verified as it was written
                try { file.ReadAndVerify(path); }
                catch (InvalidDataException e)
                {
                    throw new InvalidDataException($"{e.Message}\nThis file was already there, so it was not downloaded again: delete {path} and run 'mnist-lenet download' again to fetch a fresh copy.", e);
                }
            }
            cli.Out.WriteLine(fetched.Count == 0 ? $"all four MNIST files present and verified in {dir}" : $"fetched and verified: {string.Join(", ", fetched)}");
        });
        return command;
    }
}
