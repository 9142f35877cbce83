using System.Globalization;

namespace MnistLeNet.Cli;

/// <summary>
/// A parsed command line: <c>COMMAND [--name value | --name value value... | --flag]...</c>. Each command
/// states which options it accepts; anything else is a <see cref="UsageException"/> naming the culprit.
/// </summary>
public sealed class CommandLine
{
    readonly Dictionary<string, string?> _options;
    readonly Dictionary<string, List<string>> _lists;
    public string Command { get; }

    CommandLine(string command, Dictionary<string, string?> options, Dictionary<string, List<string>> lists)
    {
        Command = command;
        _options = options;
        _lists = lists;
    }

    /// <param name="valued">Options that take a value, without the leading "--".</param>
    /// <param name="flags">Options that stand alone.</param>
    /// <param name="lists">Options that take one or more values (all arguments up to the next option).</param>
    public static CommandLine Parse(string command, IReadOnlyList<string> args, ISet<string> valued, ISet<string> flags, ISet<string>? lists = null)
    {
        var options = new Dictionary<string, string?>();
        var listed = new Dictionary<string, List<string>>();
        for (int i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
                throw new UsageException($"unexpected argument '{arg}' for '{command}'");
            var name = arg[2..];
            string? inlineValue = null;
            if (name.IndexOf('=') is var eq and > 0) (name, inlineValue) = (name[..eq], name[(eq + 1)..]);
            if (options.ContainsKey(name)) throw new UsageException($"option --{name} given twice");
            if (flags.Contains(name))
            {
                if (inlineValue is not null) throw new UsageException($"option --{name} takes no value");
                options[name] = null;
            }
            else if (valued.Contains(name))
            {
                var value = inlineValue ?? (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null);
                options[name] = value ?? throw new UsageException($"option --{name} needs a value");
            }
            else if (lists?.Contains(name) == true)
            {
                var values = listed[name] = inlineValue is null ? [] : [inlineValue];
                while (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) values.Add(args[++i]);
                if (values.Count == 0) throw new UsageException($"option --{name} needs a value");
                options[name] = null;
            }
            else
            {
                throw new UsageException($"unknown option --{name} for '{command}'");
            }
        }
        return new CommandLine(command, options, listed);
    }

    public bool Has(string name) => _options.ContainsKey(name);

    public string? String(string name) => _options.GetValueOrDefault(name);

    /// <summary>The values of an option that takes several (none when it was not given).</summary>
    public IReadOnlyList<string> Strings(string name) => _lists.GetValueOrDefault(name) ?? [];

    public int? Int(string name, int min, int max = int.MaxValue)
    {
        if (String(name) is not { } text) return null;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new UsageException($"--{name} must be a whole number from {min} to {max}, got '{text}'");
        return value;
    }

    public double? PositiveDouble(string name)
    {
        if (String(name) is not { } text) return null;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value > 0) || double.IsInfinity(value))
            throw new UsageException($"--{name} must be a positive number, got '{text}'");
        return value;
    }

    public string Choice(string name, string fallback, params string[] allowed)
    {
        var value = String(name) ?? fallback;
        if (!allowed.Contains(value, StringComparer.OrdinalIgnoreCase))
            throw new UsageException($"--{name} must be one of {string.Join(", ", allowed)}, got '{value}'");
        return value.ToLowerInvariant();
    }

    public string Required(string name) => String(name) ?? throw new UsageException($"'{Command}' needs --{name}");
}
