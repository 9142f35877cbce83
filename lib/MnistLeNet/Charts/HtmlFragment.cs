namespace MnistLeNet.Charts;

/// <summary>A fixed piece of HTML for a notebook (e.g. <see cref="Plots.LoadPlotlyJs"/>); not a chart, so it has no page of its own.</summary>
[TypeFormatterSource(typeof(KernelFormatterSource), PreferredMimeTypes = ["text/html"])]
public sealed class HtmlFragment : INotebookHtml
{
    readonly string _description;

    internal HtmlFragment(string html, string description) => (Html, _description) = (html, description);

    /// <summary>The HTML as the notebook shows it.</summary>
    public string Html { get; }

    public override string ToString() => _description;
}
