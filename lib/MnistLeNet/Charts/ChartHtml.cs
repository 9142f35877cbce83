using System.Text;

namespace MnistLeNet.Charts;

/// <summary>
/// A chart built by <see cref="Plots"/>. In a Polyglot/Jupyter notebook (dotnet-interactive) it shows
/// itself as a chart when it is the value of a cell or passed to display(...) — through the kernel's
/// convention-based formatter lookup (a [TypeFormatterSource] attribute matched by name), so this
/// library needs no reference to Microsoft.DotNet.Interactive. <c>display(HTML(chart.Html))</c> works too.
/// </summary>
[TypeFormatterSource(typeof(ChartHtmlFormatterSource), PreferredMimeTypes = new[] { "text/html" })]
public sealed class ChartHtml
{
    string? _html;

    internal ChartHtml(string figureJson, string title)
    {
        FigureJson = figureJson;
        Title = title;
    }

    // A fixed fragment (e.g. the plotly.js loader), not a figure.
    internal ChartHtml(string title, Func<string> html)
    {
        FigureJson = "";
        Title = title;
        _lazy = html;
    }

    readonly Func<string>? _lazy;

    /// <summary>The Plotly figure ({"data":..., "layout":...}).</summary>
    public string FigureJson { get; }

    /// <summary>The chart's title (also the page title of <see cref="ToStandaloneHtml"/>).</summary>
    public string Title { get; }

    /// <summary>
    /// Notebook fragment (div + script). Fixed on first use: under <see cref="PlotlyJsMode.OncePerProcess"/>
    /// the first chart whose Html is taken in a process carries plotly.js.
    /// </summary>
    public string Html => _html ??= _lazy is not null ? _lazy() : PlotlyEngine.FragmentHtml(FigureJson, PlotlyEngine.TakePlotlyJs());

    /// <summary>A complete HTML page with plotly.js inline (opens offline in any browser).</summary>
    public string ToStandaloneHtml() => _lazy is not null ? throw new InvalidOperationException("not a figure") : PlotlyEngine.StandaloneHtml(FigureJson, string.IsNullOrEmpty(Title) ? "chart" : Title);

    /// <summary>
    /// Writes <see cref="ToStandaloneHtml"/> to a file and returns its full path. The page is written
    /// to a temporary file first and then renamed, so a reader never sees half a page.
    /// </summary>
    public string SaveHtml(string path)
    {
        AtomicFile.Write(path, stream => stream.Write(new UTF8Encoding(false).GetBytes(ToStandaloneHtml())));
        return Path.GetFullPath(path);
    }

    public override string ToString() => $"Chart \"{Title}\" ({FigureJson.Length:N0} chars of figure JSON)";
}

// ---- dotnet-interactive formatter, by convention (no package reference) ----
// The kernel looks for an attribute *named* TypeFormatterSourceAttribute with a FormatterSourceType
// property; the source's CreateTypeFormatters() returns objects with MimeType and Format(object, TextWriter).

[AttributeUsage(AttributeTargets.Class)]
internal sealed class TypeFormatterSourceAttribute(Type formatterSourceType) : Attribute
{
    public Type FormatterSourceType { get; } = formatterSourceType;
    public string[] PreferredMimeTypes { get; set; } = [];
}

internal sealed class ChartHtmlFormatterSource
{
    public IEnumerable<object> CreateTypeFormatters()
    {
        yield return new ChartHtmlFormatter("text/html");
        yield return new ChartHtmlFormatter("text/plain");
    }
}

internal sealed class ChartHtmlFormatter(string mimeType)
{
    public string MimeType { get; } = mimeType;

    public bool Format(object instance, TextWriter writer)
    {
        if (instance is not ChartHtml chart) return false;
        writer.Write(MimeType == "text/html" ? chart.Html : chart.ToString());
        return true;
    }
}
