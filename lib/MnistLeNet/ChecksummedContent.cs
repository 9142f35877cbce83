using System.Security.Cryptography;
using System.Text;

namespace MnistLeNet;

/// <summary>Model files' and checkpoints' layout: content, then its SHA-256, so damage is found before parsing.</summary>
internal static class ChecksummedContent
{
    public const int ChecksumLength = 32;

    /// <summary>The bytes <paramref name="write"/> writes (strings and numbers as <see cref="BinaryWriter"/> writes them).</summary>
    public static byte[] Bytes(Action<BinaryWriter> write)
    {
        using var content = new MemoryStream();
        using (var writer = new BinaryWriter(content, Encoding.UTF8, leaveOpen: true)) write(writer);
        return content.ToArray();
    }

    /// <summary>Writes what <paramref name="write"/> writes to <paramref name="stream"/>, followed by its SHA-256.</summary>
    public static void Write(Stream stream, Action<BinaryWriter> write)
    {
        var content = Bytes(write);
        stream.Write(content);
        stream.Write(SHA256.HashData(content));
    }

    /// <summary>Whether <paramref name="bytes"/> end with the SHA-256 of everything before it.</summary>
    public static bool Intact(byte[] bytes) =>
        bytes.Length >= ChecksumLength &&
        SHA256.HashData(bytes.AsSpan(0, bytes.Length - ChecksumLength)).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - ChecksumLength));
}
