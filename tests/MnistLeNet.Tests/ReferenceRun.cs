using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace MnistLeNet.Tests;

/// <summary>
/// Compares a piece of output quoted in a solution's reference line ("On a reference run: `seed 1: test accuracy
/// 80.8 %`") with what the solution printed when the tests ran it. The words must be the same (spaces may differ);
/// each number may differ by a stated tolerance: <see cref="PercentagePoints"/> for a percentage,
/// <see cref="Relative"/> for other numbers, none for small integers such as digits and seeds, and values below
/// <see cref="Tiny"/> (rounding errors) only have to stay below it. Speeds (a number followed by "images/s") are not
/// compared: they depend on the machine and its load, and the project has no timed tests.
/// </summary>
public static partial class ReferenceRun
{
    public const double PercentagePoints = 3;
    public const double Relative = 0.05;
    public const double Tiny = 1e-4;

    /// <summary>Null when <paramref name="printed"/> holds <paramref name="quote"/> within the tolerances; otherwise why not.</summary>
    public static string? Mismatch(string quote, string printed)
    {
        var numbers = NumberPattern().Matches(quote);
        var pattern = new StringBuilder();
        int at = 0;
        foreach (Match number in numbers)
        {
            pattern.Append(Literal(quote[at..number.Index])).Append('(').Append(NumberPattern().ToString()).Append(')');
            at = number.Index + number.Length;
        }
        pattern.Append(Literal(quote[at..]));
        var candidates = Regex.Matches(printed, pattern.ToString());
        if (candidates.Count == 0) return $"'{quote}' is not in the output:\n{printed}";
        var mismatches = candidates.Select(found => Mismatch(quote, numbers, found)).ToList();
        return mismatches.Any(m => m is null) ? null : mismatches[0];   // any line of the output may be the quoted one
    }

    static string? Mismatch(string quote, MatchCollection numbers, Match found)
    {
        for (int i = 0; i < numbers.Count; i++)
        {
            var after = quote[(numbers[i].Index + numbers[i].Length)..].TrimStart();
            if (after.StartsWith("images/s", StringComparison.Ordinal)) continue;
            double expected = Parse(numbers[i].Value), actual = Parse(found.Groups[i + 1].Value);
            bool percent = after.StartsWith('%');
            bool close = percent ? Math.Abs(actual - expected) <= PercentagePoints
                : Math.Abs(expected) < Tiny ? Math.Abs(actual) < Tiny
                : IsSmallInteger(numbers[i].Value) ? actual == expected
                : Math.Abs(actual - expected) <= Relative * Math.Abs(expected);
            if (!close) return $"'{quote}': the run printed '{found.Value}' ({numbers[i].Value} expected{(percent ? $" within {PercentagePoints} points" : "")})";
        }
        return null;
    }

    static bool IsSmallInteger(string number) => !number.Contains('.') && !number.Contains('E') && Parse(number) < 10;

    static double Parse(string number) => double.Parse(number.Replace(",", ""), NumberStyles.Float, CultureInfo.InvariantCulture);

    static string Literal(string text) => string.Join(@"\s+", Regex.Split(text, @"\s+").Select(Regex.Escape));

    // 1,234 and 1,234.5 group thousands; "2, epoch" is the number 2 and a comma.
    [GeneratedRegex(@"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:E[-+]?\d+)?")]
    private static partial Regex NumberPattern();
}
