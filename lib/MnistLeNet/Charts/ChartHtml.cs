
namespace MnistLeNet.Charts;

/// <summary>A chart built by <see cref="Plots"/>; a notebook shows it when it is a cell's value or passed to display(...).</summary>
[TypeFormatterSource(typeof(KernelFormatterSource), PreferredMimeTypes = ["text/html"])]
public sealed class ChartHtml : INotebookHtml
{
    string? _html;

    internal ChartHtml(ChartRequest request)
    {
        FigureJson = PlotlyEngine.Draw(request);
        Title = request.Title;
    }

    /// <summary>The Plotly figure ({"data":..., "layout":...}).</summary>
    public string FigureJson { get; }

    /// <summary>The chart's title (also the page title of <see cref="ToStandaloneHtml"/>).</summary>
    public string Title { get; }

    /// <summary>Notebook fragment; the first taken in a process carries plotly.js, unless <see cref="Plots.LoadPlotlyJs"/> sent it.</summary>
    public string Html => _html ??= Fragment(PlotlyEngine.TakePlotlyJs());

    /// <summary>A complete HTML page with plotly.js inline (opens offline in any browser).</summary>
    public string ToStandaloneHtml() =>
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>"
        + System.Net.WebUtility.HtmlEncode(string.IsNullOrEmpty(Title) ? "chart" : Title) + "</title>\n"
        + PlotlyEngine.PlotlyJsScript + "\n</head><body>\n"
        + Fragment(includePlotlyJs: false)
        + "\n</body></html>\n";

    /// <summary>Writes <see cref="ToStandaloneHtml"/> to a file, complete or not at all, and returns its full path.</summary>
    public string SaveHtml(string path)
    {
        AtomicFile.Write(path, AtomicFile.Utf8(ToStandaloneHtml()));
        return Path.GetFullPath(path);
    }

    public override string ToString() => $"Chart \"{Title}\" ({FigureJson.Length:N0} chars of figure JSON)";

    /// <summary>[plotly.js] + div + script that draws the figure once window.Plotly exists.</summary>
    string Fragment(bool includePlotlyJs)
    {
        var id = "mnl-chart-" + Guid.NewGuid().ToString("N");
        return "<div class=\"mnist-lenet-chart\">" + (includePlotlyJs ? PlotlyEngine.PlotlyJsScript : "")
            + $"<div id=\"{id}\"></div><script type=\"text/javascript\">(function () {{\n"
            + $"var fig = {PlotlyEngine.EscapeScript(FigureJson)};\nvar id = '{id}';\n"
            + DrawScript + "})();</script></div>";
    }

    // VS Code and Jupyter may render this before the output carrying plotly.js: wait, then say what to do.
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
              'Run a cell with Plots.LoadPlotlyJs() and re-run this one.</p>';
          }
        }, 100);

        """;
}
