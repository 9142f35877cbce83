// Draws the pictures in this folder: `dotnet run notebooks/images/draw-digits.cs` from the repository root.
// They are SYNTHETIC: handwriting-like digits drawn by this code (pen strokes along jittered curves, with
// varying width and slant) on off-white, unevenly lit, noisy "paper"; not photographs. Each file name starts
// with the digit it shows. Fixed seeds: the same files every time.
#:project ../../lib/MnistLeNet/MnistLeNet.csproj
using SkiaSharp;

// Each digit as pen strokes through points in a unit box (x to the right, y down).
var strokes = new Dictionary<int, (float X, float Y)[][]>
{
    [0] = [[(0.5f, 0), (0.15f, 0.2f), (0.05f, 0.55f), (0.2f, 0.9f), (0.5f, 1), (0.85f, 0.8f), (0.95f, 0.45f), (0.8f, 0.12f), (0.5f, 0), (0.4f, 0.05f)]],
    [1] = [[(0.3f, 0.2f), (0.55f, 0), (0.52f, 0.5f), (0.5f, 1)]],
    [2] = [[(0.1f, 0.25f), (0.35f, 0.02f), (0.7f, 0.05f), (0.85f, 0.3f), (0.6f, 0.6f), (0.1f, 0.98f), (0.5f, 0.95f), (0.95f, 0.97f)]],
    [3] = [[(0.1f, 0.1f), (0.5f, 0), (0.85f, 0.2f), (0.45f, 0.47f), (0.85f, 0.68f), (0.65f, 0.97f), (0.1f, 0.88f)]],
    [4] = [[(0.55f, 0), (0.05f, 0.65f), (0.95f, 0.62f)], [(0.7f, 0.25f), (0.68f, 0.6f), (0.66f, 1)]],
    [5] = [[(0.85f, 0.02f), (0.25f, 0.03f), (0.18f, 0.45f), (0.6f, 0.38f), (0.9f, 0.65f), (0.6f, 1), (0.1f, 0.9f)]],
    [6] = [[(0.75f, 0), (0.3f, 0.3f), (0.12f, 0.72f), (0.4f, 1), (0.8f, 0.85f), (0.72f, 0.55f), (0.35f, 0.52f), (0.15f, 0.72f)]],
    [7] = [[(0.05f, 0.05f), (0.5f, 0.02f), (0.95f, 0.05f), (0.6f, 0.5f), (0.4f, 1)]],
    [8] = [[(0.55f, 0.45f), (0.15f, 0.22f), (0.5f, 0), (0.85f, 0.2f), (0.45f, 0.52f), (0.12f, 0.78f), (0.5f, 1), (0.88f, 0.75f), (0.55f, 0.45f)]],
    [9] = [[(0.82f, 0.25f), (0.5f, 0.45f), (0.15f, 0.3f), (0.4f, 0), (0.85f, 0.12f), (0.8f, 0.55f), (0.72f, 1)]],
};
// (digit, file name, width, height, ink colour, paper colour, pen width as a share of the digit's height, JPEG?)
var pictures = new (int Digit, string Name, int W, int H, SKColor Ink, SKColor Paper, float Pen, bool Jpeg)[]
{
    (0, "0-black-marker.png", 300, 380, new(25, 25, 30), new(242, 238, 228), 0.09f, false),
    (1, "1-blue-ballpoint.jpg", 640, 480, new(30, 50, 150), new(235, 235, 240), 0.05f, true),
    (2, "2-pencil.jpg", 800, 600, new(95, 95, 100), new(238, 234, 222), 0.05f, true),
    (3, "3-black-ballpoint.png", 240, 240, new(20, 20, 25), new(225, 222, 215), 0.06f, false),
    (4, "4-blue-marker.jpg", 1200, 900, new(20, 60, 170), new(246, 244, 236), 0.08f, true),
    (5, "5-grey-ink.png", 360, 300, new(120, 118, 115), new(240, 236, 230), 0.07f, false),
    (6, "6-red-pen.jpg", 500, 640, new(170, 30, 35), new(244, 240, 230), 0.06f, true),
    (7, "7-black-ballpoint.jpg", 480, 360, new(30, 30, 35), new(215, 210, 200), 0.05f, true),
    (8, "8-green-marker.png", 420, 420, new(20, 110, 60), new(248, 247, 240), 0.09f, false),
    (9, "9-pencil-dim-light.jpg", 640, 640, new(80, 80, 85), new(200, 196, 188), 0.05f, true),
};

foreach (var (p, seed) in pictures.Select((p, i) => (p, i)))
{
    var random = new Random(seed);
    float R(float size) => size * (2 * random.NextSingle() - 1);
    using var bitmap = new SKBitmap(p.W, p.H, SKColorType.Rgba8888, SKAlphaType.Premul);
    using var canvas = new SKCanvas(bitmap);
    // Paper, lit from one side: lighter near a random point, darker away from it.
    using (var light = new SKPaint { Shader = SKShader.CreateRadialGradient(new SKPoint(p.W * (0.5f + R(0.5f)), p.H * (0.5f + R(0.5f))),
               Math.Max(p.W, p.H) * 1.2f, [p.Paper, Darker(p.Paper, 0.72f)], SKShaderTileMode.Clamp) })
        canvas.DrawRect(0, 0, p.W, p.H, light);
    // The digit: about 60% of the shorter side tall, slanted, placed off-centre.
    float height = Math.Min(p.W, p.H) * (0.5f + R(0.1f)), width = height * 0.7f, slant = 0.15f + R(0.15f);
    float left = p.W / 2f - width / 2 + R(p.W * 0.1f), top = p.H / 2f - height / 2 + R(p.H * 0.08f);
    foreach (var stroke in strokes[p.Digit])
    {
        var points = stroke.Select(q => (X: q.X + R(0.04f), Y: q.Y + R(0.04f))).ToArray();
        var path = Curve(points);
        for (int i = 1; i < path.Count; i++)
        {
            float pressure = 0.75f + 0.25f * MathF.Sin(i * 0.05f + seed) + R(0.05f);
            using var pen = new SKPaint { Color = p.Ink, StrokeWidth = p.Pen * height * pressure, StrokeCap = SKStrokeCap.Round, IsAntialias = true, Style = SKPaintStyle.Stroke };
            SKPoint At((float X, float Y) q) => new(left + (q.X - slant * (q.Y - 0.5f)) * width, top + q.Y * height);
            canvas.DrawLine(At(path[i - 1]), At(path[i]), pen);
        }
    }
    canvas.Flush();
    // Sensor noise.
    var pixels = bitmap.Bytes;
    for (int i = 0; i < pixels.Length; i += 4)
    {
        int n = (int)(random.NextSingle() * 24 - 12);
        for (int c = 0; c < 3; c++) pixels[i + c] = (byte)Math.Clamp(pixels[i + c] + n + (int)R(4), 0, 255);
    }
    using var noisy = new SKBitmap(bitmap.Info);
    System.Runtime.InteropServices.Marshal.Copy(pixels, 0, noisy.GetPixels(), pixels.Length);
    using var data = noisy.Encode(p.Jpeg ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png, 80);
    File.WriteAllBytes(Path.Combine("notebooks", "images", p.Name), data.ToArray());
    Console.WriteLine($"{p.Name}: {p.W}×{p.H}");
}

static SKColor Darker(SKColor c, float f) => new((byte)(c.Red * f), (byte)(c.Green * f), (byte)(c.Blue * f));

// A smooth curve through the points (Catmull-Rom), as many short steps.
static List<(float X, float Y)> Curve((float X, float Y)[] p)
{
    var result = new List<(float, float)>();
    for (int i = 0; i < p.Length - 1; i++)
    {
        var (a, b, c, d) = (p[Math.Max(0, i - 1)], p[i], p[i + 1], p[Math.Min(p.Length - 1, i + 2)]);
        for (int s = 0; s < 24; s++)
        {
            float t = s / 24f, t2 = t * t, t3 = t2 * t;
            float Blend(float a0, float b0, float c0, float d0) =>
                0.5f * (2 * b0 + (-a0 + c0) * t + (2 * a0 - 5 * b0 + 4 * c0 - d0) * t2 + (-a0 + 3 * b0 - 3 * c0 + d0) * t3);
            result.Add((Blend(a.X, b.X, c.X, d.X), Blend(a.Y, b.Y, c.Y, d.Y)));
        }
    }
    result.Add(p[^1]);
    return result;
}
