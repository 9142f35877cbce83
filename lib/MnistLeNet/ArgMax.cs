namespace MnistLeNet;

/// <summary>Which digit a row of ten probabilities (or scores) picks, as <c>argmax</c> does on a tensor.</summary>
public static class ArgMaxExtensions
{
    /// <summary>The index of the largest value: the predicted digit of ten probabilities (the first one on a tie).</summary>
    public static int ArgMax(this float[] values)
    {
        if (values.Length == 0) throw new ArgumentException("no values", nameof(values));
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }
}
