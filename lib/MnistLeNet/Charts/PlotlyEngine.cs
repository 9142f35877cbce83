using System.Reflection;
using System.Runtime.Loader;

namespace MnistLeNet.Charts;

/// <summary>Runs MnistLeNet.Plotting in its own AssemblyLoadContext: the kernel's FSharp.Core 10.0 must not meet
/// Plotly.NET's 10.1. One call crosses: <see cref="ChartRequest"/> JSON in, a string out.</summary>
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

    public static string Draw(ChartRequest request) => DrawJson.Value(request.ToJson());

    public static string PlotlyJs => LazyPlotlyJs.Value;

    // define/module/exports are hidden: the UMD bundle would register with require.js (classic Jupyter), not window.
    public static string PlotlyJsScript => LazyPlotlyJsScript.Value;

    // True once per process: the caller sends plotly.js.
    public static bool TakePlotlyJs() => Interlocked.Exchange(ref _plotlyJsSent, 1) == 0;

    // "</script" inside a script element would end it early.
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

    sealed class PlottingLoadContext(string mainAssemblyPath) : AssemblyLoadContext(PlottingAssemblyName, isCollectible: false)
    {
        readonly AssemblyDependencyResolver _resolver = new(mainAssemblyPath);

        protected override Assembly? Load(AssemblyName name) =>
            _resolver.ResolveAssemblyToPath(name) is { } path ? LoadFromAssemblyPath(path) : null;

        protected override IntPtr LoadUnmanagedDll(string name) =>
            _resolver.ResolveUnmanagedDllToPath(name) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
    }
}
