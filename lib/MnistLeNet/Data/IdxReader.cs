using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;

namespace MnistLeNet.Data;

/// <summary>The contents of one IDX file: a header (magic number and dimensions) and raw bytes.</summary>
/// <param name="Magic">The 4-byte magic number: 2049 for MNIST labels, 2051 for MNIST images.</param>
/// <param name="Dimensions">The sizes from the header, e.g. [60000, 28, 28].</param>
/// <param name="Data">The body: one unsigned byte per element, row-major.</param>
/// <param name="Sha256">SHA-256 (lower-case hex) of the whole decompressed file, header included.</param>
public sealed record IdxArray(int Magic, int[] Dimensions, byte[] Data, string Sha256);

/// <summary>
/// Reads the IDX format MNIST is published in. The layout is small enough to read by hand:
/// <code>
/// bytes 0-1   zero
/// byte  2     element type (0x08 = unsigned byte, the only type MNIST uses)
/// byte  3     number of dimensions, d
/// next 4*d    each dimension as a big-endian 32-bit integer
/// rest        the elements, row-major
/// </code>
/// Files may be gzip-compressed (detected from their first bytes). Every malformed input gets an
/// <see cref="InvalidDataException"/> that names the file; sizes claimed by a header are checked
/// against the bytes actually present before they are trusted, and a caller that knows what to
/// expect can refuse a header before a single byte of the body is read (or decompressed).
/// </summary>
public static class IdxReader
{
    /// <summary>No IDX file this project reads is larger than this (MNIST's biggest is 47 MB).</summary>
    public const long MaxElements = 1L << 30;

    /// <param name="checkHeader">Optional: sees the magic number and dimensions before the body is
    /// read, and throws if they are not what the caller expects. Reading is then bounded by the
    /// expected size, whatever a damaged or malicious header claims.</param>
    public static IdxArray Read(string path, Action<int, int[]>? checkHeader = null)
    {
        using var file = FilePaths.OpenRead(path, "IDX file");
        return Read(file, path, checkHeader);
    }

    /// <param name="stream">Raw or gzip-compressed IDX bytes.</param>
    /// <param name="name">Used in error messages (usually the file path).</param>
    /// <param name="checkHeader">See <see cref="Read(string, Action{int, int[]}?)"/>.</param>
    public static IdxArray Read(Stream stream, string name, Action<int, int[]>? checkHeader = null)
    {
        var first = new byte[2];
        int got = stream.ReadAtLeast(first, 2, throwOnEndOfStream: false);
        var rest = new ConcatenatedStream(first.AsMemory(0, got), stream);
        bool gzip = got == 2 && first[0] == 0x1f && first[1] == 0x8b;
        try
        {
            using var body = gzip ? new GZipStream(rest, CompressionMode.Decompress) : (Stream)rest;
            return ReadUncompressed(body, name, gzip ? null : stream.CanSeek ? stream.Length : null, checkHeader);
        }
        catch (InvalidDataException e) when (gzip && !e.Message.StartsWith(name, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{name}: corrupt gzip data ({e.Message})", e);
        }
    }

    static IdxArray ReadUncompressed(Stream body, string name, long? knownLength, Action<int, int[]>? checkHeader)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var head = new byte[4];
        ReadExactly(body, head, name, "the 4-byte magic number");
        hash.AppendData(head);
        if (head[0] != 0 || head[1] != 0)
            throw new InvalidDataException($"{name}: not an IDX file (bad magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(head):X8})");
        if (head[2] != 0x08)
            throw new InvalidDataException($"{name}: element type 0x{head[2]:X2} is not supported (only 0x08, unsigned byte)");
        int rank = head[3];
        if (rank is < 1 or > 4)
            throw new InvalidDataException($"{name}: {rank} dimensions in the header; expected 1 to 4");

        var dimBytes = new byte[4 * rank];
        ReadExactly(body, dimBytes, name, $"{rank} dimension sizes");
        hash.AppendData(dimBytes);
        var dims = new int[rank];
        long elements = 1;
        for (int i = 0; i < rank; i++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(dimBytes.AsSpan(4 * i));
            if (size == 0 || size > int.MaxValue)
                throw new InvalidDataException($"{name}: dimension {i} has absurd size {size}");
            dims[i] = (int)size;
            elements *= size;
            if (elements > MaxElements)
                throw new InvalidDataException($"{name}: header claims more than {MaxElements} elements; refusing to read it");
        }

        int magic = BinaryPrimitives.ReadInt32BigEndian(head);
        checkHeader?.Invoke(magic, dims);

        long headerLength = 4 + 4L * rank;
        if (knownLength is long length && length != headerLength + elements)
            throw new InvalidDataException(
                $"{name}: header promises {elements} bytes of data but the file holds {length - headerLength}" +
                (length < headerLength + elements ? " (truncated)" : " (trailing bytes)"));

        // Read in chunks: a lying header in a compressed stream cannot make us allocate more than
        // the stream really contains (plus one chunk).
        var data = ReadBody(body, elements, name);
        hash.AppendData(data);
        if (body.ReadByte() != -1)
            throw new InvalidDataException($"{name}: trailing bytes after the {elements} elements the header promises");

        return new IdxArray(magic, dims, data, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    static byte[] ReadBody(Stream body, long elements, string name)
    {
        const int chunk = 1 << 20;
        var buffer = new byte[Math.Min(elements, chunk)];
        long filled = 0;
        while (filled < elements)
        {
            if (filled == buffer.Length) Array.Resize(ref buffer, (int)Math.Min(elements, 2L * buffer.Length));
            int n = body.Read(buffer, (int)filled, (int)Math.Min(buffer.Length - filled, int.MaxValue));
            if (n == 0)
                throw new InvalidDataException($"{name}: truncated: header promises {elements} bytes of data, found {filled}");
            filled += n;
        }
        return buffer;
    }

    static void ReadExactly(Stream s, byte[] buffer, string name, string what)
    {
        if (s.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) < buffer.Length)
            throw new InvalidDataException($"{name}: truncated: file ends inside {what}");
    }

    /// <summary>Puts back the bytes we peeked at to detect gzip.</summary>
    sealed class ConcatenatedStream(ReadOnlyMemory<byte> prefix, Stream rest) : Stream
    {
        ReadOnlyMemory<byte> _prefix = prefix;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_prefix.IsEmpty) return rest.Read(buffer);
            int n = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
