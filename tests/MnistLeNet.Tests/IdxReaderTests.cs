using System.IO.Compression;
using MnistLeNet.Data;

namespace MnistLeNet.Tests;

public class IdxReaderTests
{
    static byte[] Idx(byte type, params int[] dims) => Idx(type, dims, dims.Aggregate(1, (a, b) => a * b));

    static byte[] Idx(byte type, int[] dims, int bodyLength)
    {
        var bytes = new List<byte> { 0, 0, type, (byte)dims.Length };
        foreach (var d in dims) bytes.AddRange(BitConverter.GetBytes(d).Reverse());
        bytes.AddRange(Enumerable.Range(0, bodyLength).Select(i => (byte)(i % 251)));
        return bytes.ToArray();
    }

    static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest)) gz.Write(data);
        return output.ToArray();
    }

    static IdxArray Read(byte[] bytes) => IdxReader.Read(new MemoryStream(bytes), "test.idx");

    [Fact]
    public void Reads_header_and_body_of_raw_file()
    {
        var idx = Read(Idx(0x08, 3, 2, 2));
        Assert.Equal(0x0803, idx.Magic);
        Assert.Equal(new[] { 3, 2, 2 }, idx.Dimensions);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (byte)i), idx.Data);
    }

    [Fact]
    public void Gzip_and_raw_give_the_same_array_and_checksum()
    {
        var raw = Idx(0x08, 5, 7);
        var a = Read(raw);
        var b = Read(Gzip(raw));
        Assert.Equal(a.Data, b.Data);
        Assert.Equal(a.Sha256, b.Sha256);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(raw)), a.Sha256);
    }

    [Fact]
    public void Reads_a_file_from_disk()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("x.idx.gz"), Gzip(Idx(0x08, 4)));
        Assert.Equal(new[] { 4 }, IdxReader.Read(dir.File("x.idx.gz")).Dimensions);
    }

    [Theory]
    [InlineData(new byte[] { 1, 0, 8, 1, 0, 0, 0, 1, 0 }, "bad magic")]
    [InlineData(new byte[] { 0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0 }, "element type 0x0D")]
    [InlineData(new byte[] { 0, 0, 8, 0 }, "0 dimensions")]
    [InlineData(new byte[] { 0, 0, 8, 9 }, "9 dimensions")]
    [InlineData(new byte[] { 0, 0, 8 }, "truncated")]
    [InlineData(new byte[] { 0, 0, 8, 2, 0, 0, 0 }, "truncated")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0, 0, 0 }, "absurd size 0")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0xFF, 0xFF, 0xFF, 0xFF }, "absurd size")]
    [InlineData(new byte[] { 0, 0, 8, 3, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0 }, "refusing")]
    public void Malformed_headers_are_rejected_with_the_file_name(byte[] bytes, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => Read(bytes));
        Assert.StartsWith("test.idx:", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Truncated_body_is_rejected()
    {
        var e = Assert.Throws<InvalidDataException>(() => Read(Idx(0x08, [10, 10], 99)));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Truncated_body_inside_gzip_is_rejected()
    {
        var e = Assert.Throws<InvalidDataException>(() => Read(Gzip(Idx(0x08, [10, 10], 50))));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Trailing_bytes_are_rejected()
    {
        Assert.Contains("trailing", Assert.Throws<InvalidDataException>(() => Read(Idx(0x08, [10], 11))).Message);
        Assert.Contains("trailing", Assert.Throws<InvalidDataException>(() => Read(Gzip(Idx(0x08, [10], 11)))).Message);
    }

    [Fact]
    public void A_gzip_header_claiming_a_huge_array_fails_without_allocating_it()
    {
        // Claims 60000×28×28×10 elements (470 MB) but carries 100 bytes.
        var lying = Gzip(Idx(0x08, [600000, 28, 28], 100));
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var e = Assert.Throws<InvalidDataException>(() => Read(lying));
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Contains("truncated", e.Message);
        Assert.True(allocated < 16 << 20, $"allocated {allocated} bytes for a 100-byte body");
    }

    [Fact]
    public void A_compressed_header_with_the_wrong_dimensions_is_refused_before_the_body_is_decompressed()
    {
        // A labels file claiming 2^30 labels, with 64 MB of zeros behind the header (64 KB compressed):
        // a decompression bomb. The expected shape is known, so nothing of the body should be read.
        using var dir = new TempDir();
        var bomb = dir.File("bomb.gz");
        var header = new byte[] { 0, 0, 8, 1, 0x40, 0, 0, 0 };
        using (var gz = new GZipStream(File.Create(bomb), CompressionLevel.Fastest))
        {
            gz.Write(header);
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) gz.Write(zeros);
        }
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var e = Assert.Throws<InvalidDataException>(() => MnistFiles.TrainLabels.ReadAndVerify(bomb));
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal($"{bomb}: dimensions [1073741824], expected [60000]", e.Message);
        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes before refusing the header");
    }

    [Fact]
    public void Corrupt_gzip_is_reported_as_such()
    {
        var gz = Gzip(Idx(0x08, 1000));
        for (int i = 20; i < gz.Length - 8; i++) gz[i] ^= 0x5A;
        var e = Assert.Throws<InvalidDataException>(() => Read(gz));
        Assert.StartsWith("test.idx:", e.Message);
    }

    [Fact]
    public void Empty_input_is_rejected()
    {
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => Read([])).Message);
    }
}
