using System.Globalization;
using System.Text;
using QRCoder;
using QRCoder.Exceptions;

namespace ReferralStudio.Links;

/// <summary>
/// Print-ready QR codes: a PNG whose pixel size and embedded DPI match the requested millimetres, and an SVG
/// sized in millimetres. QRCoder only computes the modules; drawing is done here so size, quiet zone and
/// caption are under our control.
/// </summary>
public static class QrRenderer
{
    private const double MmPerInch = 25.4;

    /// <summary>Null when the options can be printed, else the first problem, for a human.</summary>
    public static string? Validate(QrOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.SizeMm >= QrOptions.MinSizeMm && options.SizeMm <= QrOptions.MaxSizeMm))
        {
            return "Size must be between 10 and 500 mm.";
        }

        if (options.Dpi is < QrOptions.MinDpi or > QrOptions.MaxDpi)
        {
            return "Resolution must be between 72 and 1200 DPI.";
        }

        if (!Enum.IsDefined(options.Ecc))
        {
            return "Error correction must be L, M, Q or H.";
        }

        if (options.QuietZoneModules is < 0 or > QrOptions.MaxQuietZoneModules)
        {
            return "The quiet zone must be 0 to 10 modules; scanners want 4.";
        }

        if (options.Caption is { } caption)
        {
            if (caption.Length > QrOptions.MaxCaptionLength)
            {
                return string.Create(CultureInfo.InvariantCulture, $"The caption is {caption.Length} characters; the limit is {QrOptions.MaxCaptionLength}.");
            }

            if (caption.Any(char.IsControl))
            {
                return "The caption must be one line of text, without control characters.";
            }

            if (CaptionFont.Validate(caption) is { } missingGlyphs)
            {
                return missingGlyphs;
            }
        }

        return null;
    }

    /// <summary>
    /// A 1-bit PNG, <c>round(SizeMm / 25.4 * Dpi)</c> pixels wide, with a pHYs chunk carrying the DPI, and with the
    /// caption, in <see cref="CaptionFont"/>, in a white band under the code.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid options, or <paramref name="text"/> does not fit in a QR code.</exception>
    public static byte[] Png(string text, QrOptions options)
    {
        ThrowIfInvalid(options);
        var modules = Modules(text, options.Ecc);
        var size = modules.Length;
        var quietZone = options.QuietZoneModules;
        var totalModules = size + (2 * quietZone);

        // Every module must be a whole number of pixels or scanners see uneven edges, so the code itself is
        // floor(target / modules) pixels per module and usually a little under the target. The remaining
        // pixels go to a slightly wider quiet zone, so the image is still exactly the requested size on paper.
        // Only a code too dense for one pixel per module ends up wider than the target.
        var targetPx = (int)Math.Round(options.SizeMm / MmPerInch * options.Dpi, MidpointRounding.AwayFromZero);
        var pixelsPerModule = Math.Max(1, targetPx / totalModules);
        var width = Math.Max(targetPx, pixelsPerModule * totalModules);
        var codeOffset = (width - (pixelsPerModule * size)) / 2;

        var caption = options.Caption is { Length: > 0 } c
            ? CaptionInk.Draw(CaptionLayout.For(c, options.SizeMm), width, options.Dpi / MmPerInch, Clearance(quietZone) * pixelsPerModule)
            : null;
        var height = width + (caption?.Height ?? 0);

        // A module row repeats for pixelsPerModule pixel rows, so each is drawn once.
        var stride = PngWriter.Stride(width);
        var moduleRows = new byte[size][];
        for (var r = 0; r < size; r++)
        {
            var row = Enumerable.Repeat((byte)0xFF, stride).ToArray();
            for (var col = 0; col < size; col++)
            {
                if (modules[r][col])
                {
                    var x = codeOffset + (col * pixelsPerModule);
                    PngWriter.Black(row, x, x + pixelsPerModule);
                }
            }

            moduleRows[r] = row;
        }

        return PngWriter.Gray1(width, height, options.Dpi, (y, row) =>
        {
            if (y >= width)
            {
                caption!.CopyRow(y - width, row);
                return;
            }

            var moduleRow = y - codeOffset;
            if (moduleRow >= 0 && moduleRow < size * pixelsPerModule)
            {
                moduleRows[moduleRow / pixelsPerModule].CopyTo(row, 0);
            }
        });
    }

    /// <summary>
    /// A standalone SVG, <c>SizeMm</c> wide in millimetres, one viewBox unit per module, all dark modules in one
    /// path, and the caption as one text element per line, the same lines as the PNG's.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid options, or <paramref name="text"/> does not fit in a QR code.</exception>
    public static string Svg(string text, QrOptions options)
    {
        ThrowIfInvalid(options);
        var modules = Modules(text, options.Ecc);
        var size = modules.Length;
        var quietZone = options.QuietZoneModules;
        var total = size + (2 * quietZone);
        var moduleMm = options.SizeMm / total;

        var caption = options.Caption is { Length: > 0 } c ? CaptionLayout.For(c, options.SizeMm) : null;
        var clearanceMm = Clearance(quietZone) * moduleMm;
        var height = total + ((caption?.BandHeightMm(clearanceMm) ?? 0) / moduleMm);

        var svg = new StringBuilder();
        svg.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(options.SizeMm)}mm\" height=\"{N(options.SizeMm * height / total)}mm\" viewBox=\"0 0 {total} {N(height)}\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{total}\" height=\"{N(height)}\" fill=\"#fff\"/>\n");
        svg.Append("<path fill=\"#000\" shape-rendering=\"crispEdges\" d=\"");
        for (var r = 0; r < size; r++)
        {
            // One rectangle per horizontal run of dark modules keeps the path short.
            for (var col = 0; col < size; col++)
            {
                if (!modules[r][col])
                {
                    continue;
                }

                var run = 1;
                while (col + run < size && modules[r][col + run])
                {
                    run++;
                }

                svg.Append(CultureInfo.InvariantCulture, $"M{col + quietZone} {r + quietZone}h{run}v1h-{run}z");
                col += run;
            }
        }

        svg.Append("\"/>\n");
        for (var i = 0; i < (caption?.Lines.Count ?? 0); i++)
        {
            var baseline = total + (caption!.BaselineMm(i, clearanceMm) / moduleMm);
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(total / 2.0)}\" y=\"{N(baseline)}\" font-family=\"'{CaptionFont.FamilyName}', sans-serif\" font-size=\"{N(caption.FontSizeMm / moduleMm)}\" text-anchor=\"middle\" fill=\"#000\">{XmlEscape(caption.Lines[i])}</text>\n");
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>The dark modules, without quiet zone, as rows of columns.</summary>
    internal static bool[][] Modules(string text, EccLevel ecc)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        QRCodeData data;
        try
        {
            data = QRCodeGenerator.GenerateQrCode(text, ToQrCoder(ecc));
        }
        catch (DataTooLongException)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The text is too long for a QR code at error correction {ecc} ({text.Length} characters); use a lower level or a shorter code."),
                nameof(text));
        }

        using (data)
        {
            // QRCoder's matrix includes its own 4-module quiet zone; ours is added when drawing.
            const int Border = 4;
            var matrix = data.ModuleMatrix;
            var size = matrix.Count - (2 * Border);
            var modules = new bool[size][];
            for (var r = 0; r < size; r++)
            {
                modules[r] = new bool[size];
                for (var col = 0; col < size; col++)
                {
                    modules[r][col] = matrix[r + Border][col + Border];
                }
            }

            return modules;
        }
    }

    internal static QRCodeGenerator.ECCLevel ToQrCoder(EccLevel ecc) => ecc switch
    {
        EccLevel.L => QRCodeGenerator.ECCLevel.L,
        EccLevel.M => QRCodeGenerator.ECCLevel.M,
        EccLevel.Q => QRCodeGenerator.ECCLevel.Q,
        EccLevel.H => QRCodeGenerator.ECCLevel.H,
        _ => throw new ArgumentOutOfRangeException(nameof(ecc), ecc, null),
    };

    // The five XML specials only: accented and other letters stay readable UTF-8 in the SVG file.
    internal static string XmlEscape(string text) => System.Security.SecurityElement.Escape(text);

    /// <summary>Modules of white the caption adds under the quiet zone, so text stays 4 modules clear of the code.</summary>
    private static int Clearance(int quietZone) => Math.Max(0, 4 - quietZone);

    private static string N(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static void ThrowIfInvalid(QrOptions options)
    {
        if (Validate(options) is { } reason)
        {
            throw new ArgumentException(reason, nameof(options));
        }
    }
}
