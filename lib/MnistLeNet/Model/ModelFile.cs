using System.Text;

namespace MnistLeNet.Model;

/// <summary>
/// Saves and loads LeNet parameters. A file starts with a small header (format name, version,
/// activation, number of classes) followed by TorchSharp's own parameter format, so loading can
/// tell a sigmoid model from a ReLU one and rebuild the right network. Files are written to a
/// temporary name and renamed, so a crash never leaves half a model behind.
/// </summary>
public static class ModelFile
{
    const string FormatName = "MnistLeNet.LeNet";
    const int FormatVersion = 1;

    /// <summary>Writes <paramref name="model"/>'s parameters to <paramref name="path"/> (from any device).</summary>
    public static void Save(LeNet model, string path) => AtomicFile.Write(path, stream =>
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(FormatName);
        writer.Write(FormatVersion);
        writer.Write(model.Activation.ToString());
        writer.Write(model.NumClasses);
        model.save(writer);
    });

    /// <summary>Builds a new LeNet of the saved architecture on the CPU, loads the parameters, and returns it in eval mode.</summary>
    /// <exception cref="InvalidDataException">The file is not a LeNet parameter file, or is damaged.</exception>
    public static LeNet Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: model file not found (train one first: the CLI's 'train' command or notebook 4)", path);
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        string format;
        try { format = reader.ReadString(); }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException) { format = ""; }
        if (format != FormatName)
            throw new InvalidDataException($"{path}: not a LeNet parameter file saved by this project (missing '{FormatName}' header)");

        try
        {
            int version = reader.ReadInt32();
            if (version != FormatVersion) throw new InvalidDataException($"{path}: format version {version}, this program reads version {FormatVersion}");
            var activationName = reader.ReadString();
            if (!Enum.TryParse<Activation>(activationName, out var activation))
                throw new InvalidDataException($"{path}: unknown activation '{activationName}'");
            int classes = reader.ReadInt32();
            if (classes is < 2 or > 1000) throw new InvalidDataException($"{path}: implausible number of classes {classes}");

            var model = new LeNet(classes, activation);
            model.load(reader, strict: true);
            if (stream.Position != stream.Length) throw new InvalidDataException($"{path}: {stream.Length - stream.Position} unexpected bytes after the parameters");
            model.eval();
            return model;
        }
        catch (Exception e) when (e is not InvalidDataException and not OutOfMemoryException)
        {
            throw new InvalidDataException($"{path}: damaged or incompatible LeNet parameter file ({e.GetType().Name}: {e.Message})", e);
        }
    }
}
