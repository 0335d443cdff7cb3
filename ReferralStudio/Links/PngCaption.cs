namespace ReferralStudio.Links;

/// <summary>
/// Lays out and draws a caption band under a QR code with <see cref="BitmapFont"/>, each font dot a square of
/// whole pixels so the text stays sharp when printed.
/// </summary>
internal sealed class PngCaption
{
    private const int CellWidth = BitmapFont.Width + 1;
    private const int LineGap = 2;

    private readonly IReadOnlyList<string> _lines;
    private readonly int _width;
    private readonly int _dot;
    private readonly int _top;

    private PngCaption(IReadOnlyList<string> lines, int width, int dot, int top)
    {
        _lines = lines;
        _width = width;
        _dot = dot;
        _top = top;
        Height = top + (lines.Count * BitmapFont.Height * dot) + ((lines.Count - 1) * LineGap * dot) + (LineGap * dot);
    }

    /// <summary>Pixel rows the band adds under the square code image.</summary>
    public int Height { get; }

    /// <summary>
    /// Capital letters about 7% of the code's width: readable under a 30 mm code (2.1 mm, roughly an
    /// 8-point font) without dwarfing a large one.
    /// </summary>
    public static double CapHeightMm(double sizeMm) => Math.Clamp(sizeMm * 0.07, 2.0, 10.0);

    public static PngCaption Layout(string printable, int width, QrOptions options, int quietZone, int pixelsPerModule)
    {
        var dotMm = CapHeightMm(options.SizeMm) / BitmapFont.CapHeight;
        var dot = Math.Max(1, (int)Math.Round(dotMm / 25.4 * options.Dpi, MidpointRounding.AwayFromZero));
        var usable = width - (4 * dot);

        // n characters take 6n - 1 dots: no spacing column after the last one.
        var perLine = Math.Max(1, (usable + dot) / (CellWidth * dot));

        // Text closer than 4 modules to the code would eat into the quiet zone scanners need.
        var top = Math.Max(LineGap * dot, (4 - quietZone) * pixelsPerModule);
        return new PngCaption(Wrap(printable, perLine), width, dot, top);
    }

    /// <summary>Greedy word wrap at spaces; a word longer than a line is split.</summary>
    public static IReadOnlyList<string> Wrap(string text, int maxChars)
    {
        var lines = new List<string>();
        var line = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var rest = word;
            if (line.Length > 0 && line.Length + 1 + rest.Length <= maxChars)
            {
                line += " " + rest;
                continue;
            }

            if (line.Length > 0)
            {
                lines.Add(line);
            }

            while (rest.Length > maxChars)
            {
                lines.Add(rest[..maxChars]);
                rest = rest[maxChars..];
            }

            line = rest;
        }

        if (line.Length > 0 || lines.Count == 0)
        {
            lines.Add(line);
        }

        return lines;
    }

    /// <summary>Draws band row <paramref name="y"/> (0 = first row under the code) into a white 1-bit row.</summary>
    public void Draw(int y, byte[] row)
    {
        var inText = y - _top;
        if (inText < 0)
        {
            return;
        }

        var pitch = (BitmapFont.Height + LineGap) * _dot;
        var lineIndex = inText / pitch;
        var glyphRow = inText % pitch / _dot;
        if (lineIndex >= _lines.Count || glyphRow >= BitmapFont.Height)
        {
            return;
        }

        var line = _lines[lineIndex];
        var lineWidth = ((CellWidth * line.Length) - 1) * _dot;
        var left = (_width - lineWidth) / 2;
        for (var i = 0; i < line.Length; i++)
        {
            var bits = BitmapFont.Row(line[i], glyphRow);
            for (var col = 0; col < BitmapFont.Width; col++)
            {
                if ((bits & (1 << (BitmapFont.Width - 1 - col))) != 0)
                {
                    var x = left + (((i * CellWidth) + col) * _dot);
                    PngWriter.Black(row, x, x + _dot);
                }
            }
        }
    }
}
