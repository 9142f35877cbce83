namespace MnistLeNet.Cli;

/// <summary>The command line is wrong in a way only the command can tell (e.g. an --out that would overwrite an input): exit with 2.</summary>
public sealed class UsageException(string message) : Exception(message);
