using TorchSharp;
using static TorchSharp.torch;

namespace MnistLeNet.Model;

/// <summary>
/// Saves and loads LeNet parameters. A file (version 2) is:
/// <code>
/// string  "MnistLeNet.LeNet"        the format's name
/// int32   2                         the format's version
/// string  "Sigmoid" or "ReLU"       the activation, so loading rebuilds the right network
/// int32   number of classes
/// int64   length of the parameters
/// bytes   the parameters, in TorchSharp's own format
/// 32 bytes SHA-256 of everything before it
/// </code>
/// (as <see cref="BinaryWriter"/> writes them). NaN or infinite weights are refused both ways; version 1 files
/// (without the length and checksum) still load.
/// </summary>
public static class ModelFile
{
    const string FormatName = "MnistLeNet.LeNet";
    const int FormatVersion = 2;

    const long MaxFileLength = 64L << 20;

    /// <summary>Writes <paramref name="model"/>'s parameters to <paramref name="path"/> (from any device).</summary>
    public static void Save(LeNet model, string path) => AtomicFile.Write(path, stream => Write(model, stream));

    /// <summary>Writes the whole file to <paramref name="stream"/> (for callers that write several files as a set).</summary>
    public static void Write(LeNet model, Stream stream)
    {
        ThrowIfNotFinite(model, "cannot save the model");
        var parameters = ChecksummedContent.Bytes(writer => model.save(writer));
        ChecksummedContent.Write(stream, writer =>
        {
            writer.Write(FormatName);
            writer.Write(FormatVersion);
            writer.Write(model.Activation.ToString());
            writer.Write((int)model.fc2.weight!.shape[0]);
            writer.Write((long)parameters.Length);
            writer.Write(parameters);
        });
    }

    /// <summary>Builds the saved LeNet on the CPU, in eval mode; <see cref="InvalidDataException"/> for a damaged file.</summary>
    public static LeNet Load(string path)
    {
        var bytes = FilePaths.ReadAll(path, MaxFileLength, "LeNet parameter file",
            notFound: $"{path}: model file not found (train one first: the CLI's 'train' command or notebook 4)");
        using var stream = new MemoryStream(bytes, writable: false);
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8);
        string format;
        try { format = reader.ReadString(); }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException) { format = ""; }
        if (format != FormatName)
            throw new InvalidDataException($"{path}: not a LeNet parameter file saved by this project (missing '{FormatName}' header)");

        LeNet? model = null;
        try
        {
            int version = reader.ReadInt32();
            if (version is not (1 or FormatVersion))
                throw new InvalidDataException($"{path}: format version {version}; this program reads versions 1 and {FormatVersion}");
            if (version >= 2) VerifyChecksum(bytes, path);

            var activation = ParseActivation(reader.ReadString(), path);
            int classes = reader.ReadInt32();
            if (classes is < 2 or > 1000) throw new InvalidDataException($"{path}: implausible number of classes {classes}");
            long end = bytes.Length;
            if (version >= 2)
            {
                long length = reader.ReadInt64();
                end = bytes.Length - ChecksummedContent.ChecksumLength;
                if (length != end - stream.Position)
                    throw new InvalidDataException($"{path}: the header announces {length} bytes of parameters, the file holds {end - stream.Position}");
            }

            model = new LeNet(classes, activation);
            model.load(reader, strict: true);
            if (stream.Position != end) throw new InvalidDataException($"{path}: {end - stream.Position} unexpected bytes after the parameters");
            ThrowIfNotFinite(model, path, e => new InvalidDataException(e));
            model.eval();
            return model;
        }
        catch (Exception e) when (e is not InvalidDataException and not OutOfMemoryException)
        {
            model?.Dispose();
            throw new InvalidDataException($"{path}: damaged or incompatible LeNet parameter file ({e.GetType().Name}: {e.Message})", e);
        }
        catch
        {
            model?.Dispose();
            throw;
        }
    }

    static void VerifyChecksum(byte[] bytes, string path)
    {
        if (bytes.Length < ChecksummedContent.ChecksumLength)
            throw new InvalidDataException($"{path}: truncated (no room for the checksum)");
        if (!ChecksummedContent.Intact(bytes))
            throw new InvalidDataException($"{path}: checksum mismatch: the file is damaged (changed after it was saved, or cut short)");
    }

    // Exactly "Sigmoid" or "ReLU": Enum.Parse would also take numbers and lists.
    static Activation ParseActivation(string name, string path) =>
        Enum.GetValues<Activation>().Where(a => a.ToString() == name).Select(a => (Activation?)a).FirstOrDefault()
        ?? throw new InvalidDataException($"{path}: unknown activation '{name}' (expected {string.Join(" or ", Enum.GetNames<Activation>())})");

    static void ThrowIfNotFinite(nn.Module model, string what, Func<string, Exception>? error = null)
    {
        foreach (var (name, parameter) in model.named_parameters())
        {
            using var finite = torch.isfinite(parameter).all();
            if (!finite.item<bool>())
            {
                var message = $"{what}: parameter {name} holds NaN or infinite values (training diverged?); refusing it";
                throw error?.Invoke(message) ?? new ArgumentException(message, nameof(model));
            }
        }
    }
}
