using static TorchSharp.torch;

namespace MnistLeNet.Model;

/// <summary>One row of a model summary: a step, the shape it outputs and the parameters it owns.</summary>
public sealed record LayerSummary(string Name, long[] OutputShape, long Parameters)
{
    public string Shape => "[" + string.Join(",", OutputShape) + "]";
}

/// <summary>Traces a real input through LeNet step by step and reports every shape.</summary>
public static class ModelSummary
{
    /// <summary>Shapes and parameter counts for an input of shape <paramref name="inputShape"/> (default [1,1,28,28]).</summary>
    public static IReadOnlyList<LayerSummary> Of(LeNet model, params long[] inputShape)
    {
        if (inputShape.Length == 0) inputShape = [1, 1, 28, 28];
        var parameters = model.named_children().ToDictionary(c => c.name, c => c.module.parameters().Sum(p => p.numel()));
        var rows = new List<LayerSummary> { new("input", inputShape, 0) };
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var device = model.Device;
        var x = zeros(inputShape, device: device);
        foreach (var (name, apply) in model.Steps)
        {
            x = apply(x);
            rows.Add(new LayerSummary(name, x.shape, parameters.GetValueOrDefault(name)));
        }
        return rows;
    }

    /// <summary>The summary as an aligned text table, ending with the total parameter count.</summary>
    public static string Format(IReadOnlyList<LayerSummary> rows)
    {
        var lines = rows.Select(r => $"{r.Name,-10} {r.Shape,-16} {r.Parameters,10:N0}").ToList();
        lines.Insert(0, $"{"layer",-10} {"output shape",-16} {"parameters",10}");
        lines.Add($"{"total",-10} {"",-16} {rows.Sum(r => r.Parameters),10:N0}");
        return string.Join(Environment.NewLine, lines);
    }
}
