namespace MnistLeNet;

/// <summary>Which digit a row of ten probabilities (or scores) picks, as <c>argmax</c> does on a tensor.</summary>
public static class ArgMaxExtensions
{
    /// <summary>The index of the largest value: the predicted digit of ten probabilities (the first one on a tie).</summary>
    public static int ArgMax(this float[] values) =>
        values.Length > 0 ? Array.IndexOf(values, values.Max()) : throw new ArgumentException("no values", nameof(values));
}
