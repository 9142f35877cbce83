using System.Text;

namespace MnistLeNet.Data;

/// <summary>An image as text: the raw 0..255 value of every pixel, blank where the pixel is 0.</summary>
public static class PixelText
{
    /// <param name="pixels">Values in [0,1] (as in <see cref="MnistDataset.Pixels"/>).</param>
    /// <param name="firstRow">First row to show (MNIST digits leave the top rows empty).</param>
    /// <param name="rows">How many rows to show.</param>
    public static string Values(float[,] pixels, int firstRow = 0, int rows = int.MaxValue)
    {
        var text = new StringBuilder();
        int last = Math.Min(pixels.GetLength(0), firstRow + Math.Min(rows, pixels.GetLength(0)));
        for (int r = firstRow; r < last; r++)
        {
            text.Append($"{r,2} |");
            for (int c = 0; c < pixels.GetLength(1); c++)
            {
                int value = (int)MathF.Round(pixels[r, c] * 255);
                text.Append(value == 0 ? "   ." : $"{value,4}");
            }
            text.AppendLine();
        }
        return text.ToString();
    }
}
