using static TorchSharp.torch;

namespace MnistLeNet.Model;

/// <summary>Watches a model's layers (its named child modules) while it runs, with forward hooks.</summary>
public static class LayerOutputs
{
    /// <summary>Runs the model, reporting each layer's output as it happens; hooks run only for layers called with <c>call</c>.</summary>
    public static Tensor Capture(nn.Module<Tensor, Tensor> model, Tensor input, Action<string, nn.Module, Tensor> onOutput)
    {
        var hooks = new List<nn.HookableModule<Func<nn.Module<Tensor, Tensor>, Tensor, Tensor>, Func<nn.Module<Tensor, Tensor>, Tensor, Tensor, Tensor>>.HookRemover>();
        try
        {
            foreach (var (name, child) in model.named_children())
                if (child is nn.Module<Tensor, Tensor> layer)
                    hooks.Add(layer.register_forward_hook((m, _, output) => { onOutput(name, m, output); return output; }));
            return model.call(input);
        }
        finally
        {
            foreach (var hook in hooks) hook.remove();
        }
    }

    /// <summary>The names of the layers <see cref="Capture"/> can report.</summary>
    public static IReadOnlyList<string> Names(nn.Module model) => model.named_children().Select(c => c.name).ToList();
}
