using static TorchSharp.torch;

namespace MnistLeNet.Model;

/// <summary>One row of a model summary: a layer, the shape it outputs and the parameters it owns.</summary>
public sealed record LayerSummary(string Name, long[] OutputShape, long Parameters)
{
    public string Shape => "[" + string.Join(",", OutputShape) + "]";
}

/// <summary>Each layer's output shape and parameter count, from forward hooks on a real input (so sigmoid and reshape do not appear).</summary>
public static class ModelSummary
{
    /// <summary>The summary for an input of shape <paramref name="inputShape"/> (default [1,1,28,28]).</summary>
    public static IReadOnlyList<LayerSummary> Of(nn.Module<Tensor, Tensor> model, params long[] inputShape)
    {
        if (inputShape.Length == 0) inputShape = [1, 1, 28, 28];
        var rows = new List<LayerSummary> { new("input", inputShape, 0) };
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        LayerOutputs.Capture(model, zeros(inputShape, device: ModelDevice.Of(model)),
            (name, layer, result) => rows.Add(new LayerSummary(name, result.shape, layer.parameters().Sum(p => p.numel()))));
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
