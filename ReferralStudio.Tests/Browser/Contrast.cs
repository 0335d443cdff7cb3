using System.Globalization;
using System.Text.RegularExpressions;

namespace ReferralStudio.Tests.Browser;

/// <summary>WCAG 2 contrast ratio of two computed CSS colours ("rgb(r, g, b)" or "rgba(...)").</summary>
public static partial class Contrast
{
    public static double Ratio(string foreground, string background)
    {
        var (a, b) = (Luminance(foreground), Luminance(background));
        return (Math.Max(a, b) + 0.05) / (Math.Min(a, b) + 0.05);
    }

    private static double Luminance(string css)
    {
        var parts = Channels().Match(css).Groups.Cast<Group>().Skip(1).Take(3)
            .Select(g => double.Parse(g.Value, CultureInfo.InvariantCulture) / 255).ToArray();
        static double Linear(double c) => c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        return (0.2126 * Linear(parts[0])) + (0.7152 * Linear(parts[1])) + (0.0722 * Linear(parts[2]));
    }

    [GeneratedRegex(@"rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)")]
    private static partial Regex Channels();
}
