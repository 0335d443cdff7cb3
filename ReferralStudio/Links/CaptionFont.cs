using System.Buffers;
using System.Globalization;
using System.Text;
using SkiaSharp;

namespace ReferralStudio.Links;

/// <summary>
/// The font QR captions are printed in: DejaVu Sans, shipped inside the app (Links/Fonts) so a caption looks the
/// same on every server whatever fonts it has installed. It covers Latin, Greek and Cyrillic; emoji and CJK are
/// not in it, and a caption using them is refused rather than printed with boxes or question marks.
/// </summary>
public static class CaptionFont
{
    /// <summary>The family the SVG names; a viewer without it falls back to its own sans-serif.</summary>
    public const string FamilyName = "DejaVu Sans";

    // A typeface is immutable and safe to share between threads; an SKFont is not, so each use makes its own.
    private static readonly Lazy<SKTypeface> Loaded = new(Load);

    // Measured at this size and divided back, so widths come out in em, independent of print size and DPI.
    private const float MeasureSize = 1000;

    internal static SKTypeface Typeface => Loaded.Value;

    /// <summary>The characters of <paramref name="text"/> the font cannot draw, each once, in order of appearance.</summary>
    public static IReadOnlyList<string> MissingCharacters(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var missing = new List<string>();
        using var font = MeasureFont();
        var span = text.AsSpan();
        while (!span.IsEmpty)
        {
            // A lone surrogate is no character at all: report it rather than let it become U+FFFD.
            var status = Rune.DecodeFromUtf16(span, out var rune, out var consumed);
            var character = span[..consumed].ToString();
            if ((status != OperationStatus.Done || !font.ContainsGlyph(rune.Value)) && !missing.Contains(character))
            {
                missing.Add(character);
            }

            span = span[consumed..];
        }

        return missing;
    }

    /// <summary>"🎉 (U+1F389)"; only the code point for a character that would not show (a variation selector, a zero-width space).</summary>
    public static string Describe(string character)
    {
        ArgumentException.ThrowIfNullOrEmpty(character);
        if (Rune.DecodeFromUtf16(character, out var rune, out _) != OperationStatus.Done)
        {
            return string.Create(CultureInfo.InvariantCulture, $"U+{(int)character[0]:X4}");
        }

        var code = string.Create(CultureInfo.InvariantCulture, $"U+{rune.Value:X4}");
        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.NonSpacingMark
            or UnicodeCategory.EnclosingMark or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
            ? code
            : $"{character} ({code})";
    }

    /// <summary>Null when every character of <paramref name="caption"/> can be printed, else which cannot, for a human.</summary>
    public static string? Validate(string caption)
    {
        var missing = MissingCharacters(caption);
        return missing.Count switch
        {
            0 => null,
            1 => $"The caption font has no glyph for {Describe(missing[0])}; remove it or use another character.",
            _ => $"The caption font has no glyphs for {string.Join(", ", missing.Select(Describe))}; remove them or use other characters.",
        };
    }

    /// <summary>
    /// The font for measuring: unhinted, with linear advances, so a line measures its em width times the size at
    /// every size and the PNG and SVG wrap alike.
    /// </summary>
    internal static SKFont MeasureFont() => new(Typeface, MeasureSize)
    {
        LinearMetrics = true,
        Subpixel = true,
        Hinting = SKFontHinting.None,
    };

    /// <summary>
    /// The font for drawing <paramref name="pixels"/>-em text into a 1-bit image: hinted onto the pixel grid and not
    /// anti-aliased, which keeps small text legible where thresholded grey edges would break it up (an 85-pixel
    /// code at 72 DPI has capitals 6 pixels high). Advances stay linear, so lines keep their measured width.
    /// </summary>
    internal static SKFont PixelFont(float pixels) => new(Typeface, pixels)
    {
        LinearMetrics = true,
        Hinting = SKFontHinting.Full,
        Edging = SKFontEdging.Alias,
    };

    /// <summary>The advance width of <paramref name="text"/> in em, with a <see cref="MeasureFont"/>.</summary>
    internal static double WidthEm(SKFont measureFont, string text) => measureFont.MeasureText(text) / measureFont.Size;

    /// <summary>Cap height and ascent (above the baseline, positive) in em.</summary>
    internal static (double CapHeight, double Ascent) MetricsEm()
    {
        using var font = MeasureFont();
        var metrics = font.Metrics;
        return (metrics.CapHeight / MeasureSize, -metrics.Ascent / MeasureSize);
    }

    private static SKTypeface Load()
    {
        const string Resource = "ReferralStudio.Links.Fonts.DejaVuSans.ttf";
        using var stream = typeof(CaptionFont).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"The caption font {Resource} is not embedded in the app.");
        using var data = SKData.Create(stream);
        return SKTypeface.FromData(data)
            ?? throw new InvalidOperationException($"The caption font {Resource} could not be read.");
    }
}
