using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using MnistLeNet.Model;
using static TorchSharp.torch;

namespace MnistLeNet.Tests;

/// <summary>Model files made or changed byte by byte, to test what loading accepts.</summary>
public static class ModelFileBytes
{
    /// <summary>A version 1 file, as the project wrote before checksums: header, then TorchSharp's parameters.</summary>
    public static byte[] Version1(LeNet model, string? activation = null)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write("MnistLeNet.LeNet");
            writer.Write(1);
            writer.Write(activation ?? model.Activation.ToString());
            writer.Write((int)model.fc2.weight!.shape[0]);
            model.save(writer);
        }
        return stream.ToArray();
    }

    /// <summary>Replaces the trailing SHA-256 of a version 2 file with the checksum of its (edited) content.</summary>
    public static byte[] Reseal(byte[] bytes)
    {
        var content = bytes[..^32];
        return [.. content, .. SHA256.HashData(content)];
    }

    /// <summary>Where the bytes of <paramref name="parameter"/>'s values start in a saved file.</summary>
    public static int OffsetOf(byte[] file, Tensor parameter)
    {
        var values = MemoryMarshal.AsBytes(parameter.data<float>().ToArray().AsSpan());
        int at = file.AsSpan().IndexOf(values);
        Assert.True(at > 0, "parameter bytes not found in the file");
        return at;
    }
}
