using System.Globalization;
using SkiaSharp;

namespace ReferralStudio.Links;

/// <summary>
/// How a caption is printed under a QR code, in millimetres: its lines and font size. The PNG and the SVG both
/// draw from this, so they break the same lines at the same size whatever the DPI.
/// </summary>
/// <param name="Lines">The caption's lines, top to bottom.</param>
/// <param name="FontSizeMm">The em size.</param>
public sealed record CaptionLayout(IReadOnlyList<string> Lines, double FontSizeMm)
{
    /// <summary>The smallest capitals a caption shrinks to so a long word still fits on one line (about a 6-point font).</summary>
    public const double MinCapHeightMm = 1.5;

    // White each side of a line, and above and under the text, in cap heights.
    private const double Padding = 0.3;

    private static readonly Lazy<(double CapHeight, double Ascent)> Metrics = new(CaptionFont.MetricsEm);

    public double CapHeightMm => FontSizeMm * Metrics.Value.CapHeight;

    /// <summary>From the top of a line to its baseline: room for accents above capitals.</summary>
    public double AscentMm => FontSizeMm * Metrics.Value.Ascent;

    /// <summary>
    /// Baseline to baseline: a little more than the font's ascent plus descent (1.16 em), so a descender and the
    /// next line's ascender keep a pixel between them even at 72 DPI.
    /// </summary>
    public double LineHeightMm => FontSizeMm * 1.25;

    /// <summary>White above the first line (unless the code's clearance needs more) and under the last.</summary>
    public double PaddingMm => CapHeightMm * Padding;

    /// <summary>The band the caption needs under the code, given the white the code already demands under it.</summary>
    public double BandHeightMm(double clearanceMm) => Math.Max(PaddingMm, clearanceMm) + (Lines.Count * LineHeightMm) + PaddingMm;

    /// <summary>Baseline of line <paramref name="index"/>, from the top of the band.</summary>
    public double BaselineMm(int index, double clearanceMm) => Math.Max(PaddingMm, clearanceMm) + AscentMm + (index * LineHeightMm);

    /// <summary>
    /// Capitals about 7% of the code's width: readable under a 30 mm code (2.1 mm, roughly an 8-point font)
    /// without dwarfing a large one.
    /// </summary>
    public static double CapHeightMmFor(double sizeMm) => Math.Clamp(sizeMm * 0.07, 2.0, 10.0);

    /// <summary>
    /// The layout of <paramref name="caption"/> under a code <paramref name="sizeMm"/> wide. When a word (a ref
    /// code, typically) is wider than the line at the usual size, the font shrinks until it fits, down to
    /// <see cref="MinCapHeightMm"/>; a word too long even then is broken, at the usual size.
    /// </summary>
    public static CaptionLayout For(string caption, double sizeMm)
    {
        ArgumentNullException.ThrowIfNull(caption);
        var capHeightEm = Metrics.Value.CapHeight;
        var capHeight = CapHeightMmFor(sizeMm);

        // The line width in em for capitals cap mm high: the image width less the side padding, over the em size.
        double LineEm(double cap) => (sizeMm - (2 * Padding * cap)) / (cap / capHeightEm);

        using var font = CaptionFont.MeasureFont();
        var widestWord = Words(caption).Select(w => CaptionFont.WidthEm(font, w)).DefaultIfEmpty(0).Max();
        if (widestWord > LineEm(capHeight))
        {
            // LineEm grows as the capitals shrink: solve LineEm(cap) = widest for cap, a hair smaller so
            // rounding cannot leave the word a fraction of a point too wide for its line. A word that would
            // need smaller capitals than the floor is broken anyway, so it may as well stay at the usual size.
            var fitting = sizeMm * capHeightEm / (widestWord + (2 * Padding * capHeightEm)) * 0.999;
            capHeight = fitting >= MinCapHeightMm ? fitting : capHeight;
        }

        return new CaptionLayout(Wrap(font, caption, LineEm(capHeight)), capHeight / capHeightEm);
    }

    /// <summary>
    /// Greedy word wrap at spaces, measured in the caption font: <paramref name="maxWidthEm"/> is the line width
    /// in em. Words are never split at '_' or '-': only a word wider than a whole line is broken, after its last
    /// '_' or '-' that fits, else between characters (never inside a surrogate pair or before a combining accent).
    /// </summary>
    public static IReadOnlyList<string> Wrap(string text, double maxWidthEm)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var font = CaptionFont.MeasureFont();
        return Wrap(font, text, maxWidthEm);
    }

    private static IReadOnlyList<string> Wrap(SKFont font, string text, double maxWidthEm)
    {
        var lines = new List<string>();
        var line = "";
        foreach (var word in Words(text))
        {
            var joined = line.Length == 0 ? word : line + " " + word;
            if (CaptionFont.WidthEm(font, joined) <= maxWidthEm)
            {
                line = joined;
                continue;
            }

            if (line.Length > 0)
            {
                lines.Add(line);
            }

            line = word;
            while (CaptionFont.WidthEm(font, line) > maxWidthEm && Break(font, line, maxWidthEm) is var cut && cut < line.Length)
            {
                lines.Add(line[..cut]);
                line = line[cut..];
            }
        }

        if (line.Length > 0 || lines.Count == 0)
        {
            lines.Add(line);
        }

        return lines;
    }

    private static string[] Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// How many chars of <paramref name="word"/> go on a full line: whole text elements, at least one, and when one
    /// fits, up to the last '_' or '-' so a code too long for any line still breaks between its parts.
    /// </summary>
    private static int Break(SKFont font, string word, double maxWidthEm)
    {
        var elements = StringInfo.ParseCombiningCharacters(word);
        var cut = elements.Length > 1 ? elements[1] : word.Length;
        var afterSeparator = 0;
        for (var i = 1; i <= elements.Length; i++)
        {
            var end = i < elements.Length ? elements[i] : word.Length;
            if (CaptionFont.WidthEm(font, word[..end]) > maxWidthEm)
            {
                break;
            }

            cut = end;
            if (word[end - 1] is '_' or '-' && end < word.Length)
            {
                afterSeparator = end;
            }
        }

        return afterSeparator > 0 ? afterSeparator : cut;
    }
}
