using TorchSharp;

namespace MnistLeNet.Training;

/// <summary>
/// CPU threads for torch. libtorch's workers spin while waiting, so more threads than free cores slow each other down:
/// one core is left for the editor and kernel, and tiny batches (overhead-bound) get one. See the README's Performance notes.
/// </summary>
public static class CpuThreads
{
    /// <summary>Threads for training with batches of <paramref name="batchSize"/> images.</summary>
    public static int For(int batchSize) => batchSize <= 16 ? 1 : Default;

    /// <summary>All cores but one, at least 1 and at most 4 (LeNet gains nothing from more).</summary>
    public static int Default => Math.Clamp(Environment.ProcessorCount - 1, 1, 4);

    /// <summary>Every core, at most 4: for a race (<see cref="TrainingOptions.Speedrun"/>), which has the machine to itself.</summary>
    public static int All => Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>Sets torch's thread count until the result is disposed, which restores the previous count.</summary>
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
