using System.Buffers.Binary;
using MnistLeNet.Handwriting;
using SkiaSharp;

namespace MnistLeNet.Tests;

public class ImageFileTests
{
    [Theory]
    [InlineData("photo.png")]
    [InlineData("photo.jpg")]
    [InlineData("photo.bmp")]
    public void Png_jpeg_and_bmp_files_are_read_as_they_were_written(string name)
    {
        using var dir = new TempDir();
        var page = RedrawnDigit.Of(5, ink: (30, 60, 160));   // blue ink
        var path = dir.File(name);
        File.WriteAllBytes(path, name.EndsWith(".bmp") ? page.Bmp() : page.Encode(name.EndsWith(".png") ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg, 95));

        var (rgba, width, height) = ImageFile.ReadRgba(path);

        Assert.Equal((page.Width, page.Height), (width, height));
        double worst = rgba.Zip(page.Rgba, (a, b) => Math.Abs(a - b)).Max();
        Assert.InRange(worst, 0, name.EndsWith(".jpg") ? 60 : 0);   // PNG and BMP are lossless
        Assert.InRange(rgba.Zip(page.Rgba, (a, b) => Math.Abs(a - b)).Average(), 0, 3);
    }

    [Fact]
    public void A_grayscale_png_is_read()
    {
        using var dir = new TempDir();
        using var bitmap = new SKBitmap(new SKImageInfo(30, 20, SKColorType.Gray8, SKAlphaType.Opaque));
        bitmap.Erase(new SKColor(200, 200, 200));
        bitmap.SetPixel(3, 4, new SKColor(10, 10, 10));
        using (var data = bitmap.Encode(SKEncodedImageFormat.Png, 100)) File.WriteAllBytes(dir.File("gray.png"), data.ToArray());

        var (rgba, width, height) = ImageFile.ReadRgba(dir.File("gray.png"));

        Assert.Equal((30, 20), (width, height));
        Assert.Equal([200, 200, 200, 255], rgba[..4]);
        Assert.Equal([10, 10, 10, 255], rgba.AsSpan(4 * (4 * 30 + 3), 4).ToArray());
    }

    [Fact]
    public void A_photo_is_turned_upright_as_its_camera_tag_says()
    {
        using var dir = new TempDir();
        using var bitmap = new SKBitmap(new SKImageInfo(40, 20, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.Erase(SKColors.White);
        using (var canvas = new SKCanvas(bitmap)) canvas.DrawRect(0, 0, 20, 20, new SKPaint { Color = SKColors.Black });  // left half black
        using var jpeg = bitmap.Encode(SKEncodedImageFormat.Jpeg, 95);
        var bytes = jpeg.ToArray();
        // An EXIF segment with Orientation = 6: the stored picture must be turned 90° clockwise to stand upright.
        byte[] exif = [0xFF, 0xE1, 0, 34, (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0, (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8,
                       0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0];
        File.WriteAllBytes(dir.File("turned.jpg"), [.. bytes[..2], .. exif, .. bytes[2..]]);

        var (rgba, width, height) = ImageFile.ReadRgba(dir.File("turned.jpg"));

        Assert.Equal((20, 40), (width, height));
        Assert.InRange(rgba[4 * (5 * 20 + 10)], 0, 40);      // the top half is black now
        Assert.InRange(rgba[4 * (35 * 20 + 10)], 215, 255);  // the bottom half white
    }

    [Fact]
    public void A_file_that_is_not_an_image_is_refused_naming_it()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("notes.png"), "this is text, not a picture");
        var e = Assert.Throws<InvalidDataException>(() => ImageFile.ReadRgba(dir.File("notes.png")));
        Assert.Contains(dir.File("notes.png"), e.Message);
        Assert.Contains("not an image", e.Message);
    }

    [Fact]
    public void A_damaged_image_is_refused_naming_it()
    {
        using var dir = new TempDir();
        var png = RedrawnDigit.Of(0).Encode(SKEncodedImageFormat.Png);
        File.WriteAllBytes(dir.File("cut.png"), png[..(png.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => ImageFile.ReadRgba(dir.File("cut.png")));
        Assert.Contains(dir.File("cut.png"), e.Message);
        Assert.Contains("damaged", e.Message);
    }

    [Fact]
    public void A_header_claiming_an_absurd_size_is_refused_before_anything_is_allocated()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("huge.png"), PngClaiming(100_000, 100_000));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => ImageFile.ReadRgba(dir.File("huge.png")));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1 << 20);
        Assert.Contains(dir.File("huge.png"), e.Message);
        Assert.Contains("100000×100000", e.Message);
    }

    [Fact]
    public void Missing_and_empty_files_are_refused_naming_them()
    {
        using var dir = new TempDir();
        Assert.Contains(dir.File("none.png"), Assert.Throws<FileNotFoundException>(() => ImageFile.ReadRgba(dir.File("none.png"))).Message);
        File.WriteAllBytes(dir.File("empty.png"), []);
        Assert.Contains("empty", Assert.Throws<InvalidDataException>(() => ImageFile.ReadRgba(dir.File("empty.png"))).Message);
    }

    [Fact]
    public void A_picture_without_ink_is_refused_naming_the_file()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("blank.png"), RedrawnDigit.Blank().Encode(SKEncodedImageFormat.Png));
        var e = Assert.Throws<InvalidDataException>(() => DigitImage.FromFile(dir.File("blank.png")));
        Assert.StartsWith(dir.File("blank.png") + ": no ink", e.Message);
    }

    /// <summary>A small PNG file whose header says it is a gray picture of that size.</summary>
    static byte[] PngClaiming(int width, int height)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        (header[8], header[9]) = (8, 0);   // 8 bits, grayscale
        byte[] pixels = [0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01];   // zlib: one zero byte
        return [137, 80, 78, 71, 13, 10, 26, 10, .. Chunk("IHDR", header), .. Chunk("IDAT", pixels), .. Chunk("IEND", [])];
    }

    static byte[] Chunk(string type, byte[] data)
    {
        byte[] typed = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
        var length = new byte[4];
        var crc = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        return [.. length, .. typed, .. crc];
    }

    /// <summary>PNG's checksum (CRC-32, as in zip).</summary>
    static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }
}
