namespace MnistLeNet.Charts;

// How a notebook kernel (dotnet-interactive) shows ChartHtml, HtmlFragment and DigitPad, by convention and with
// no package reference: the kernel looks for an attribute *named* TypeFormatterSourceAttribute with a
// FormatterSourceType property; the source's CreateTypeFormatters() returns objects with MimeType and
// Format(object, TextWriter).

[AttributeUsage(AttributeTargets.Class)]
internal sealed class TypeFormatterSourceAttribute(Type formatterSourceType) : Attribute
{
    public Type FormatterSourceType { get; } = formatterSourceType;
    public string[] PreferredMimeTypes { get; set; } = [];
}

internal sealed class KernelFormatterSource
{
    public IEnumerable<object> CreateTypeFormatters() => [new KernelFormatter("text/html"), new KernelFormatter("text/plain")];
}

internal sealed class KernelFormatter(string mimeType)
{
    public string MimeType { get; } = mimeType;

    public bool Format(object instance, TextWriter writer)
    {
        string? html = instance switch { ChartHtml c => c.Html, HtmlFragment f => f.Html, Handwriting.DigitPad p => p.Html, _ => null };
        if (html is null) return false;
        writer.Write(MimeType != "text/html" ? instance.ToString() : html);
        return true;
    }
}
