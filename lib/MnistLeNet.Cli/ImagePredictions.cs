using System.Text.Json;
using MnistLeNet.Handwriting;
using MnistLeNet.Model;
using MnistLeNet.Prediction;

namespace MnistLeNet.Cli;

/// <summary>
/// <c>predict --image PATH...</c>: the model's answer for each picture file (a folder stands for the
/// pictures in it). A picture that cannot be read gets its own error and the others are still
/// predicted; the exit code is 1 if any failed.
/// </summary>
static class ImagePredictions
{
    static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];

    public static int Run(LeNet model, IReadOnlyList<string> paths, bool json, TextWriter stdout, TextWriter stderr)
    {
        int failed = 0, done = 0;
        foreach (var (file, problem) in paths.SelectMany(Files))
        {
            try
            {
                var probabilities = Predictor.Probabilities(model, problem is null ? DigitImage.FromFile(file).Input : throw new IOException(problem));
                int predicted = probabilities.ArgMax();
                if (json)
                    stdout.WriteLine(JsonSerializer.Serialize(new { file, predicted, probabilities }));
                else
                {
                    stdout.WriteLine($"{file}: predicted {predicted} with probability {probabilities[predicted]:F5}");
                    stdout.WriteLine(CliApp.ProbabilitiesLine(probabilities));
                }
                done++;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                failed++;
                stderr.WriteLine($"error: {e.Message}");
                if (json) stdout.WriteLine(JsonSerializer.Serialize(new { file, error = e.Message }));
            }
        }
        if (failed > 0) stderr.WriteLine($"{failed} of {failed + done} pictures could not be read; the others were predicted.");
        return failed > 0 ? 1 : 0;
    }

    /// <summary>A file as it is (the decoder decides whether it is a picture); a folder's picture files in name order.</summary>
    static IEnumerable<(string File, string? Problem)> Files(string path)
    {
        if (File.Exists(path)) return [(path, null)];
        if (!Directory.Exists(path)) return [(path, $"{path}: no such file or folder")];
        var files = Directory.GetFiles(path).Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal).ToList();
        return files.Count > 0 ? files.Select(f => (f, (string?)null)) : [(path, $"{path}: the folder holds no picture files ({string.Join(", ", Extensions)})")];
    }
}
