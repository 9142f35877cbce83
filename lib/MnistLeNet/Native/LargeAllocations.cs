using System.Runtime.InteropServices;

namespace MnistLeNet.Native;

/// <summary>
/// Makes the memory of large tensors go back to the system when they are freed (Linux, glibc). glibc's
/// malloc serves large blocks from separate mappings, returned on free, but after the first such free it
/// raises that threshold (up to 32 MB) and keeps later large blocks in per-thread heaps for reuse. In a
/// notebook kernel, where cells run on different threads and learners rerun cells that make big temporary
/// tensors (a [10000,1,28,28] difference is 31 MB), the process then only grows, although every tensor was
/// freed. Setting the threshold once fixes it at <see cref="Threshold"/>. Fixing it also stops glibc from
/// adjusting how much free memory it keeps at the top of its heap (128 KB by default), which made every
/// training step and evaluation batch fault its pages in anew (evaluation ran at half speed): that is set to
/// twice the threshold, as glibc itself would.
/// </summary>
internal static class LargeAllocations
{
    /// <summary>Blocks from this size on get their own mapping. Below it: every tensor of a training step or
    /// of an evaluation batch (and the scratch memory of their convolutions), reused from the heap as before.</summary>
    public const int Threshold = 16 << 20;

    const int TrimThreshold = -1, MmapThreshold = -3; // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD in malloc.h

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    static extern int Mallopt(int parameter, int value);

    /// <summary>Returns whether glibc accepted the setting.</summary>
    public static bool ReturnToSystem() => Mallopt(MmapThreshold, Threshold) == 1 & Mallopt(TrimThreshold, 2 * Threshold) == 1;
}
