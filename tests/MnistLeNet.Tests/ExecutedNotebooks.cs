namespace MnistLeNet.Tests;

/// <summary>Runs the seven notebooks once, in order, with the stock kernel through dotnet-repl (see <see cref="NotebookRun"/>),
/// each with its exercises' worked solutions inserted after the exercises (see <see cref="Exercises"/>).</summary>
public sealed class ExecutedNotebooks
{
    public IReadOnlyDictionary<string, NotebookRun> Runs { get; }

    public ExecutedNotebooks()
    {
        NotebookRun.EnsureNotebookLibraryIsCurrent();
        if (Directory.Exists(NotebookRun.ScratchDirectory)) Directory.Delete(NotebookRun.ScratchDirectory, recursive: true);
        Directory.CreateDirectory(NotebookRun.ScratchDirectory);
        Runs = Directory.GetFiles(NotebookRun.NotebookDirectory, "*.ipynb").Order()
            .ToDictionary(path => Path.GetFileNameWithoutExtension(path)!, path => NotebookRun.Execute(path, NotebookRun.ScratchDirectory, edit: Exercises.WithSolutions));
    }
}
