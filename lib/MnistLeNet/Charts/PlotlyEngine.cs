using System.Reflection;
using System.Runtime.Loader;

namespace MnistLeNet.Charts;

/// <summary>
/// Runs the chart builders of MnistLeNet.Plotting (Plotly.NET 6 + FSharp.Core 10.1) in a private
/// AssemblyLoadContext, so that the FSharp.Core of the host process (the notebook kernel ships 10.0)
/// never meets the one Plotly.NET needs. One call crosses the boundary, <c>PlotlyCharts.Draw</c>: a
/// <see cref="ChartRequest"/> as JSON in, a string out. The plotting assemblies live in a "plotting"
/// folder next to this assembly (see PlottingEngine.targets).
/// </summary>
internal static class PlotlyEngine
{
    public const string PlottingAssemblyName = "MnistLeNet.Plotting";

    static readonly Lazy<Func<string, string>> DrawJson = new(LoadDraw);
    static readonly Lazy<string> LazyPlotlyJs = new(() => Draw(new PlotlyJsRequest()));
    static readonly Lazy<string> LazyPlotlyJsScript = new(() =>
        "<script type=\"text/javascript\">if (!window.Plotly) { (function (define, module, exports) {\n"
        + EscapeScript(PlotlyJs)
        + "\n}).call(window); }</script>");
    static int _plotlyJsSent;

    /// <summary>The figure JSON ({"data":..., "layout":...}) of a chart.</summary>
    public static string Draw(ChartRequest request) => DrawJson.Value(request.ToJson());

    /// <summary>plotly.min.js (from Plotly.NET's resources).</summary>
    public static string PlotlyJs => LazyPlotlyJs.Value;

    /// <summary>
    /// plotly.js in a &lt;script&gt; that defines window.Plotly unless it is already defined. plotly.js is
    /// a UMD bundle: where an AMD loader (require.js, as in classic Jupyter) or CommonJS is around it
    /// would register there instead of on window, so define/module/exports are hidden from it.
    /// Built once: every standalone page and the first notebook chart carry it.
    /// </summary>
    public static string PlotlyJsScript => LazyPlotlyJsScript.Value;

    /// <summary>Whether plotly.js has not yet been sent to this process's notebook (and record that it now is).</summary>
    public static bool TakePlotlyJs() => Interlocked.Exchange(ref _plotlyJsSent, 1) == 0;

    /// <summary>"&lt;/script" inside a script element would end it early.</summary>
    public static string EscapeScript(string js) => js.Replace("</", "<\\/", StringComparison.Ordinal);

    static Func<string, string> LoadDraw()
    {
        var dir = Path.Combine(Path.GetDirectoryName(typeof(PlotlyEngine).Assembly.Location) ?? AppContext.BaseDirectory, "plotting");
        var main = Path.Combine(dir, PlottingAssemblyName + ".dll");
        if (!File.Exists(main))
            throw new FileNotFoundException($"Charts need the plotting engine in '{dir}' (built from the Plotting project).", main);
        var draw = new PlottingLoadContext(main).LoadFromAssemblyPath(main)
            .GetType("MnistLeNet.Plotting.PlotlyCharts", throwOnError: true)!
            .GetMethod("Draw", BindingFlags.Public | BindingFlags.Static, [typeof(string)])!;
        return draw.CreateDelegate<Func<string, string>>();
    }

    /// <summary>Resolves the plotting assembly's dependencies (FSharp.Core 10.1, Plotly.NET, ...) from its
    /// own folder via its .deps.json; everything else (the BCL) comes from the default context.</summary>
    sealed class PlottingLoadContext(string mainAssemblyPath) : AssemblyLoadContext(PlottingAssemblyName, isCollectible: false)
    {
        readonly AssemblyDependencyResolver _resolver = new(mainAssemblyPath);

        protected override Assembly? Load(AssemblyName name) =>
            _resolver.ResolveAssemblyToPath(name) is { } path ? LoadFromAssemblyPath(path) : null;

        protected override IntPtr LoadUnmanagedDll(string name) =>
            _resolver.ResolveUnmanagedDllToPath(name) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
    }
}
