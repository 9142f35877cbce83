using System.Globalization;

namespace MnistLeNet.Training;

/// <summary>A one-line, human-readable account of a recipe, printed before training.</summary>
public static class RecipeDescription
{
    public static string Describe(TrainingOptions o)
    {
        var optimizer = o.Optimizer == OptimizerKind.SgdMomentum ? $"SGD {(o.Nesterov ? "Nesterov " : "")}momentum {o.Momentum}" : "Adam";
        var decay = o.WeightDecay > 0 ? $", weight decay {Number(o.WeightDecay)}" : "";
        var init = o.Init == InitKind.Paddle ? "Paddle init" : "default init";
        var inputs = o.Standardize is { } s ? $", inputs standardised ((x - {Number(s.Mean)}) / {Number(s.Std)})" : "";
        var smoothing = o.LabelSmoothing > 0 ? $", label smoothing {Number(o.LabelSmoothing)}" : "";
        var limit = o.TrainLimit is int n ? $", first {n} training images" : "";
        var schedule = o.Schedule switch
        {
            ScheduleKind.OneCycle => " (one-cycle peak)",
            ScheduleKind.WarmupCosine => " (peak of a warm-up + cosine schedule)",
            _ => "",
        };
        var length = $"{o.Epochs} epoch{(o.Epochs == 1 ? "" : "s")}" + (o.ImageBudget is int budget ? $" or {budget} images" : "");
        var stop = o.StopAt is { } s2 ? $", stops at {s2.TargetAccuracy:P1} test accuracy (checked every {s2.EveryImages} images from {s2.FromImages} on)" : "";
        return $"recipe {o.Recipe}: {o.Activation.ToString().ToLowerInvariant()} LeNet, {init}{inputs}, {optimizer}{decay}, lr {o.LearningRate}{schedule}{smoothing}, " +
               $"batch {o.BatchSize}, {length}{(o.Shuffle ? ", shuffled" : "")}, seed {o.Seed}{limit}{stop}";
    }

    static string Number(double x) => x.ToString(CultureInfo.InvariantCulture);
}
