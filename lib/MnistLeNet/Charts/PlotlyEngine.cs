using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;

namespace MnistLeNet.Charts;

/// <summary>How a notebook chart fragment carries plotly.js.</summary>
public enum PlotlyJsMode
{
    /// <summary>The first chart of the process (= kernel session) carries plotly.js inline (~3.6 MB);
    /// later charts carry only their figure and wait for window.Plotly. Default.</summary>
    OncePerProcess,
    /// <summary>Every chart carries plotly.js inline. Robust in any viewer, ~3.6 MB per output.</summary>
    EveryChart,
    /// <summary>No chart carries it; call <see cref="PlotlyEngine.PlotlyScript"/> yourself.</summary>
    Never,
}

/// <summary>
/// Runs the chart builders of MnistLeNet.Plotting (Plotly.NET 6 + FSharp.Core 10.1) in a private
/// AssemblyLoadContext, so that the FSharp.Core of the host process (the notebook kernel ships 10.0)
/// never meets the one Plotly.NET needs. Only strings and BCL arrays cross the boundary.
/// The plotting assemblies live in a "plotting" folder next to this assembly (see PlottingEngine.targets).
/// </summary>
public static class PlotlyEngine
{
    public const string PlottingFolderName = "plotting";
    public const string PlottingAssemblyName = "MnistLeNet.Plotting";
    const string BuilderTypeName = "MnistLeNet.Plotting.PlotlyCharts";
    /// <summary>Environment variable that overrides where the plotting folder is.</summary>
    public const string PlottingDirVariable = "MNISTLENET_PLOTTING_DIR";

    static readonly object Gate = new();
    static Type? _builder;
    static readonly ConcurrentDictionary<string, MethodInfo> Methods = new();
    static string? _plotlyJs, _plotlyJsVersion, _inlinePlotlyJs;
    static int _plotlyJsSent;

    /// <summary>How notebook fragments carry plotly.js (see <see cref="PlotlyJsMode"/>).</summary>
    public static PlotlyJsMode JsMode { get; set; } = PlotlyJsMode.OncePerProcess;

    /// <summary>The folder the plotting assemblies are loaded from.</summary>
    public static string PlottingDirectory =>
        Environment.GetEnvironmentVariable(PlottingDirVariable) is { Length: > 0 } d
            ? d
            : Path.Combine(Path.GetDirectoryName(typeof(PlotlyEngine).Assembly.Location) ?? AppContext.BaseDirectory,
                           PlottingFolderName);

    /// <summary>Calls a static method of MnistLeNet.Plotting.PlotlyCharts by name; it must return a string.</summary>
    public static string Invoke(string method, params object?[] args)
    {
        var m = Methods.GetOrAdd(method, static name =>
            Builder().GetMethod(name, BindingFlags.Public | BindingFlags.Static)
            ?? throw new MissingMethodException(BuilderTypeName, name));
        try
        {
            return (string)m.Invoke(null, args)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw; // unreachable
        }
    }

    /// <summary>plotly.min.js (from Plotly.NET's resources).</summary>
    public static string PlotlyJs => _plotlyJs ??= Invoke("PlotlyJs");

    public static string PlotlyJsVersion => _plotlyJsVersion ??= Invoke("PlotlyJsVersion");

    /// <summary>
    /// A &lt;script&gt; that defines window.Plotly unless it is already defined. plotly.js is a UMD
    /// bundle: where an AMD loader (require.js, as in classic Jupyter) or CommonJS is around it would
    /// register there instead of on window, so define/module/exports are hidden from it.
    /// Marks plotly.js as sent for <see cref="PlotlyJsMode.OncePerProcess"/>.
    /// </summary>
    public static string PlotlyScript()
    {
        Interlocked.Exchange(ref _plotlyJsSent, 1);
        return InlinePlotlyJs();
    }

    /// <summary>plotly.js in a script element that defines window.Plotly once (see <see cref="PlotlyScript"/>).
    /// Built once: it is 3.6 MB, and every standalone page and notebook fragment that carries it needs it.</summary>
    static string InlinePlotlyJs() => _inlinePlotlyJs ??=
        "<script type=\"text/javascript\">if (!window.Plotly) { (function (define, module, exports) {\n"
        + EscapeScript(PlotlyJs)
        + "\n}).call(window); }</script>";

    /// <summary>Whether the next notebook fragment must carry plotly.js, and record that it does.</summary>
    internal static bool TakePlotlyJs() => JsMode switch
    {
        PlotlyJsMode.EveryChart => true,
        PlotlyJsMode.Never => false,
        _ => Interlocked.Exchange(ref _plotlyJsSent, 1) == 0,
    };

    /// <summary>Notebook fragment: [plotly.js] + div + script that draws the figure once window.Plotly exists.</summary>
    public static string FragmentHtml(string figureJson, bool includePlotlyJs)
    {
        var id = "mnl-chart-" + Guid.NewGuid().ToString("N");
        var sb = new StringBuilder(figureJson.Length + 1600);
        sb.Append("<div class=\"mnist-lenet-chart\">");
        if (includePlotlyJs) sb.Append(PlotlyScript());
        sb.Append("<div id=\"").Append(id).Append("\"></div>");
        sb.Append("<script type=\"text/javascript\">(function () {\n");
        sb.Append("var fig = ").Append(EscapeScript(figureJson)).Append(";\n");
        sb.Append("var id = '").Append(id).Append("';\n");
        sb.Append(DrawScript);
        sb.Append("})();</script></div>");
        return sb.ToString();
    }

    // Charts may be rendered before the output that carries plotly.js (VS Code and Jupyter render
    // outputs independently, and not always in order), so wait for it for a while; if it never comes
    // (that output was cleared, or this output is shown on its own), say what to do instead of
    // failing silently.
    const string DrawScript = """
        var cfg = { displaylogo: false, responsive: true };
        function draw() { window.Plotly.newPlot(id, fig.data, fig.layout, cfg); }
        if (window.Plotly) { draw(); return; }
        var waited = 0;
        var timer = setInterval(function () {
          if (window.Plotly) { clearInterval(timer); draw(); return; }
          if ((waited += 100) >= 15000) {
            clearInterval(timer);
            var el = document.getElementById(id);
            if (el) el.innerHTML = '<p style="color:#a00">plotly.js is not loaded in this view, so this chart cannot be drawn. ' +
              'Run a cell with Plots.LoadPlotlyJs() (or set PlotlyEngine.JsMode = PlotlyJsMode.EveryChart) and re-run this one.</p>';
          }
        }, 100);

        """;

    /// <summary>A complete HTML page with plotly.js inline: opens offline in any browser.</summary>
    public static string StandaloneHtml(string figureJson, string title)
    {
        var sb = new StringBuilder(figureJson.Length + PlotlyJs.Length + 2000);
        sb.Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
          .Append(System.Net.WebUtility.HtmlEncode(title)).Append("</title>\n")
          .Append(InlinePlotlyJs()).Append("\n</head><body>\n");
        sb.Append(FragmentHtml(figureJson, includePlotlyJs: false));
        sb.Append("\n</body></html>\n");
        return sb.ToString();
    }

    // "</script" inside a script element would end it early.
    static string EscapeScript(string js) => js.Replace("</", "<\\/", StringComparison.Ordinal);

    static Type Builder()
    {
        if (_builder is not null) return _builder;
        lock (Gate)
        {
            if (_builder is not null) return _builder;
            var dir = PlottingDirectory;
            var main = Path.Combine(dir, PlottingAssemblyName + ".dll");
            if (!File.Exists(main))
                throw new FileNotFoundException(
                    $"Charts need the plotting engine in '{dir}' (built from the Plotting project; " +
                    $"set {PlottingDirVariable} to point elsewhere).", main);
            var alc = new PlottingLoadContext(main);
            var asm = alc.LoadFromAssemblyPath(main);
            return _builder = asm.GetType(BuilderTypeName, throwOnError: true)!;
        }
    }

    /// <summary>Resolves the plotting assembly's dependencies (FSharp.Core 10.1, Plotly.NET, ...) from its
    /// own folder via its .deps.json; everything else (the BCL) comes from the default context.</summary>
    sealed class PlottingLoadContext(string mainAssemblyPath) : AssemblyLoadContext("MnistLeNet.Plotting", isCollectible: false)
    {
        readonly AssemblyDependencyResolver _resolver = new(mainAssemblyPath);

        protected override Assembly? Load(AssemblyName name) =>
            _resolver.ResolveAssemblyToPath(name) is { } path ? LoadFromAssemblyPath(path) : null;

        protected override IntPtr LoadUnmanagedDll(string name) =>
            _resolver.ResolveUnmanagedDllToPath(name) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
    }
}
