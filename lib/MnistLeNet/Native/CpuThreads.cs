namespace MnistLeNet.Native;

/// <summary>
/// How many CPU threads torch should use. Measured on a 2-core machine (fast recipe, batch 64):
/// two threads were ~20% faster than one on an idle machine, but with one other busy process they
/// collapsed to ~120-380 images/s against ~8,000-10,000 for one thread: libtorch's worker threads
/// spin while they wait for each other, and a busy core makes every wait a scheduler time slice.
/// A laptop in a classroom always has something else running (the editor, the notebook kernel, a
/// browser), so we leave one core free, and use one thread for tiny batches, where per-operation
/// overhead dominates (batch 10: one thread was 3.4× faster than two).
/// </summary>
public static class CpuThreads
{
    /// <summary>Threads for training or evaluating with batches of <paramref name="batchSize"/> images.</summary>
    public static int For(int batchSize) => batchSize <= 16 ? 1 : Default;

    /// <summary>All cores but one, at least 1 and at most 4 (LeNet gains nothing from more).</summary>
    public static int Default => Math.Clamp(Environment.ProcessorCount - 1, 1, 4);
}
