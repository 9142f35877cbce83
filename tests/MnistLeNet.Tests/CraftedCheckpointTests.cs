using System.Text;
using System.Text.Json.Nodes;
using MnistLeNet.Cli;
using MnistLeNet.Training;
using TorchSharp;

namespace MnistLeNet.Tests;

/// <summary>
/// A checkpoint is untrusted input: anyone can edit its JSON and recompute its checksum. Every field is checked
/// like a command line, and a bad one is refused, naming the file, before anything else happens (issue 23 found
/// "Threads": 100000 spawning 32,000 threads).
/// </summary>
public sealed class CraftedCheckpointTests : IDisposable
{
    readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    static readonly TrainingOptions Recipe = TrainingOptions.Fast with { Epochs = 2, TrainLimit = 640 };

    /// <summary>A genuine checkpoint of a short run, stopped after one of its two epochs.</summary>
    string AGenuineCheckpoint()
    {
        var path = _dir.File("run.checkpoint");
        using var test = Mnist.Test.Take(100);
        using var model = Recipe.CreateModel();
        using var stop = new CancellationTokenSource();
        Assert.Throws<TrainingStoppedException>(() => new Trainer(model, Recipe, torch.CPU) { CheckpointPath = path }
            .Fit(Mnist.Train, test, e => { if (e is EpochCompleted) stop.Cancel(); }, stop.Token));
        return path;
    }

    /// <summary>The checkpoint with its JSON (and, optionally, its blocks) changed, and a correct checksum.</summary>
    static string Crafted(string genuine, string name, Action<JsonObject> changeJson, Func<byte[], byte[]>? changeBlocks = null)
    {
        var bytes = File.ReadAllBytes(genuine);
        using var reader = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - ChecksummedContent.ChecksumLength), Encoding.UTF8);
        var format = reader.ReadString();
        int version = reader.ReadInt32();
        var json = JsonNode.Parse(reader.ReadString())!.AsObject();
        var blocks = reader.ReadBytes(bytes.Length);
        changeJson(json);
        var path = Path.Combine(Path.GetDirectoryName(genuine)!, name);
        using var file = File.Create(path);
        ChecksummedContent.Write(file, writer =>
        {
            writer.Write(format);
            writer.Write(version);
            writer.Write(json.ToJsonString());
            writer.Write(changeBlocks?.Invoke(blocks) ?? blocks);
        });
        return path;
    }

    /// <summary>Four blocks, each its length (int32) then its bytes: every byte of every block replaced by junk.</summary>
    static byte[] Junk(byte[] blocks, int only = -1)
    {
        var result = (byte[])blocks.Clone();
        var random = new Random(1);
        for (int at = 0, block = 0; at < result.Length; block++)
        {
            int length = BitConverter.ToInt32(result, at);
            if (only < 0 || only == block)
                for (int i = at + 4; i < at + 4 + length; i++) result[i] = (byte)random.Next(256);
            at += 4 + length;
        }
        return result;
    }

    static (int Code, string Out, string Err) Resume(string checkpoint, string output)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(["train", "--resume", checkpoint, "--out", output], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    public static TheoryData<string, string> BadFields => new()
    {
        { """{"Threads": 100000}""", "Options.Threads 100000: must be 1..1024" },
        { """{"Epochs": 1000000}""", "Options.Epochs 1000000: must be 1..1000" },
        { """{"BatchSize": 0}""", "Options.BatchSize 0: must be 1..60000" },
        { """{"LearningRate": -1}""", "Options.LearningRate -1: must be a positive number" },
        { """{"Batch": 1000000000}""", "batch 1000000000 does not exist: an epoch of this recipe has 10 batches" },
        { """{"Epoch": 7}""", "inconsistent position (epoch 7 of 2" },
        { """{"Options": null}""", "no recipe (Options)" },
        { """{"Epochs": null}""", "no results so far" },
        { "{}", "no recipe (Options)" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public void A_crafted_field_is_refused_naming_the_file_before_anything_else_happens(string change, string message)
    {
        var genuine = AGenuineCheckpoint();
        var changes = JsonNode.Parse(change)!.AsObject();
        var crafted = Crafted(genuine, "crafted.checkpoint", json =>
        {
            if (changes.Count == 0) { json.Clear(); return; }
            foreach (var (key, value) in changes)
            {
                var target = key is "Threads" or "Epochs" or "BatchSize" or "LearningRate" && value is not null && json["Options"] is JsonObject options ? options : json;
                target[key] = value?.DeepClone();
            }
        });

        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(crafted));
        Assert.StartsWith($"{crafted}: damaged checkpoint: ", e.Message);
        Assert.Contains(message, e.Message);

        var (code, stdout, err) = Resume(crafted, _dir.File("m.dat"));
        Assert.Equal(1, code);
        Assert.Contains($"{crafted}: damaged checkpoint: ", err);
        Assert.DoesNotContain("resuming", stdout);
        Assert.False(File.Exists(_dir.File("m.dat")));
    }

    [Fact]
    public void Junk_weights_are_refused_when_the_checkpoint_is_read_and_a_junk_optimiser_state_when_it_is_restored()
    {
        var genuine = AGenuineCheckpoint();
        var junk = Crafted(genuine, "junk.checkpoint", _ => { }, blocks => Junk(blocks));
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(junk));
        Assert.StartsWith($"{junk}: damaged checkpoint: ", e.Message);

        var junkOptimizer = Crafted(genuine, "junk-optimizer.checkpoint", _ => { }, blocks => Junk(blocks, only: 3));
        var checkpoint = Checkpoint.Load(junkOptimizer);
        using var model = Recipe.CreateModel();
        using var test = Mnist.Test.Take(100);
        var restore = Assert.Throws<InvalidDataException>(() => new Trainer(model, Recipe, torch.CPU).Resume(checkpoint, Mnist.Train, test));
        Assert.StartsWith($"{junkOptimizer}: damaged checkpoint: the optimiser's state", restore.Message);
    }

    [Fact]
    public void More_threads_than_cores_in_a_checkpoint_are_capped_with_a_warning()
    {
        var genuine = AGenuineCheckpoint();
        int threads = Math.Min(TrainingOptions.MaxThreads, Environment.ProcessorCount + 1);
        var crafted = Crafted(genuine, "threads.checkpoint", json => json["Options"]!["Threads"] = threads);
        var (code, stdout, err) = Resume(crafted, _dir.File("m.dat"));
        Assert.True(code == 0, err);
        Assert.Contains($"warning: {crafted} asks for {threads} threads, more than the {Environment.ProcessorCount} cores", err);
        Assert.Contains($"threads: {Environment.ProcessorCount}", stdout);
    }
}
