using System.Reflection;

namespace MnistLeNet;

/// <summary>What the library needs from a notebook kernel, by reflection: no package reference, and console programs work alike.</summary>
public static class NotebookKernel
{
    const string KernelType = "Microsoft.DotNet.Interactive.Kernel";
    const string ContextType = "Microsoft.DotNet.Interactive.KernelInvocationContext";

    /// <summary>Fires on the notebook's stop button; .NET cannot abort a loop, so long loops check it. None outside a cell.</summary>
    public static CancellationToken CellCancellation =>
        CurrentContext() is { } context && context.GetType().GetProperty("CancellationToken")?.GetValue(context) is CancellationToken token
            ? token : CancellationToken.None;

    /// <summary>Like the kernel's <c>display(value)</c>; returns a function that replaces what is shown (null outside a kernel).</summary>
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
