using System.Runtime.InteropServices;

namespace MnistLeNet.Native;

/// <summary>Makes large tensors' memory go back to the system when freed (Linux, glibc).</summary>
/// <remarks>glibc raises its mmap threshold after the first large free, so a kernel rerunning cells only grew.
/// The trim threshold is set to twice it, as glibc would; left dynamic, every batch faulted its pages in anew.</remarks>
internal static class LargeAllocations
{
    /// <summary>Blocks from this size on get their own mapping; a batch's tensors stay below it, reused from the heap.</summary>
    public const int Threshold = 16 << 20;

    const int TrimThreshold = -1, MmapThreshold = -3; // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD in malloc.h

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    static extern int Mallopt(int parameter, int value);

    /// <summary>Returns whether glibc accepted the setting.</summary>
    public static bool ReturnToSystem() => Mallopt(MmapThreshold, Threshold) == 1 & Mallopt(TrimThreshold, 2 * Threshold) == 1;
}
