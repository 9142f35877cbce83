using System.Reflection;

namespace MnistLeNet;

/// <summary>
/// The few things the library needs from the notebook kernel (Microsoft.DotNet.Interactive) when it
/// runs inside one, found by reflection so that the library needs no reference to the kernel's
/// packages and works the same in a console program, where there is no kernel.
/// </summary>
public static class NotebookKernel
{
    const string KernelType = "Microsoft.DotNet.Interactive.Kernel";
    const string ContextType = "Microsoft.DotNet.Interactive.KernelInvocationContext";

    /// <summary>
    /// The running cell's cancellation token: it fires when the learner presses the notebook's stop
    /// button (VS Code) or interrupts the kernel (Jupyter). <see cref="CancellationToken.None"/> outside a cell.
    /// .NET cannot abort a running loop, so a long loop must check this token to be stoppable.
    /// </summary>
    public static CancellationToken CellCancellation =>
        CurrentContext() is { } context && context.GetType().GetProperty("CancellationToken")?.GetValue(context) is CancellationToken token
            ? token : CancellationToken.None;

    /// <summary>
    /// Shows <paramref name="value"/> in the running cell's output, like the kernel's <c>display(value)</c>,
    /// and returns a function that replaces what is shown; null outside a kernel.
    /// </summary>
    public static Action<object>? Display(object value)
    {
        var display = Find(KernelType)?.GetMethod("display", BindingFlags.Public | BindingFlags.Static, [typeof(object), typeof(string[])]);
        if (display is null || CurrentContext() is null) return null;
        var shown = display.Invoke(null, [value, Array.Empty<string>()]);
        var update = shown?.GetType().GetMethod("Update", [typeof(object)]);
        return update is null ? null : updated => update.Invoke(shown, [updated]);
    }

    // Kept once found: a training loop asks for the cancellation token at every batch.
    static PropertyInfo? _contextCurrent;

    static object? CurrentContext() =>
        (_contextCurrent ??= Find(ContextType)?.GetProperty("Current", BindingFlags.Public | BindingFlags.Static))?.GetValue(null);

    static Type? Find(string name) => AppDomain.CurrentDomain.GetAssemblies()
        .Where(a => a.GetName().Name == "Microsoft.DotNet.Interactive")
        .Select(a => a.GetType(name)).FirstOrDefault(t => t is not null);
}
