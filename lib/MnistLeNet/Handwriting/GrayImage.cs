namespace MnistLeNet.Handwriting;

/// <summary>A grayscale picture: <see cref="Width"/> × <see cref="Height"/> values, row by row, top row first.</summary>
public sealed record GrayImage(int Width, int Height, double[] Pixels)
{
    public double this[int x, int y] => Pixels[y * Width + x];

    /// <summary>The pixels as [row, column], e.g. for <c>Plots.Digit</c>.</summary>
    public float[,] ToRows()
    {
        var rows = new float[Height, Width];
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
                rows[y, x] = (float)this[x, y];
        return rows;
    }

    public override string ToString() => $"{Width}×{Height} image";
}
