namespace MnistLeNet.Data;

/// <summary>Progress of one file being fetched; <paramref name="TotalBytes"/> is null when unknown.</summary>
public sealed record DownloadProgress(string FileName, long Bytes, long? TotalBytes);

/// <summary>
/// Fetches missing MNIST files from an offline mirror folder (a classroom's USB stick) or the HTTPS mirrors.
/// Each is verified before it is renamed into place: the folder never holds a half-written or wrong file.
/// </summary>
public static class MnistDownloader
{
    /// <summary>The mirrors commonly used since the original MNIST page stopped serving downloads.</summary>
    public static IReadOnlyList<Uri> OfficialMirrors { get; } =
    [
        new("https://ossci-datasets.s3.amazonaws.com/mnist/"),
        new("https://storage.googleapis.com/cvdf-datasets/mnist/"),
    ];

    /// <summary>Makes sure all four files are in <paramref name="dataDir"/>; returns the ones it fetched.</summary>
    /// <param name="offlineMirror">A folder holding the .gz files; when given, the network is not used.</param>
    /// <param name="mirrors">Base URIs to try in order (default: <see cref="OfficialMirrors"/>).</param>
    public static IReadOnlyList<string> EnsurePresent(string dataDir, string? offlineMirror = null,
        IReadOnlyList<Uri>? mirrors = null, IProgress<DownloadProgress>? progress = null, HttpClient? http = null)
    {
        if (File.Exists(dataDir))
            throw new IOException($"{dataDir}: is a file, but the data folder must be a folder (the one holding the four MNIST .gz files)");
        foreach (var file in MnistFiles.All)
            if (Directory.Exists(Path.Combine(dataDir, file.FileName)))
                throw new IOException($"{Path.Combine(dataDir, file.FileName)}: is a folder where the MNIST file {file.FileName} should be; move it away");
        var missing = MnistFiles.All.Where(f => !File.Exists(Path.Combine(dataDir, f.FileName))).ToList();
        if (missing.Count == 0) return [];
        Directory.CreateDirectory(dataDir);

        using var ownClient = http is null ? new HttpClient { Timeout = TimeSpan.FromMinutes(5) } : null;
        var fetched = new List<string>();
        foreach (var file in missing)
        {
            var target = Path.Combine(dataDir, file.FileName);
            if (offlineMirror is not null)
            {
                var source = Path.Combine(offlineMirror, file.FileName);
                using var copy = FilePaths.OpenRead(source, "MNIST file", notFound: $"{source}: not found in the offline mirror folder '{offlineMirror}'");
                FilePaths.CheckOutputs([($"the data folder's {file.FileName}", target)], [("the offline mirror's copy", source)]);
                WriteVerified(file, target, source, temp => CopyWithProgress(copy, temp, file.FileName, copy.Length, progress));
            }
            else
            {
                var failures = new List<string>();
                foreach (var mirror in mirrors ?? OfficialMirrors)
                {
                    var uri = new Uri(mirror, file.FileName);
                    try
                    {
                        WriteVerified(file, target, uri.ToString(), temp =>
                        {
                            using var response = (http ?? ownClient!).GetAsync(uri, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult();
                            response.EnsureSuccessStatusCode();
                            CopyWithProgress(response.Content.ReadAsStream(), temp, file.FileName, response.Content.Headers.ContentLength, progress);
                        });
                        failures.Clear();
                        break;
                    }
                    catch (Exception e) when (e is HttpRequestException or InvalidDataException or IOException or TaskCanceledException)
                    {
                        failures.Add($"{uri}: {e.Message}");
                    }
                }
                if (failures.Count > 0)
                    throw new IOException($"{target}: could not download {file.FileName}. Tried:\n  " + string.Join("\n  ", failures) +
                                          "\nWithout internet, copy the four .gz files into that folder or pass an offline mirror folder.");
            }
            fetched.Add(target);
        }
        return fetched;
    }

    /// <param name="source">Where the bytes come from (a URI or a path), named in errors.</param>
    static void WriteVerified(MnistFile file, string target, string source, Action<Stream> write) =>
        AtomicFile.Write(target, write, written =>
        {
            try { file.ReadAndVerify(written, source); }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{source}: not the official {file.FileName}: {e.Message[(e.Message.IndexOf(": ", StringComparison.Ordinal) + 2)..]}", e);
            }
        });

    static void CopyWithProgress(Stream source, Stream output, string name, long? total, IProgress<DownloadProgress>? progress)
    {
        using (source)
        {
            var buffer = new byte[81920];
            long copied = 0;
            int n;
            while ((n = source.Read(buffer)) > 0)
            {
                output.Write(buffer, 0, n);
                copied += n;
                progress?.Report(new DownloadProgress(name, copied, total));
            }
        }
    }
}
