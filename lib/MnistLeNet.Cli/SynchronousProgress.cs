namespace MnistLeNet.Cli;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls back on the reporting thread, at once. (The framework's
/// <c>Progress&lt;T&gt;</c> posts callbacks to the thread pool in a console program, so they can arrive
/// after the work is done and mix with later output.)
/// </summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
