using System.Text;

namespace MnistLeNet.Bench;

/// <summary>One measured figure, with the PyTorch figure beside it when there is one.</summary>
public sealed record Row(string Metric, double Project, double? Pytorch, double? Ratio, string? Target);

/// <summary>Collects rows and prints them as a table with project/PyTorch ratios.</summary>
public sealed class Report
{
    public List<Row> Rows { get; } = [];

    /// <param name="lowerIsBetter">For times: the ratio is then PyTorch/project, so > 1 always means "project better".</param>
    public void Add(string metric, double project, double? peer = null, bool lowerIsBetter = false, string? target = null)
    {
        double? ratio = peer is double p ? (lowerIsBetter ? p / project : project / p) : null;
        Rows.Add(new Row(metric, project, peer, ratio, target));
        Console.WriteLine($"  {metric}: {project:G4}{(peer is null ? "" : $" (PyTorch {peer:G4}, {ratio:F2}x)")}");
    }

    public void AddPeerOnly(string metric, double peer) => Rows.Add(new Row(metric, double.NaN, peer, null, null));

    public double Value(string metric) => Rows.First(r => r.Metric == metric).Project;

    public string Table()
    {
        var text = new StringBuilder();
        text.AppendLine($"{"metric",-62} {"project",10} {"PyTorch",10} {"ratio",7}  target");
        foreach (var r in Rows)
            text.AppendLine($"{Cut(r.Metric, 62),-62} {Format(r.Project),10} {Format(r.Pytorch),10} {(r.Ratio is double x ? $"{x:F2}x" : ""),7}  {r.Target}");
        text.Append("ratio > 1 means the project is better (faster, or less time).");
        return text.ToString();
    }

    static string Format(double? v) => v is double d && !double.IsNaN(d) ? (d >= 100 ? $"{d:F0}" : $"{d:G3}") : "-";
    static string Cut(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";
}
