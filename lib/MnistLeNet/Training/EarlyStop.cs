namespace MnistLeNet.Training;

/// <summary>
/// Stop when a test evaluation, every <paramref name="EveryImages"/> images from <paramref name="FromImages"/> on (and
/// after every epoch), reaches <paramref name="TargetAccuracy"/>. A benchmark convention ("time to 99%"), not model
/// selection: a run that peeks at the test set to stop has made its test accuracy a biased estimate.
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
