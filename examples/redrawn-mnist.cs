// A self-check of the handwriting preprocessing (lib/MnistLeNet/Handwriting):
//   dotnet run examples/redrawn-mnist.cs -- --model mnist.dat [--count 10000]
// Each MNIST test image is redrawn as dark ink on a larger, light, unevenly lit, noisy page, at a random
// offset and size, saved as a PNG file and read back through DigitImage.FromFile, with and without centring.
// If the preprocessing recreates MNIST's format, the model's accuracy on these files stays close to its
// accuracy on MNIST itself.
#:project ../lib/MnistLeNet/MnistLeNet.csproj
using MnistLeNet;
using MnistLeNet.Data;
using MnistLeNet.Handwriting;
using MnistLeNet.Model;
using MnistLeNet.Native;
using MnistLeNet.Prediction;
using SkiaSharp;
using static TorchSharp.torch;

TorchRuntime.Initialize();
string modelPath = args.SkipWhile(a => a != "--model").Skip(1).FirstOrDefault() ?? "mnist.dat";
int count = int.Parse(args.SkipWhile(a => a != "--count").Skip(1).FirstOrDefault() ?? "10000");

using var model = ModelFile.Load(modelPath);
using var test = MnistDataset.Load(MnistSplit.Test).Take(count);
var mnist = Evaluator.Evaluate(model, test);
Console.WriteLine($"model {modelPath}: MNIST test accuracy {mnist.Accuracy:P2} on {count:N0} images");

var folder = Directory.CreateTempSubdirectory("redrawn-mnist-").FullName;
var inputs = new Dictionary<bool, float[]> { [true] = new float[count * 784], [false] = new float[count * 784] };
for (int i = 0; i < count; i++)
{
    var path = Path.Combine(folder, $"{i}.png");
    File.WriteAllBytes(path, Redraw(test.Pixels(i), new Random(i)));
    foreach (var centre in new[] { true, false })
        Buffer.BlockCopy(DigitImage.FromFile(path, centre).Input, 0, inputs[centre], i * 784 * sizeof(float), 784 * sizeof(float)); // row by row
}
Directory.Delete(folder, recursive: true);

foreach (var centre in new[] { true, false })
{
    using var images = tensor(inputs[centre], new long[] { count, 1, 28, 28 }); // one call: no temporary tensor for the GC to free mid-call
    var probabilities = Predictor.Probabilities(model, images);
    int correct = Enumerable.Range(0, count).Count(i => probabilities[i].ArgMax() == test.Labels.data<long>()[i]);
    Console.WriteLine($"redrawn files, {(centre ? "centre of mass centred" : "box in the middle, not centred")}: accuracy {(double)correct / count:P2} ({correct:N0}/{count:N0})");
}

// A page 60-160 pixels a side, light grey with a lighting gradient and noise; the digit scaled 1.5-4x
// (bilinear) at a random place, as dark ink of random strength. Returned as PNG bytes.
static byte[] Redraw(float[,] digit, Random random)
{
    double scale = 1.5 + 2.5 * random.NextDouble();
    int inkSide = (int)Math.Ceiling(28 * scale);
    int width = inkSide + random.Next(4, 80), height = inkSide + random.Next(4, 80);
    int left = random.Next(0, width - inkSide), top = random.Next(0, height - inkSide);
    double paper = 0.75 + 0.2 * random.NextDouble(), ink = 0.5 + 0.45 * random.NextDouble();
    double gx = 0.15 * (random.NextDouble() - 0.5), gy = 0.15 * (random.NextDouble() - 0.5);
    using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
    var pixels = new byte[width * height];
    for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            double light = paper + gx * x / width + gy * y / height;
            double v = Bilinear(digit, (x - left) / scale - 0.5, (y - top) / scale - 0.5);
            double noise = 0.03 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            pixels[y * width + x] = (byte)Math.Clamp(Math.Round(255 * (light * (1 - ink * v) + noise)), 0, 255);
        }
    System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
    using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
    return data.ToArray();
}

// The digit's value at (x, y) in its own pixel coordinates, interpolated; 0 outside.
static double Bilinear(float[,] digit, double x, double y)
{
    int x0 = (int)Math.Floor(x), y0 = (int)Math.Floor(y);
    double fx = x - x0, fy = y - y0;
    double At(int i, int j) => i < 0 || j < 0 || i > 27 || j > 27 ? 0 : digit[j, i];
    return (1 - fy) * ((1 - fx) * At(x0, y0) + fx * At(x0 + 1, y0)) + fy * ((1 - fx) * At(x0, y0 + 1) + fx * At(x0 + 1, y0 + 1));
}
