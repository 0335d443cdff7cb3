using SkiaSharp;

namespace ReferralStudio.Links;

/// <summary>
/// A caption band rasterised for the 1-bit PNG: the <see cref="CaptionLayout"/> drawn with Skia at the PNG's
/// resolution, hinted and without anti-aliasing (see <see cref="CaptionFont.PixelFont"/>).
/// </summary>
internal sealed class CaptionInk
{
    private readonly byte[] _coverage;
    private readonly int _width;

    private CaptionInk(byte[] coverage, int width, int height)
    {
        _coverage = coverage;
        _width = width;
        Height = height;
    }

    /// <summary>Pixel rows the band adds under the square code image.</summary>
    public int Height { get; }

    /// <param name="layout">What to draw.</param>
    /// <param name="width">The image width in pixels.</param>
    /// <param name="pixelsPerMm">The PNG's resolution.</param>
    /// <param name="clearancePx">White the code needs under it before any text.</param>
    public static CaptionInk Draw(CaptionLayout layout, int width, double pixelsPerMm, int clearancePx)
    {
        var clearanceMm = clearancePx / pixelsPerMm;
        var height = (int)Math.Ceiling(layout.BandHeightMm(clearanceMm) * pixelsPerMm);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Alpha8, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        using (var font = CaptionFont.PixelFont((float)(layout.FontSizeMm * pixelsPerMm)))
        using (var paint = new SKPaint { Color = SKColors.Black })
        {
            canvas.Clear(SKColors.Transparent);
            for (var i = 0; i < layout.Lines.Count; i++)
            {
                var baseline = (float)(layout.BaselineMm(i, clearanceMm) * pixelsPerMm);
                canvas.DrawText(layout.Lines[i], width / 2f, baseline, SKTextAlign.Center, font, paint);
            }
        }

        // Alpha8 rows may be padded; keep exactly width bytes per row.
        var coverage = new byte[width * height];
        var pixels = bitmap.GetPixelSpan();
        for (var y = 0; y < height; y++)
        {
            pixels.Slice(y * bitmap.RowBytes, width).CopyTo(coverage.AsSpan(y * width));
        }

        return new CaptionInk(coverage, width, height);
    }

    /// <summary>Draws band row <paramref name="y"/> (0 = first row under the code) into a white 1-bit row.</summary>
    public void CopyRow(int y, byte[] row)
    {
        // Unantialiased text covers a pixel fully or not at all; most rows between and around lines are empty.
        var pixels = _coverage.AsSpan(y * _width, _width);
        if (!pixels.ContainsAnyExcept((byte)0))
        {
            return;
        }

        for (var x = 0; x < pixels.Length; x++)
        {
            if (pixels[x] >= 128)
            {
                row[x >> 3] &= (byte)~(0x80 >> (x & 7));
            }
        }
    }
}
