using TorchSharp;

namespace MnistLeNet.Model;

/// <summary>Eval mode for a <c>using</c> block; the previous mode comes back afterwards.</summary>
public readonly struct EvalMode : IDisposable
{
    readonly torch.nn.Module _model;
    readonly bool _wasTraining;

    EvalMode(torch.nn.Module model)
    {
        _model = model;
        _wasTraining = model.training;
        model.eval();
    }

    public static EvalMode Enter(torch.nn.Module model) => new(model);

    public void Dispose() => _model.train(_wasTraining);
}
