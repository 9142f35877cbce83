using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MnistLeNet.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistLeNet.Training;

/// <summary>
/// A run stopped between two batches, with all it needs to go on as if it never stopped: the recipe, the position and
/// results, the weights, the optimiser's state and the random generators (the shuffle one as the epoch began, so its
/// order is drawn again). File: a header, that JSON, four length-prefixed blocks, and a SHA-256 of all before it.
/// </summary>
public sealed class Checkpoint
{
    const string FormatName = "MnistLeNet.Checkpoint";
    const int FormatVersion = 2; // 2: the recipe's fields Name, InputStandardization and EarlyStop (were BasedOn, Standardize, StopAt)

    /// <summary>A LeNet checkpoint is well under a megabyte; anything near this is not one.</summary>
    const long MaxFileLength = 64L << 20;

    /// <summary>What is written as JSON: the recipe, the position, and the results so far.</summary>
    internal sealed record Progress(TrainingOptions Options, int Epoch, int Batch, double EpochLossSum, int EpochImages,
        double EpochSeconds, List<EpochResult> Epochs, List<BatchLogged> LoggedBatches);

    internal Progress State { get; }
    readonly byte[] _shuffleState, _randomState, _weights, _optimizerState;

    /// <summary>The recipe of the interrupted run.</summary>
    public TrainingOptions Options => State.Options;

    /// <summary>The epoch to continue (1-based; one past the last epoch when training had finished).</summary>
    public int Epoch => State.Epoch;

    /// <summary>How many batches of <see cref="Epoch"/> were done.</summary>
    public int Batch => State.Batch;

    Checkpoint(Progress state, byte[] shuffleState, byte[] randomState, byte[] weights, byte[] optimizerState)
    {
        State = state;
        (_shuffleState, _randomState, _weights, _optimizerState) = (shuffleState, randomState, weights, optimizerState);
    }

    /// <summary>Takes a checkpoint of a run in progress.</summary>
    /// <param name="epochShuffleState">The shuffle generator's state from before the current epoch drew its order.</param>
    internal static Checkpoint Capture(Progress state, Tensor epochShuffleState, nn.Module model, OptimizerHelper optimizer)
    {
        using var randomState = torch.get_rng_state();
        return new Checkpoint(state, Bytes(epochShuffleState), Bytes(randomState),
            ChecksummedContent.Bytes(writer => model.save(writer)), ChecksummedContent.Bytes(optimizer.save_state_dict));
    }

    /// <summary>Puts the weights, the optimiser's state and the random generators back as they were.</summary>
    internal void Restore(nn.Module model, OptimizerHelper optimizer, BatchLoader loader)
    {
        using (var reader = Reader(_weights)) model.load(reader, strict: true);
        try
        {
            using var reader = Reader(_optimizerState);
            optimizer.load_state_dict(reader);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{Source ?? "checkpoint"}: damaged checkpoint: the optimiser's state does not fit this recipe's {Options.Optimizer} ({e.Message})", e);
        }
        using (var shuffle = torch.tensor(_shuffleState, ScalarType.Byte)) loader.ShuffleState = shuffle;
        using (var random = torch.tensor(_randomState, ScalarType.Byte)) torch.set_rng_state(random);
    }

    /// <summary>Writes the checkpoint atomically (see <see cref="AtomicFile"/>).</summary>
    public void Save(string path) => AtomicFile.Write(path, stream => ChecksummedContent.Write(stream, writer =>
    {
        writer.Write(FormatName);
        writer.Write(FormatVersion);
        writer.Write(JsonSerializer.Serialize(State, CheckpointJson.Default.Progress));
        foreach (var block in new[] { _shuffleState, _randomState, _weights, _optimizerState })
        {
            writer.Write(block.Length);
            writer.Write(block);
        }
    }));

    /// <exception cref="InvalidDataException">Not a checkpoint, damaged, or of another version.</exception>
    public static Checkpoint Load(string path)
    {
        var bytes = FilePaths.ReadAll(path, MaxFileLength, "checkpoint");
        try
        {
            using var reader = Reader(bytes);
            if (reader.ReadString() != FormatName) throw new InvalidDataException($"{path}: not a training checkpoint of this project");
            int version = reader.ReadInt32();
            if (version != FormatVersion) throw new InvalidDataException($"{path}: checkpoint version {version}; this program reads version {FormatVersion}");
            var content = bytes.AsSpan(0, Math.Max(0, bytes.Length - ChecksummedContent.ChecksumLength));
            if (!ChecksummedContent.Intact(bytes))
                throw new InvalidDataException($"{path}: checksum mismatch: the checkpoint is damaged");

            var state = Validated(JsonSerializer.Deserialize(reader.ReadString(), CheckpointJson.Default.Progress));
            var blocks = new byte[4][];
            for (int i = 0; i < blocks.Length; i++)
            {
                int length = reader.ReadInt32();
                if (length < 0 || length > content.Length - reader.BaseStream.Position) throw new InvalidDataException("truncated");
                blocks[i] = reader.ReadBytes(length);
            }
            if (reader.BaseStream.Position != content.Length) throw new InvalidDataException("unexpected bytes at the end");
            CheckBlocks(state.Options, blocks[0], blocks[1], blocks[2]);
            return new Checkpoint(state, blocks[0], blocks[1], blocks[2], blocks[3]) { Source = path };
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException or FormatException or ArgumentException or NotSupportedException or InvalidDataException)
        {
            // Anyone can edit a checkpoint and recompute its checksum: everything in it is checked like a command line.
            throw new InvalidDataException($"{path}: damaged checkpoint: {e.Message}", e);
        }
    }

    /// <summary>The file it was read from (null for one taken in this process); named in errors about its content.</summary>
    public string? Source { get; private init; }

    /// <summary>The training state checked field by field: the recipe as <see cref="TrainingOptions.Validated"/> checks
    /// a command line's, and a position that exists in that recipe's run.</summary>
    static Progress Validated(Progress? state)
    {
        if (state is null) throw new InvalidDataException("no training state");
        if (state.Options is null) throw new InvalidDataException("no recipe (Options)");
        if (state.Epochs is null || state.LoggedBatches is null) throw new InvalidDataException("no results so far (Epochs, LoggedBatches)");
        if (state.Epochs.Any(e => e is null) || state.LoggedBatches.Any(b => b is null)) throw new InvalidDataException("an empty entry in the results");
        try { state.Options.Validated(); }
        catch (ArgumentOutOfRangeException e) { throw new InvalidDataException($"Options.{e.ParamName} {e.ActualValue}: {e.Message.Split(" (Parameter")[0]}", e); }
        int trainImages = Math.Min(state.Options.TrainLimit ?? int.MaxValue, MnistFiles.TrainImages.Dimensions[0]);
        int batches = (trainImages + state.Options.BatchSize - 1) / state.Options.BatchSize;
        if (state.Epoch < 1 || state.Epoch > state.Options.Epochs + 1 || state.Epochs.Count != state.Epoch - 1)
            throw new InvalidDataException($"inconsistent position (epoch {state.Epoch} of {state.Options.Epochs}, {state.Epochs.Count} epochs done)");
        if (state.Batch < 0 || state.Batch > batches)
            throw new InvalidDataException($"batch {state.Batch} does not exist: an epoch of this recipe has {batches} batches");
        if (state.EpochImages < 0 || state.EpochImages > trainImages || !(state.EpochSeconds >= 0) || double.IsInfinity(state.EpochSeconds))
            throw new InvalidDataException($"inconsistent progress in epoch {state.Epoch} ({state.EpochImages} images, {state.EpochSeconds} s)");
        return state;
    }

    /// <summary>The random generators' states must have their size, and the weights must be LeNet's (the optimiser's
    /// state is checked when it is restored).</summary>
    static void CheckBlocks(TrainingOptions options, byte[] shuffleState, byte[] randomState, byte[] weights)
    {
        using (var current = torch.get_rng_state())
            if (shuffleState.Length != current.shape[0] || randomState.Length != current.shape[0])
                throw new InvalidDataException($"the random generators' states are {shuffleState.Length} and {randomState.Length} bytes, not {current.shape[0]}");
        using var model = new Model.LeNet(MnistDataset.NumClasses, options.Activation);
        try
        {
            using var reader = Reader(weights);
            model.load(reader, strict: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"the weights are not those of a {options.Activation} LeNet ({e.Message})", e);
        }
    }

    static byte[] Bytes(Tensor state) => state.data<byte>().ToArray();

    static BinaryReader Reader(byte[] bytes) => new(new MemoryStream(bytes, writable: false), Encoding.UTF8);
}

// Source-generated, not reflection-based: file-based apps turn reflection-based JSON off, and a first save
// does not have to build the serializer's metadata at run time.
[JsonSourceGenerationOptions(UseStringEnumConverter = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(Checkpoint.Progress))]
internal sealed partial class CheckpointJson : JsonSerializerContext;
