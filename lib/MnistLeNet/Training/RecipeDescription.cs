namespace MnistLeNet.Training;

/// <summary>A one-line, human-readable account of a recipe, printed before training.</summary>
public static class RecipeDescription
{
    public static string Describe(TrainingOptions o)
    {
        var optimizer = o.Optimizer == OptimizerKind.SgdMomentum ? $"SGD momentum {o.Momentum}" : "Adam";
        var init = o.Init == InitKind.Paddle ? "Paddle init" : "default init";
        var limit = o.TrainLimit is int n ? $", first {n} training images" : "";
        var schedule = o.Schedule == ScheduleKind.OneCycle ? " (one-cycle peak)" : "";
        return $"recipe {o.Recipe}: {o.Activation.ToString().ToLowerInvariant()} LeNet, {init}, {optimizer}, lr {o.LearningRate}{schedule}, " +
               $"batch {o.BatchSize}, {o.Epochs} epoch{(o.Epochs == 1 ? "" : "s")}{(o.Shuffle ? ", shuffled" : "")}, seed {o.Seed}{limit}";
    }
}
