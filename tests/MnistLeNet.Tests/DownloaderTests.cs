using System.Net;
using System.Net.Sockets;
using MnistLeNet.Cli;
using MnistLeNet.Data;

namespace MnistLeNet.Tests;

public class DownloaderTests
{
    [Fact]
    public void Copies_from_an_offline_mirror_folder_and_verifies()
    {
        using var dir = new TempDir();
        var fetched = MnistDownloader.EnsurePresent(dir.File("data"), offlineMirror: Mnist.Directory);
        Assert.Equal(4, fetched.Count);
        foreach (var f in MnistFiles.All) f.ReadAndVerify(Path.Combine(dir.File("data"), f.FileName));
        Assert.Empty(MnistDownloader.EnsurePresent(dir.File("data"), offlineMirror: Mnist.Directory));
    }

    [Fact]
    public void A_missing_file_in_the_mirror_is_named()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<FileNotFoundException>(() => MnistDownloader.EnsurePresent(dir.File("data"), offlineMirror: dir.File("empty")));
        Assert.Contains(MnistFiles.TrainImages.FileName, e.Message);
    }

    [Fact]
    public void Downloads_over_http_with_progress_falling_back_to_the_next_mirror()
    {
        using var dir = new TempDir();
        using var server = new LoopbackServer(name => File.ReadAllBytes(Path.Combine(Mnist.Directory, name)));
        var reports = new List<DownloadProgress>();
        var fetched = MnistDownloader.EnsurePresent(dir.File("data"),
            mirrors: [new Uri(server.BaseUri, "missing/"), new Uri(server.BaseUri, "good/")],
            progress: new SynchronousProgress<DownloadProgress>(reports.Add));
        Assert.Equal(4, fetched.Count);
        Assert.Contains(reports, r => r.FileName == MnistFiles.TrainImages.FileName && r.Bytes == r.TotalBytes);
        Assert.Empty(Directory.GetFiles(dir.File("data"), "*.tmp"));
    }

    [Fact]
    public void A_corrupt_download_leaves_nothing_behind_and_says_what_failed()
    {
        using var dir = new TempDir();
        using var server = new LoopbackServer(name =>
        {
            var bytes = File.ReadAllBytes(Path.Combine(Mnist.Directory, name));
            return bytes[..(bytes.Length / 2)];
        });
        var e = Assert.Throws<IOException>(() => MnistDownloader.EnsurePresent(dir.File("data"), mirrors: [new Uri(server.BaseUri, "good/")]));
        Assert.Contains(MnistFiles.TrainImages.FileName, e.Message);
        Assert.Empty(Directory.GetFiles(dir.File("data")));
    }

    /// <summary>A tiny HTTP server on 127.0.0.1 that serves files under /good/ and 404s everything else.</summary>
    sealed class LoopbackServer : IDisposable
    {
        readonly HttpListener _listener = new();
        readonly Func<string, byte[]> _content;
        public Uri BaseUri { get; }

        public LoopbackServer(Func<string, byte[]> content)
        {
            _content = content;
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            BaseUri = new Uri($"http://127.0.0.1:{port}/");
            _listener.Prefixes.Add(BaseUri.ToString());
            _listener.Start();
            _ = Task.Run(Serve);
        }

        async Task Serve()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception) { return; }
                var path = context.Request.Url!.AbsolutePath;
                if (path.StartsWith("/good/", StringComparison.Ordinal))
                {
                    var bytes = _content(path["/good/".Length..]);
                    context.Response.ContentLength64 = bytes.Length;
                    await context.Response.OutputStream.WriteAsync(bytes);
                }
                else
                {
                    context.Response.StatusCode = 404;
                }
                context.Response.Close();
            }
        }

        public void Dispose() => _listener.Close();
    }
}
