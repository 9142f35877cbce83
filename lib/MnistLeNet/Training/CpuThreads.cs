using TorchSharp;

namespace MnistLeNet.Training;

/// <summary>
/// How many CPU threads torch should use while training. libtorch's worker threads spin while they wait
/// for each other, so with more threads than free cores they slow each other down; a laptop in a
/// classroom always has something else running (the editor, the notebook kernel, a browser), so we
/// leave one core free. Tiny batches get one thread: per-operation overhead dominates there. The
/// measurements behind this are in the README (Performance notes).
/// </summary>
public static class CpuThreads
{
    /// <summary>Threads for training with batches of <paramref name="batchSize"/> images.</summary>
    public static int For(int batchSize) => batchSize <= 16 ? 1 : Default;

    /// <summary>All cores but one, at least 1 and at most 4 (LeNet gains nothing from more).</summary>
    public static int Default => Math.Clamp(Environment.ProcessorCount - 1, 1, 4);

    /// <summary>Every core, at most 4: for a race (<see cref="TrainingOptions.Speedrun"/>), which has the machine to itself.</summary>
    public static int All => Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>Sets torch's thread count to <paramref name="threads"/> until the result is disposed,
    /// which restores the previous count.</summary>
    public static IDisposable Use(int threads)
    {
        int previous = torch.get_num_threads();
        torch.set_num_threads(threads);
        return new Restore(previous);
    }

    sealed class Restore(int threads) : IDisposable
    {
        public void Dispose() => torch.set_num_threads(threads);
    }
}
