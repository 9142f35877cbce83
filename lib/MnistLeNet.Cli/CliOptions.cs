using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace MnistLeNet.Cli;

/// <summary>
/// The kinds of option the commands take. A bad value is refused while parsing, with a message that names the
/// option and the value (exit 2); no option may be given twice.
/// </summary>
static class CliOptions
{
    public static Option<string> Text(string name, string helpName, string description, bool required = false) =>
        Once(new Option<string>(name) { HelpName = helpName, Description = description, Required = required });

    public static Option<bool> Flag(string name, string description) =>
        Once(new Option<bool>(name) { Description = description, Arity = ArgumentArity.Zero });

    public static Option<int?> Int(string name, int min, int max, string description) => Once(new Option<int?>(name)
    {
        HelpName = "N", Description = description,
        CustomParser = r => int.TryParse(Value(r), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v : Refuse<int?>(r, $"{name} must be a whole number from {min} to {max}, got '{Value(r)}'"),
    });

    public static Option<double?> PositiveNumber(string name, string description) => Once(new Option<double?>(name)
    {
        HelpName = "X", Description = description,
        CustomParser = r => double.TryParse(Value(r), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && !double.IsInfinity(v)
            ? v : Refuse<double?>(r, $"{name} must be a positive number, got '{Value(r)}'"),
    });

    /// <summary>One of <paramref name="allowed"/>, in any case (given in lower case), <paramref name="fallback"/> when absent.</summary>
    public static Option<string> Choice(string name, string fallback, string description, params string[] allowed)
    {
        var option = Once(new Option<string>(name)
        {
            HelpName = string.Join("|", allowed), Description = description, DefaultValueFactory = _ => fallback,
            CustomParser = r => allowed.Contains(Value(r), StringComparer.OrdinalIgnoreCase)
                ? Value(r).ToLowerInvariant() : Refuse<string>(r, $"{name} must be one of {string.Join(", ", allowed)}, got '{Value(r)}'"),
        });
        option.CompletionSources.Add(allowed);
        return option;
    }

    public static Option<string> Data() => Text("--data", "DIR", "The MNIST folder [default: the repository's data/mnist].");

    public static Option<string> Model() => Text("--model", "FILE", "The saved model.", required: true);

    public static Option<string> Device() => Choice("--device", "auto", "Where to compute (auto: a GPU if there is one).", "auto", "cpu", "cuda");

    public static Option<bool> Json(string what = "one JSON object as the last line (NaN or infinite numbers as null, named in \"non_finite\")") =>
        Flag("--json", $"Also print {what}.");

    /// <summary>Whether <paramref name="option"/> was written on the command line (not just defaulted).</summary>
    public static bool Given(this SymbolResult result, Option option) => result.GetResult(option) is { Implicit: false };

    static string Value(ArgumentResult r) => r.Tokens.Count > 0 ? r.Tokens[0].Value : "";

    static T? Refuse<T>(ArgumentResult r, string message)
    {
        r.AddError(message);
        return default;
    }

    static T Once<T>(T option) where T : Option
    {
        option.Validators.Add(r =>
        {
            if (r.IdentifierTokenCount > 1) r.AddError($"option {option.Name} given twice");
        });
        return option;
    }
}
