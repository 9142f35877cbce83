namespace MnistLeNet.Training;

/// <summary>
/// A shortened run for automated checks of the notebooks: when the environment variable
/// <c>MNIST_LENET_QUICK</c> is set to 1, notebooks train one epoch on the first 6,000 training
/// images instead of the full recipe, and say so. Learners never need it.
/// </summary>
public static class QuickMode
{
    public const string Variable = "MNIST_LENET_QUICK";
    public const int QuickTrainImages = 6000;

    public static bool IsOn => Environment.GetEnvironmentVariable(Variable) is "1" or "true";

    /// <summary>The options as given, or shortened to one epoch on 6,000 images in quick mode.</summary>
    public static TrainingOptions Apply(TrainingOptions options) =>
        IsOn ? options with { Epochs = 1, TrainLimit = Math.Min(options.TrainLimit ?? QuickTrainImages, QuickTrainImages) } : options;

    /// <summary>A sentence for the notebook to print about how it is running.</summary>
    public static string Describe(TrainingOptions options) => IsOn
        ? $"QUICK MODE ({Variable}=1): training is shortened to {options.Epochs} epoch on {options.TrainLimit:N0} images, so the numbers below are lower than the tutorial's."
        : $"Full run: {options.Epochs} epoch{(options.Epochs == 1 ? "" : "s")} on {(options.TrainLimit is int n ? $"the first {n:N0}" : "all 60,000")} training images.";
}
