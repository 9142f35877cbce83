using static TorchSharp.torch;

namespace MnistLeNet.Model;

/// <summary>Copies a float tensor out of torch as plain arrays, one per row.</summary>
internal static class TensorRows
{
    /// <summary>The values of <paramref name="tensor"/> (any device, any layout) split into
    /// <paramref name="rows"/> equal arrays, in order.</summary>
    public static float[][] Of(Tensor tensor, int rows)
    {
        using var cpu = tensor.detach().cpu().contiguous();
        var flat = cpu.data<float>().ToArray();
        int size = flat.Length / rows;
        return Enumerable.Range(0, rows).Select(r => flat.AsSpan(r * size, size).ToArray()).ToArray();
    }
}
