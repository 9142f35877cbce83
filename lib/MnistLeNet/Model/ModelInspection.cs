using TorchSharp;
using static TorchSharp.torch;

namespace MnistLeNet.Model;

/// <summary>
/// Looks inside a LeNet: the weights of its first convolution, and what its layers produce for one
/// image. Results are plain float arrays, ready for <c>Plots.Filters</c> and <c>Plots.FeatureMaps</c>.
/// </summary>
public static class ModelInspection
{
    /// <summary>
    /// conv1's six 5×5 filters: one array of 25 weights per filter, row by row
    /// (the parameter "conv1.weight", shaped [6,1,5,5]).
    /// </summary>
    public static float[][] Conv1Filters(LeNet model)
    {
        var weight = model.named_parameters().Single(p => p.name == "conv1.weight").parameter;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return TensorRows.Of(weight, rows: (int)weight.shape[0]);
    }

    /// <summary>
    /// Runs one image through the model's steps (<see cref="LeNet.Steps"/>), stopping after the first
    /// step called <paramref name="afterStep"/> ("conv1", "sigmoid", "max_pool1", "conv2", ...), and
    /// returns that step's output: one map per channel, each flattened row by row (after "conv1": 6 maps
    /// of 24×24). After "flatten" and later steps there are no channels; the result is a single array.
    /// </summary>
    /// <param name="image">one image, shaped [28,28], [1,28,28] or [1,1,28,28]</param>
    public static float[][] FeatureMaps(LeNet model, Tensor image, string afterStep)
    {
        int last = -1;
        for (int i = 0; i < model.Steps.Count; i++) if (model.Steps[i].Name == afterStep) { last = i; break; }
        if (last < 0)
            throw new ArgumentException($"the model has no step '{afterStep}'; its steps are: {string.Join(", ", model.Steps.Select(s => s.Name))}", nameof(afterStep));
        if (image.numel() != 28 * 28)
            throw new ArgumentException($"expected one 28×28 image, got shape [{string.Join(",", image.shape)}]", nameof(image));

        var device = model.Device;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = image.reshape(1, 1, 28, 28).to(device);
        for (int i = 0; i <= last; i++) x = model.Steps[i].Apply(x);
        return TensorRows.Of(x, rows: x.dim() == 4 ? (int)x.shape[1] : 1);
    }

    /// <summary>The width of square feature maps (e.g. 24 for maps of 576 values), for <c>Plots.FeatureMaps</c>.</summary>
    public static int MapWidth(IReadOnlyList<float[]> maps)
    {
        if (maps.Count == 0) throw new ArgumentException("no maps", nameof(maps));
        int width = (int)Math.Round(Math.Sqrt(maps[0].Length));
        if (width * width != maps[0].Length) throw new ArgumentException($"maps of {maps[0].Length} values are not square", nameof(maps));
        return width;
    }
}
