// Regenerates docs/notebooks/: a readable copy of every notebook in notebooks/, executed top to bottom with the
// tutorial's own settings, for views that run no JavaScript (GitHub, nbviewer, a phone).
//
//   dotnet run tools/readable-notebooks.cs            build the library, execute every notebook, write the copies
//   dotnet run tools/readable-notebooks.cs -- --reuse  only redo the copies from the last execution (.readable-notebooks/),
//                                                      e.g. after changing this tool; not after changing a notebook
//
// Needs what the Jupyter notebook tests need (Debian's jupyter-nbconvert and python3-nbclient, `dotnet tool restore`)
// and Chromium (Debian's `chromium`; elsewhere set CHROMIUM to the browser's path), which draws each chart's figure
// with the plotly.js the notebook itself carries, so the picture is the very figure the interactive chart shows.
// Each copy keeps the source notebook's cells unchanged and replaces the outputs' interactive HTML: a chart by its
// picture (PNG), plotly.js and the drawing pad by their one-line text. Paths of the machine that made the copy are
// shortened and its speeds marked (see MachineDependent). tests/MnistLeNet.Tests/ReadableNotebookTests.cs checks the copies.
#:property PublishAot=false
using System.Diagnostics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

var root = FindRoot();
var sources = Path.Combine(root, "notebooks");
var target = Path.Combine(root, "docs", "notebooks");
var scratch = Path.Combine(root, ".readable-notebooks");   // ignored by git
bool reuse = args.Contains("--reuse");
var clock = Stopwatch.StartNew();
const string SpeedNote = "[seconds and images/s: measured on the machine that made this copy; yours will differ]";

var notebooks = Directory.GetFiles(sources, "*.ipynb").Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToList();
if (notebooks.Count == 0) return Fail($"no notebooks in {sources}");

if (!reuse)
{
    if (Run("dotnet", ["build", Path.Combine(root, "lib", "MnistLeNet", "MnistLeNet.csproj"), "-c", "Release", "--nologo", "-v", "q"], root) != 0)
        return Fail("the library did not build");
    if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
    CopyFolder(sources, scratch);   // run beside notebooks/, so the notebooks' relative paths (../lib/..., images/) work
    var kernels = Directory.CreateDirectory(Path.Combine(scratch, "jupyter", "kernels")).FullName;
    if (Run("dotnet", ["dotnet-interactive", "jupyter", "install", "--path", kernels], root, quiet: true) != 0)
        return Fail("could not register the .NET kernel for Jupyter (run `dotnet tool restore` first)");
    var environment = new Dictionary<string, string>
    {
        ["JUPYTER_PATH"] = Path.Combine(scratch, "jupyter"),
        ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1",   // numbers print the same on every machine
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
    };
    foreach (var name in notebooks)   // in order: notebook 4 saves the model that notebooks 5 and 6 load
    {
        var started = clock.Elapsed;
        if (Run("jupyter", ["nbconvert", "--to", "notebook", "--execute", name, "--output", Executed(name),
                "--ExecutePreprocessor.timeout=3600"], scratch, environment, quiet: true) != 0)
            return Fail($"{name} failed to execute: nothing in {target} was changed");
        Console.WriteLine($"executed {name} in {(clock.Elapsed - started).TotalSeconds:F0} s");
    }
}

var chromium = FindChromium();
if (chromium is null) return Fail("Chromium not found: install Debian's `chromium`, or set CHROMIUM to a Chromium or Chrome");
var pictures = Directory.CreateDirectory(Path.Combine(scratch, "pictures")).FullName;
var copies = new Dictionary<string, string>();
foreach (var name in notebooks)
{
    var executedPath = Path.Combine(scratch, Executed(name));
    if (!File.Exists(executedPath)) return Fail($"{executedPath} is missing: run without --reuse");
    var source = JsonNode.Parse(File.ReadAllText(Path.Combine(sources, name)))!.AsObject();
    var executed = JsonNode.Parse(File.ReadAllText(executedPath))!.AsObject();
    copies[name] = ReadableCopy(name, source, executed);
}

// Everything worked: replace the old copies (and remove those of notebooks that no longer exist).
Directory.CreateDirectory(target);
foreach (var old in Directory.GetFiles(target, "*.ipynb").Where(f => !copies.ContainsKey(Path.GetFileName(f)))) File.Delete(old);
foreach (var (name, text) in copies)
{
    File.WriteAllText(Path.Combine(target, name), text, new UTF8Encoding(false));
    Console.WriteLine($"{Path.Combine("docs", "notebooks", name)}: {new FileInfo(Path.Combine(target, name)).Length / 1024.0:N0} KB");
}
foreach (var link in notebooks.SelectMany(n => LocalLinks(JsonNode.Parse(File.ReadAllText(Path.Combine(sources, n)))!.AsObject())).Distinct())
{
    var from = Path.Combine(sources, link);
    if (!File.Exists(from)) return Fail($"notebooks/{link} is linked from a notebook but does not exist");
    if (!Path.GetFullPath(Path.Combine(target, link)).StartsWith(target + Path.DirectorySeparatorChar, StringComparison.Ordinal))
    {
        Console.Error.WriteLine($"readable-notebooks: warning: a notebook links {link}, outside notebooks/; from docs/notebooks/ that link leads elsewhere");
        continue;
    }
    Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, link))!);
    File.Copy(from, Path.Combine(target, link), overwrite: true);
}
Console.WriteLine($"done in {clock.Elapsed.TotalSeconds:F0} s");
return 0;

// The source notebook, cell for cell, with the executed notebook's outputs made readable.
string ReadableCopy(string name, JsonObject source, JsonObject executed)
{
    var sourceCells = source["cells"]!.AsArray();
    var executedCells = executed["cells"]!.AsArray();
    if (sourceCells.Count != executedCells.Count) throw new InvalidOperationException($"{name}: the executed copy has a different number of cells");
    var plotlyJs = executedCells.SelectMany(Outputs).Select(o => Html(o) is { } html ? PlotlyJsIn(html) : null).FirstOrDefault(js => js is not null);
    File.Delete(Path.Combine(pictures, "plotly.js"));   // each notebook's pictures are drawn with its own plotly.js
    if (plotlyJs is not null) File.WriteAllText(Path.Combine(pictures, "plotly.js"), plotlyJs);
    int chart = 0;
    for (int i = 0; i < sourceCells.Count; i++)
    {
        var cell = sourceCells[i]!.AsObject();
        if ((string?)cell["cell_type"] != "code") continue;
        var outputs = new JsonArray();
        foreach (var output in Outputs(executedCells[i]!))
            if (Readable(output.DeepClone().AsObject(), () => $"{Path.GetFileNameWithoutExtension(name)}-{++chart:00}") is { } readable)
                outputs.Add((JsonNode)readable);
        cell["outputs"] = outputs;
        cell["execution_count"] = executedCells[i]!["execution_count"]?.DeepClone();
    }
    return source.ToJsonString(new JsonSerializerOptions
    {
        WriteIndented = true, IndentSize = 1, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    }).ReplaceLineEndings("\n") + "\n";
}

// One output as a view without JavaScript shows it, or null to leave it out. The kernel's HTML comes in four kinds:
// its own start-up script (left out); a chart (its picture); plotly.js with a one-line note, or another interactive
// output such as the drawing pad (a line of text); and static HTML, a table say (kept, without its style sheet).
JsonObject? Readable(JsonObject output, Func<string> pictureName)
{
    output.Remove("transient");
    if (output["text"] is { } text) output["text"] = Lines(MachineDependent(Join(text)));
    if (output["data"] is not JsonObject data) return output;
    output["metadata"] = new JsonObject();
    if (data["text/plain"] is { } plain) data["text/plain"] = Lines(MachineDependent(Join(plain)));
    if (data["text/html"] is not { } htmlNode) return output;
    var html = Join(htmlNode);
    data.Remove("text/html");
    if (html.Contains("dotnet-interactive-this-cell")) return null;
    if (FigureIn(html) is { } figure)
    {
        if (!File.Exists(Path.Combine(pictures, "plotly.js"))) throw new InvalidOperationException("a chart is shown, but no output of its notebook carries plotly.js");
        data["image/png"] = Picture(pictureName(), figure);
        data["text/plain"] = Lines(figure["layout"]?["title"]?["text"] is { } title ? $"chart: {(string?)title}" : "chart");
    }
    else if (Regex.IsMatch(html, "<script", RegexOptions.IgnoreCase))
    {
        var words = PlotlyJsIn(html) is null ? "" : TextOf(Regex.Replace(html, "<script.*?</script>", "", RegexOptions.Singleline));
        data["text/plain"] = Lines(words.Length > 0 ? words : "[an interactive output: it works in a running notebook (VS Code, Jupyter), not in this copy]");
    }
    else data["text/html"] = Lines(Regex.Replace(html, "<style.*?</style>", "", RegexOptions.Singleline | RegexOptions.IgnoreCase));
    return output;
}

// The text of a piece of HTML without its tags.
static string TextOf(string html) => System.Net.WebUtility.HtmlDecode(Regex.Replace(html, "<[^>]*>", "")).Trim();

// The PNG of one Plotly figure, drawn by Chromium at the figure's own size, base64 as notebooks store it.
string Picture(string name, JsonObject figure)
{
    var layout = figure["layout"] as JsonObject;
    int width = (int?)layout?["width"]?.GetValue<double>() ?? 700, height = (int?)layout?["height"]?.GetValue<double>() ?? 450;
    var page = Path.Combine(pictures, name + ".html");
    var png = Path.Combine(pictures, name + ".png");
    File.WriteAllText(page, $$"""
        <!DOCTYPE html><html><head><meta charset="utf-8">
        <style>html, body { margin: 0; padding: 0; background: white; overflow: hidden; }</style>
        <script src="plotly.js"></script></head><body><div id="chart" style="width:{{width}}px;height:{{height}}px"></div>
        <script>var fig = {{figure.ToJsonString().Replace("</", "<\\/")}};
        Plotly.newPlot('chart', fig.data, fig.layout, { staticPlot: true, displayModeBar: false });</script></body></html>
        """);
    File.Delete(png);
    var profile = Directory.CreateDirectory(Path.Combine(pictures, "profile-" + name)).FullName;
    int exit = Run(chromium!, ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
        "--user-data-dir=" + profile, "--virtual-time-budget=10000", "--screenshot=" + png, $"--window-size={width},{height}",
        new Uri(page).AbsoluteUri], pictures, quiet: true);
    if (exit != 0 || !File.Exists(png)) throw new InvalidOperationException($"Chromium could not draw {page} (exit code {exit})");
    Directory.Delete(profile, recursive: true);
    return Convert.ToBase64String(File.ReadAllBytes(png)) + "\n";
}

// What a reader on another machine would see differently: this machine's paths are shortened (the folder the notebooks
// ran in shows as …/notebooks, the home folder as ~), and outputs with times or speeds in them are marked.
string MachineDependent(string text)
{
    foreach (var (path, shown) in new[] { (scratch, "…/notebooks"), (Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "~") })
        if (path.Length > 1) text = text.Replace(path, shown).Replace(path.Replace('\\', '/'), shown);
    return Regex.IsMatch(text, @"\d images/s|\d s\b") && !text.Contains(SpeedNote) ? text.TrimEnd('\n') + "\n" + SpeedNote + "\n" : text;
}

static string? Html(JsonNode output) => output["data"]?["text/html"] is { } html ? Join(html) : null;

// A chart's figure: ChartHtml writes "var fig = {...};\nvar id = '...'".
static JsonObject? FigureIn(string html) =>
    Regex.Match(html, @"var fig = (\{.*?\});\nvar id = '", RegexOptions.Singleline) is { Success: true } m
        ? JsonNode.Parse(m.Groups[1].Value)!.AsObject() : null;

// plotly.js as the library's notebooks carry it: a <script> with plotly.js's header comment in it.
static string? PlotlyJsIn(string html) =>
    Regex.Match(html, @"<script type=""text/javascript"">(if \(!window\.Plotly\).*?)</script>", RegexOptions.Singleline) is { Success: true } m
    && m.Groups[1].Value.Contains("plotly.js v") ? m.Groups[1].Value : null;

// Files a notebook's markdown links by a relative path (pictures, diagrams), which the copies need beside them.
static IEnumerable<string> LocalLinks(JsonObject notebook) =>
    notebook["cells"]!.AsArray().Where(c => (string?)c!["cell_type"] == "markdown")
        .SelectMany(c => Regex.Matches(Join(c!["source"]!), @"\]\(([^)\s]+)\)|src=""([^""]+)""").Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value))
        .Where(link => !link.Contains(':') && !link.StartsWith('#') && !link.StartsWith('/'))
        .Select(link => link.Split('#')[0]);

static IEnumerable<JsonNode> Outputs(JsonNode? cell) => cell?["outputs"]?.AsArray().Select(o => o!) ?? [];

static string Join(JsonNode node) => node is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)node ?? "";

// Text as notebooks store it: one string per line, each but the last ending in "\n".
static JsonArray Lines(string text) => new([.. Regex.Split(text, @"(?<=\n)").Where(l => l.Length > 0).Select(l => (JsonNode)l)]);

static string Executed(string name) => Path.ChangeExtension(name, ".executed.ipynb");

static void CopyFolder(string from, string to)
{
    Directory.CreateDirectory(to);
    foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    foreach (var folder in Directory.GetDirectories(from).Where(d => Path.GetFileName(d) != "executed"))
        CopyFolder(folder, Path.Combine(to, Path.GetFileName(folder)));
}

static string? FindChromium()
{
    if (Environment.GetEnvironmentVariable("CHROMIUM") is { Length: > 0 } set) return set;
    foreach (var name in new[] { "chromium", "chromium-browser", "google-chrome" })
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
            if (File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
    return null;
}

static int Run(string file, string[] arguments, string directory, IDictionary<string, string>? environment = null, bool quiet = false)
{
    var start = new ProcessStartInfo(file) { WorkingDirectory = directory, UseShellExecute = false, RedirectStandardOutput = quiet, RedirectStandardError = quiet };
    foreach (var argument in arguments) start.ArgumentList.Add(argument);
    foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
    using var process = Process.Start(start)!;
    if (!quiet) { process.WaitForExit(); return process.ExitCode; }
    var output = process.StandardOutput.ReadToEndAsync();
    var errors = process.StandardError.ReadToEndAsync();
    process.WaitForExit();
    if (process.ExitCode != 0) Console.Error.WriteLine(output.Result + errors.Result);   // only a failure's log is worth reading
    return process.ExitCode;
}

static int Fail(string message)
{
    Console.Error.WriteLine("readable-notebooks: " + message);
    return 1;
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Notebooks.sln"))) return dir.FullName;
    throw new DirectoryNotFoundException("run this from inside the repository (Notebooks.sln not found)");
}
