using System.Runtime.CompilerServices;
using MnistLeNet.Native;

namespace MnistLeNet.Tests;

/// <summary>Like every program, the test assembly prepares TorchSharp once, before any test runs; a
/// failure there fails every test with TorchRuntime's message.</summary>
static class TorchSetup
{
#pragma warning disable CA2255 // deliberate: the test assembly is the program here, and this is its start
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void InitializeTorch() => TorchRuntime.Initialize();
}
