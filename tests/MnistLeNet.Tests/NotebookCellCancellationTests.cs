using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;
using MnistLeNet.Training;

namespace MnistLeNet.Tests;

/// <summary>
/// The notebook's stop button, with the real C# kernel run in this process: a training cell stops at
/// the next batch through <see cref="NotebookKernel.CellCancellation"/>, the model keeps what it learned, and the
/// next cell runs.
/// </summary>
public class NotebookCellCancellationTests
{
    /// <summary>Completed by the code running in the kernel once a few batches are done (the kernel shares this process).</summary>
    public static TaskCompletionSource TrainingUnderWay { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Stopping_the_training_cell_keeps_what_was_learned_and_the_next_cell_runs()
    {
        using var kernel = await KernelAfter("""
            using MnistLeNet.Training;
            using MnistLeNet.Tests;
            using TorchSharp;
            var options = TrainingOptions.Fast with { Epochs = 1000, TrainLimit = 2000 }; // far more than the test waits for
            var model = options.CreateModel();
            var initial = model.parameters().Select(p => p.detach().clone()).ToList();
            var trainer = new Trainer(model, options, torch.CPU);
            var test = Mnist.Test.Take(100);
            """);

        // The training cell, as a notebook would have it: no cancellation code of its own.
        var stopped = await StopOnceUnderWay(kernel, """
            trainer.Fit(Mnist.Train, test, e => { if (e is BatchProgress { BatchesDone: 5 }) NotebookCellCancellationTests.TrainingUnderWay.TrySetResult(); });
            """);
        Assert.Contains(stopped.Events, e => e is CommandFailed);
        Assert.DoesNotContain(stopped.Events, e => e is CommandSucceeded);

        var next = await kernel.SendAsync(new SubmitCode("""
            (trainer.History.LoggedBatches.Count > 0,
             model.parameters().Zip(initial).Any(pair => !pair.First.equal(pair.Second).all().item<bool>()),
             model.parameters().All(p => torch.isfinite(p).all().item<bool>()))
            """)).WaitAsync(Patience);
        AssertSucceeded(next);
        Assert.Equal((true, true, true), next.Events.OfType<ReturnValueProduced>().Single().Value);
    }

    [Fact]
    public async Task Stopping_notebook_4s_own_loop_ends_it_at_the_next_batch_through_its_progress_helper()
    {
        using var kernel = await KernelAfter("""
            using MnistLeNet.Data;
            using MnistLeNet.Model;
            using MnistLeNet.Tests;
            using MnistLeNet.Training;
            using TorchSharp;
            var model = new LeNet(activation: Activation.ReLU);
            var initial = model.parameters().Select(p => p.detach().clone()).ToList();
            var optimizer = torch.optim.Adam(model.parameters());
            var lossFn = torch.nn.CrossEntropyLoss();
            var loader = new BatchLoader(Mnist.Train, 64, shuffle: true, seed: 1);
            var progress = new TrainingProgress(loader.BatchCount);
            int batches = 0;
            """);

        // Notebook 4's loop, reduced to its steps: it checks for the stop button only through progress.Batch.
        var stopped = await StopOnceUnderWay(kernel, """
            for (int epoch = 1; epoch <= 1000; epoch++)
                foreach (var batch in loader)
                {
                    using var scope = torch.NewDisposeScope();
                    var loss = lossFn.call(model.call(batch.Images), batch.Labels);
                    optimizer.zero_grad();
                    loss.backward();
                    optimizer.step();
                    batches++;
                    progress.Batch(epoch, batches, loss.item<float>(), batch.Size);
                    if (batches == 5) NotebookCellCancellationTests.TrainingUnderWay.TrySetResult();
                }
            """);
        Assert.Contains(stopped.Events, e => e is CommandFailed);

        var next = await kernel.SendAsync(new SubmitCode("""
            (batches >= 5, model.parameters().Zip(initial).Any(pair => !pair.First.equal(pair.Second).all().item<bool>()))
            """)).WaitAsync(Patience);
        AssertSucceeded(next);
        Assert.Equal((true, true), next.Events.OfType<ReturnValueProduced>().Single().Value);
    }

    /// <summary>A C# kernel in this process, with the library and these tests referenced, after <paramref name="setup"/> ran.</summary>
    static async Task<CSharpKernel> KernelAfter(string setup)
    {
        TrainingUnderWay = new(TaskCreationOptions.RunContinuationsAsynchronously);
        var kernel = new CSharpKernel().UseKernelHelpers();
        AssertSucceeded(await kernel.SendAsync(new SubmitCode(
            $"#r \"{typeof(Trainer).Assembly.Location}\"\n#r \"{typeof(NotebookCellCancellationTests).Assembly.Location}\"\n{setup}")));
        return kernel;
    }

    /// <summary>Runs <paramref name="cell"/>, presses the stop button once the cell reports <see cref="TrainingUnderWay"/>, and returns the stopped cell's result.</summary>
    static async Task<KernelCommandResult> StopOnceUnderWay(Kernel kernel, string cell)
    {
        var training = kernel.SendAsync(new SubmitCode(cell));
        await TrainingUnderWay.Task.WaitAsync(Patience);
        await kernel.SendAsync(new Cancel()).WaitAsync(Patience);
        return await training.WaitAsync(Patience);
    }

    static void AssertSucceeded(KernelCommandResult result) =>
        Assert.True(result.Events.OfType<CommandSucceeded>().Any(),
            string.Join("\n", result.Events.OfType<CommandFailed>().Select(f => f.Message)) +
            string.Join("\n", result.Events.OfType<DiagnosticsProduced>().SelectMany(d => d.Diagnostics).Select(d => d.Message)));
}
