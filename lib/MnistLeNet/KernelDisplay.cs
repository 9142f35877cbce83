namespace MnistLeNet;

// How a notebook kernel (dotnet-interactive) shows the library's HTML outputs (charts, the plotly.js cell, the drawing
// pad), by convention and with no package reference: the kernel looks for an attribute *named*
// TypeFormatterSourceAttribute with a FormatterSourceType property; the source's CreateTypeFormatters() returns objects
// with MimeType and Format(object, TextWriter).

/// <summary>Something a notebook shows as HTML (and as its ToString() where only text is shown).</summary>
internal interface INotebookHtml
{
    string Html { get; }
}

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
        if (instance is not INotebookHtml output) return false;
        writer.Write(MimeType != "text/html" ? instance.ToString() : output.Html);
        return true;
    }
}
