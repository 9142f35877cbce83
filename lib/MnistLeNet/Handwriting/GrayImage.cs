namespace MnistLeNet.Handwriting;

/// <summary>A grayscale picture: <see cref="Width"/> × <see cref="Height"/> values, row by row, top row first.</summary>
public sealed record GrayImage(int Width, int Height, double[] Pixels)
{
    public double this[int x, int y] => Pixels[y * Width + x];

    public override string ToString() => $"{Width}×{Height} image";
}
