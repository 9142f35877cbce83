namespace MnistLeNet.Training;

/// <summary>The speedrun's schedule over a budget of images: a linear warm-up (large steps from random weights throw the
/// network about), then half a cosine down to 0 (small steps at the end settle the weights).</summary>
public static class WarmupCosine
{
    /// <summary>The share of the budget spent warming up, and the first rate as a fraction of the peak.</summary>
    public const double WarmupFraction = 0.2, StartFactor = 0.04;

    /// <summary>The learning rate for the step after <paramref name="imagesDone"/> of <paramref name="budget"/> images.</summary>
    public static double At(double peak, long imagesDone, long budget)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(budget, 1);
        double progress = Math.Clamp((double)imagesDone / budget, 0, 1);
        if (progress < WarmupFraction)
            return peak * (StartFactor + (1 - StartFactor) * progress / WarmupFraction);
        double cosine = (progress - WarmupFraction) / (1 - WarmupFraction); // 0 → 1
        return peak * 0.5 * (1 + Math.Cos(Math.PI * cosine));
    }
}
