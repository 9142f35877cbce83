namespace MnistLeNet.Cli;

/// <summary>
/// JSON has no NaN or infinity. Numbers that are not finite are written as <c>null</c>, and the
/// fields they were in are listed, so the output says why a number is missing.
/// </summary>
public sealed class FiniteJson
{
    /// <summary>The fields (e.g. "loss", "probabilities[3]") written as null because they were NaN or infinite.</summary>
    public List<string> NonFinite { get; } = [];

    public double? Number(string field, double value)
    {
        if (double.IsFinite(value)) return value;
        NonFinite.Add(field);
        return null;
    }

    public double?[] Numbers(string field, IEnumerable<double> values) => values.Select((v, i) => Number($"{field}[{i}]", v)).ToArray();
}
