using System.Reflection;

namespace MnistLeNet.Training;

/// <summary>
/// The cancellation of the notebook cell that is running, so that the stop button of VS Code or
/// Jupyter's interrupt can stop a C# loop: .NET cannot abort a thread, so a loop stops only if it
/// checks. The .NET Interactive kernel keeps the running cell's token in
/// <c>Microsoft.DotNet.Interactive.KernelInvocationContext.Current.CancellationToken</c>; it is found
/// by reflection, so the library needs no reference to the kernel's packages.
/// </summary>
public static class CellCancellation
{
    const string ContextTypeName = "Microsoft.DotNet.Interactive.KernelInvocationContext";

    /// <summary>The running cell's token; <see cref="CancellationToken.None"/> outside a notebook kernel.</summary>
    public static CancellationToken Current
    {
        get
        {
            var type = AppDomain.CurrentDomain.GetAssemblies()
                .Where(a => a.GetName().Name == "Microsoft.DotNet.Interactive")
                .Select(a => a.GetType(ContextTypeName, throwOnError: false))
                .FirstOrDefault(t => t is not null);
            var context = type?.GetProperty("Current", BindingFlags.Public | BindingFlags.Static)?.GetValue(null);
            return context?.GetType().GetProperty("CancellationToken")?.GetValue(context) as CancellationToken? ?? CancellationToken.None;
        }
    }
}
