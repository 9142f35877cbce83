using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;

namespace MnistLeNet.Data;

/// <summary>One IDX file: magic number, sizes, the bytes after the header, and the SHA-256 (lower-case hex)
/// of the whole decompressed file.</summary>
public sealed record IdxArray(int Magic, int[] Dimensions, byte[] Data, string Sha256);

/// <summary>
/// Reads an IDX file, raw or gzip-compressed: exercise 1.4's <c>ReadIdx</c> with every check. The header:
/// <code>
/// bytes 0-1   zero
/// byte  2     element type (0x08 = unsigned byte, the only type MNIST uses)
/// byte  3     number of dimensions, d
/// next 4*d    each size as a big-endian 32-bit integer
/// rest        the values, row-major
/// </code>
/// It reads the header first and the body in chunks, so a damaged or lying header cannot make it allocate
/// more than the file holds. Every error is an <see cref="InvalidDataException"/> that starts with the file's name.
/// </summary>
public static class IdxReader
{
    /// <summary>No IDX file this project reads is larger (MNIST's biggest is 47 MB).</summary>
    public const long MaxElements = 1L << 30;

    /// <param name="checkHeader">Sees the magic number and sizes before the body is read, and throws if
    /// they are not what the caller expects (then nothing of the body is decompressed).</param>
    public static IdxArray Read(string path, Action<int, int[]>? checkHeader = null)
    {
        using var file = FilePaths.OpenRead(path, "IDX file");
        return Read(file, path, checkHeader);
    }

    /// <param name="stream">A seekable stream of raw or gzip-compressed IDX bytes.</param>
    /// <param name="name">Names the source in errors (usually its path).</param>
    /// <param name="checkHeader">See <see cref="Read(string, Action{int, int[]}?)"/>.</param>
    public static IdxArray Read(Stream stream, string name, Action<int, int[]>? checkHeader = null)
    {
        long start = stream.Position;
        bool gzip = stream.ReadByte() == 0x1f & stream.ReadByte() == 0x8b;
        stream.Position = start;
        using var gunzip = gzip ? new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true) : null;
        try
        {
            return ReadIdx(gunzip ?? stream, name, checkHeader);
        }
        catch (InvalidDataException e) when (gzip && !e.Message.StartsWith(name, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{name}: corrupt gzip data ({e.Message})", e);
        }
    }

    static IdxArray ReadIdx(Stream input, string name, Action<int, int[]>? checkHeader)
    {
        var head = ReadExactly(input, 4, name, "the 4-byte magic number");
        if (head[0] != 0 || head[1] != 0)
            throw new InvalidDataException($"{name}: not an IDX file (bad magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(head):X8})");
        if (head[2] != 0x08)
            throw new InvalidDataException($"{name}: element type 0x{head[2]:X2} is not supported (only 0x08, unsigned byte)");
        int d = head[3];
        if (d is < 1 or > 4)
            throw new InvalidDataException($"{name}: {d} dimensions in the header; expected 1 to 4");

        var sizeBytes = ReadExactly(input, 4 * d, name, $"{d} dimension sizes");
        var sizes = new int[d];
        long count = 1;
        for (int i = 0; i < d; i++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(sizeBytes.AsSpan(4 * i));
            if (size is 0 or > int.MaxValue)
                throw new InvalidDataException($"{name}: dimension {i} has absurd size {size}");
            sizes[i] = (int)size;
            count *= size;
            if (count > MaxElements)
                throw new InvalidDataException($"{name}: header claims more than {MaxElements} elements; refusing to read it");
        }
        int magic = BinaryPrimitives.ReadInt32BigEndian(head);
        checkHeader?.Invoke(magic, sizes);

        var values = ReadValues(input, count, name);
        if (input.ReadByte() != -1)
            throw new InvalidDataException($"{name}: trailing bytes after the {count} elements the header promises");

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(head);
        sha.AppendData(sizeBytes);
        sha.AppendData(values);
        return new IdxArray(magic, sizes, values, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    /// <summary>The body, in a buffer that grows as bytes arrive: a header that lies costs no more than the file.</summary>
    static byte[] ReadValues(Stream input, long count, string name)
    {
        var values = new byte[Math.Min(count, 1 << 20)];
        long filled = 0;
        while (filled < count)
        {
            if (filled == values.Length) Array.Resize(ref values, (int)Math.Min(count, 2L * values.Length));
            int n = input.Read(values, (int)filled, values.Length - (int)filled);
            if (n == 0)
                throw new InvalidDataException($"{name}: truncated: header promises {count} bytes of data, found {filled}");
            filled += n;
        }
        return values;
    }

    static byte[] ReadExactly(Stream input, int length, string name, string what)
    {
        var bytes = new byte[length];
        if (input.ReadAtLeast(bytes, length, throwOnEndOfStream: false) < length)
            throw new InvalidDataException($"{name}: truncated: file ends inside {what}");
        return bytes;
    }
}
