using static TorchSharp.torch;

namespace MnistLeNet.Model;

/// <summary>Looks inside a model, as float arrays for <c>Plots.Filters</c> and <c>Plots.FeatureMaps</c>.</summary>
public static class ModelInspection
{
    /// <summary>conv1's filters ("conv1.weight", [6,1,5,5]): 25 weights per filter, row by row.</summary>
    public static float[][] Conv1Filters(nn.Module model)
    {
        var weight = model.named_parameters().SingleOrDefault(p => p.name == "conv1.weight").parameter
            ?? throw new ArgumentException("the model has no parameter 'conv1.weight'", nameof(model));
        using var noGrad = no_grad();
        return TensorRows.Of(weight, rows: (int)weight.shape[0]);
    }

    /// <summary>What <paramref name="layer"/> ("conv1", ...) outputs for one 28×28 image: a row-by-row map per channel.</summary>
    public static float[][] FeatureMaps(nn.Module<Tensor, Tensor> model, Tensor image, string layer)
    {
        if (!LayerOutputs.Names(model).Contains(layer))
            throw new ArgumentException($"the model has no layer '{layer}'; its layers are: {string.Join(", ", LayerOutputs.Names(model))}", nameof(layer));
        if (image.numel() != 28 * 28)
            throw new ArgumentException($"expected one 28×28 image, got shape [{string.Join(",", image.shape)}]", nameof(image));

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        float[][]? maps = null;
        var input = image.reshape(1, 1, 28, 28).to(ModelDevice.Of(model));
        LayerOutputs.Capture(model, input, (name, _, output) =>
        {
            if (name == layer && maps is null) maps = TensorRows.Of(output, rows: output.dim() == 4 ? (int)output.shape[1] : 1);
        });
        return maps ?? throw new InvalidOperationException($"layer '{layer}' was not called by the model's forward (is it called with call()?)");
    }

    /// <summary>The width of square feature maps (24 for 576 values), for <c>Plots.FeatureMaps</c>.</summary>
    public static int MapWidth(IReadOnlyList<float[]> maps)
    {
        if (maps.Count == 0) throw new ArgumentException("no maps", nameof(maps));
        int width = (int)Math.Round(Math.Sqrt(maps[0].Length));
        if (width * width != maps[0].Length) throw new ArgumentException($"maps of {maps[0].Length} values are not square", nameof(maps));
        return width;
    }
}
