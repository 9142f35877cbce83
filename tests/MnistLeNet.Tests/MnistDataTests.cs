using System.IO.Compression;
using MnistLeNet.Data;
using TorchSharp;

namespace MnistLeNet.Tests;

public class MnistDataTests
{
    [Fact]
    public void The_committed_files_are_the_official_ones()
    {
        foreach (var file in MnistFiles.All)
        {
            var idx = file.ReadAndVerify(Path.Combine(Mnist.Directory, file.FileName));
            Assert.Equal(file.Sha256, idx.Sha256);
        }
    }

    [Fact]
    public void Class_counts_and_first_labels_match_the_published_facts()
    {
        Assert.Equal(new[] { 5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949 }, Mnist.Train.ClassCounts());
        Assert.Equal(new[] { 980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009 }, Mnist.Test.ClassCounts());
        Assert.Equal(5, Mnist.Train[0].Label);
        Assert.Equal(7, Mnist.Test[0].Label);
    }

    [Fact]
    public void Samples_follow_ToTensor_semantics()
    {
        Assert.Equal(new long[] { 60000, 1, 28, 28 }, Mnist.Train.Images.shape);
        Assert.Equal(torch.ScalarType.Float32, Mnist.Train.Images.dtype);
        Assert.Equal(torch.ScalarType.Int64, Mnist.Train.Labels.dtype);
        Assert.Equal(0f, Mnist.Train.Images.min().item<float>());
        Assert.Equal(1f, Mnist.Train.Images.max().item<float>());

        var (image, label) = Mnist.Test[0];
        using (image)
        {
            Assert.Equal(new long[] { 1, 28, 28 }, image.shape);
            Assert.Equal(7, label);
        }
    }

    [Fact]
    public void Pixels_are_the_raw_bytes_divided_by_255_row_major()
    {
        var raw = IdxReader.Read(Path.Combine(Mnist.Directory, MnistFiles.TestImages.FileName)).Data;
        var pixels = Mnist.Test.Pixels(0);
        for (int r = 0; r < 28; r++)
            for (int c = 0; c < 28; c++)
                Assert.Equal(raw[r * 28 + c] / 255f, pixels[r, c], 6);
    }

    [Fact]
    public void Index_out_of_range_names_the_valid_range()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Mnist.Test[10000]);
        Assert.Contains("0..9999", e.Message);
    }

    [Fact]
    public void A_file_with_a_changed_byte_fails_the_checksum_and_names_the_file()
    {
        using var dir = new TempDir();
        var raw = IdxReader.Read(Path.Combine(Mnist.Directory, MnistFiles.TestLabels.FileName));
        var bytes = IdxBytes(raw);
        bytes[^1] ^= 1;
        var path = dir.File(MnistFiles.TestLabels.FileName);
        WriteGzip(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => MnistFiles.TestLabels.ReadAndVerify(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("SHA-256", e.Message);
    }

    [Fact]
    public void Labels_in_place_of_images_fail_on_the_magic_number()
    {
        var labels = Path.Combine(Mnist.Directory, MnistFiles.TestLabels.FileName);
        var e = Assert.Throws<InvalidDataException>(() => MnistFiles.TestImages.ReadAndVerify(labels));
        Assert.Contains("magic number 2049, expected 2051", e.Message);
    }

    [Fact]
    public void Missing_files_without_download_name_the_missing_file()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<FileNotFoundException>(() => MnistDataset.Load(MnistSplit.Test, dir.Path, download: false));
        Assert.Contains(MnistFiles.TestImages.FileName, e.Message);
    }

    internal static byte[] IdxBytes(IdxArray idx)
    {
        var header = new List<byte> { 0, 0, 8, (byte)idx.Dimensions.Length };
        foreach (var d in idx.Dimensions) header.AddRange(BitConverter.GetBytes(d).Reverse());
        return [.. header, .. idx.Data];
    }

    internal static void WriteGzip(string path, byte[] bytes)
    {
        using var file = File.Create(path);
        using var gz = new GZipStream(file, CompressionLevel.Fastest);
        gz.Write(bytes);
    }
}

public class LoadTrainAndTestTests
{
    [Fact]
    public void Loading_both_splits_at_once_gives_the_same_data_as_one_by_one()
    {
        var (train, test) = MnistDataset.LoadTrainAndTest(download: false);
        Assert.Equal(MnistSplit.Train, train.Split);
        Assert.Equal(MnistSplit.Test, test.Split);
        Assert.Equal(Mnist.Train.Labels.data<long>().ToArray(), train.Labels.data<long>().ToArray());
        Assert.Equal(Mnist.Test.Labels.data<long>().ToArray(), test.Labels.data<long>().ToArray());
        Assert.True(test.Images.equal(Mnist.Test.Images).all().item<bool>());
    }
}
