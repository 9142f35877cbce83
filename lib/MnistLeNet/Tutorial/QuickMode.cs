using MnistLeNet.Training;

namespace MnistLeNet.Tutorial;

/// <summary>
/// A shortened run for automated checks of the notebooks: when the environment variable
/// <c>MNIST_LENET_QUICK</c> is set to 1, notebooks train for one epoch instead of the recipe's
/// five, skip optional experiments, and say so. (One epoch is the least that makes the tutorial's
/// sigmoid network learn: on fewer images it is still guessing.) Learners never need it.
/// </summary>
public static class QuickMode
{
    public const string Variable = "MNIST_LENET_QUICK";

    public static bool IsOn => Environment.GetEnvironmentVariable(Variable) is "1" or "true";

    /// <summary>The options as given, or shortened to one epoch in quick mode.</summary>
    public static TrainingOptions Apply(TrainingOptions options) => IsOn ? options with { Epochs = 1 } : options;

    /// <summary>A sentence for the notebook to print about how it is running.</summary>
    public static string Describe(TrainingOptions options) => IsOn
        ? $"QUICK MODE ({Variable}=1): training is shortened to {options.Epochs} epoch, so the numbers below are lower than the tutorial's five-epoch results."
        : $"Full run: {options.Epochs} epoch{(options.Epochs == 1 ? "" : "s")} on {(options.TrainLimit is int n ? $"the first {n:N0}" : "all 60,000")} training images.";
}
