namespace MnistLeNet.Cli;

/// <summary>The command line itself is wrong: print the message and the usage, exit with 2.</summary>
public sealed class UsageException(string message) : Exception(message);
