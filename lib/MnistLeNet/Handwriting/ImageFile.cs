using System.Runtime.InteropServices;
using SkiaSharp;

namespace MnistLeNet.Handwriting;

/// <summary>Reads PNG, JPEG, BMP, GIF and WebP with SkiaSharp (TorchSharp's own dependency).</summary>
/// <remarks>The header is checked first, so a file claiming an absurd size is refused before allocating it.</remarks>
public static class ImageFile
{
    /// <summary>Longest side, and pixel count, that a file may claim.</summary>
    public const int MaxSide = 20_000;
    public const long MaxPixels = 50_000_000;

    public const long MaxFileLength = 100L << 20;

    /// <summary>The picture as RGBA bytes (row by row, not premultiplied), upright; errors name the file.</summary>
    public static (byte[] Rgba, int Width, int Height) ReadRgba(string path)
    {
        byte[] bytes;
        try { bytes = FilePaths.ReadAll(path, MaxFileLength, "picture", notFound: $"{path}: file not found"); }
        catch (IOException e) when (e is not FileNotFoundException) { throw new InvalidDataException(e.Message, e); }
        if (bytes.Length == 0) throw new InvalidDataException($"{path}: the file is empty");

        using var codec = SKCodec.Create(new SKMemoryStream(bytes), out var opened) // the codec owns the stream
            ?? throw new InvalidDataException($"{path}: not an image that can be read (PNG, JPEG, BMP, GIF or WebP): {Describe(opened)}");
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width < 1 || height < 1 || width > MaxSide || height > MaxSide || (long)width * height > MaxPixels)
            throw new InvalidDataException($"{path}: the file says it is {width}×{height} pixels; at most {MaxSide}×{MaxSide} and {MaxPixels:N0} pixels are read");

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[info.BytesSize];
        var pinned = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        SKCodecResult decoded;
        try { decoded = codec.GetPixels(info, pinned.AddrOfPinnedObject()); }
        finally { pinned.Free(); }
        if (decoded != SKCodecResult.Success)
            throw new InvalidDataException($"{path}: the image is damaged and cannot be decoded: {Describe(decoded)}");
        return Upright(rgba, width, height, codec.EncodedOrigin);
    }

    static string Describe(SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput or SKCodecResult.ErrorInInput => "the data is cut short or corrupt",
        SKCodecResult.Unimplemented => "this kind of file is not supported",
        _ => $"SkiaSharp says {result}",
    };

    // Turns a photo as its EXIF orientation tag says: where stored (x, y) goes in the upright picture.
    static (byte[], int, int) Upright(byte[] rgba, int width, int height, SKEncodedOrigin origin)
    {
        Func<int, int, (int, int)>? move = origin switch
        {
            SKEncodedOrigin.BottomRight => (x, y) => (width - 1 - x, height - 1 - y),  // rotated 180°
            SKEncodedOrigin.RightTop => (x, y) => (height - 1 - y, x),                 // needs 90° clockwise
            SKEncodedOrigin.LeftBottom => (x, y) => (y, width - 1 - x),                // needs 90° anticlockwise
            _ => null,                                                                  // upright (mirrored tags are rare: kept as stored)
        };
        if (move is null) return (rgba, width, height);
        bool turned = origin != SKEncodedOrigin.BottomRight;
        int newWidth = turned ? height : width;
        var result = new byte[rgba.Length];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                var (nx, ny) = move(x, y);
                Array.Copy(rgba, 4 * (y * width + x), result, 4 * (ny * newWidth + nx), 4);
            }
        return (result, newWidth, turned ? width : height);
    }
}
