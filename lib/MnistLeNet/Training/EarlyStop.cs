namespace MnistLeNet.Training;

/// <summary>
/// Stop training as soon as a test evaluation reaches <paramref name="TargetAccuracy"/> (0..1). From
/// <paramref name="FromImages"/> training images on, the model is evaluated on the test set every
/// <paramref name="EveryImages"/> images (and at the end of every epoch, as always).
/// <para>
/// Stopping when the <em>test</em> set says so is a benchmark convention ("time to 99%", as in the
/// well-known CIFAR-10 speedruns), not a way to choose a model: a run that peeks at the test set to
/// decide when to stop has used it for training decisions, so its accuracy on it is no longer an
/// unbiased estimate. Without early stopping, a recipe runs its whole budget.
/// </para>
/// </summary>
public sealed record EarlyStop(double TargetAccuracy, int FromImages, int EveryImages)
{
    /// <summary>99% test accuracy, checked every 5,000 images from 60,000 on (the speedrun's rule).</summary>
    public static EarlyStop At99Percent { get; } = new(0.99, FromImages: 60_000, EveryImages: 5_000);

    /// <summary>Whether a check falls due when training goes from <paramref name="before"/> to <paramref name="after"/> images.</summary>
    public bool CheckDue(long before, long after) => ChecksPassed(after) > ChecksPassed(before);

    /// <summary>Whether an evaluation after <paramref name="images"/> training images with this accuracy ends the run.</summary>
    public bool Reached(long images, double accuracy) => images >= FromImages && accuracy >= TargetAccuracy;

    /// <summary>How many of the check points FromImages, FromImages + EveryImages, ... lie at or before <paramref name="images"/>.</summary>
    long ChecksPassed(long images) => images < FromImages ? 0 : (images - FromImages) / EveryImages + 1;

    internal EarlyStop Validated()
    {
        if (!(TargetAccuracy is > 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(TargetAccuracy), TargetAccuracy, "must be in (0,1]");
        if (FromImages < 0) throw new ArgumentOutOfRangeException(nameof(FromImages), FromImages, "must be at least 0");
        if (EveryImages < 1) throw new ArgumentOutOfRangeException(nameof(EveryImages), EveryImages, "must be at least 1");
        return this;
    }
}
