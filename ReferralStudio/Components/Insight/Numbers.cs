using System.Globalization;

namespace ReferralStudio.Components.Insight;

/// <summary>
/// How the insight pages write numbers: counts with thousands separators, rates with one decimal and a
/// non-breaking space before "%" (so "11.4 %" never wraps), money in its currency's own decimals.
/// </summary>
public static class Numbers
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    // Currencies written with their sign in front; every other one is written with its ISO code after the amount.
    private static readonly Dictionary<string, string> Signs = new(StringComparer.Ordinal)
    {
        ["EUR"] = "€", ["USD"] = "$", ["GBP"] = "£", ["JPY"] = "¥", ["INR"] = "₹",
    };

    // ISO 4217 minor units other than 2.
    private static readonly HashSet<string> NoMinorUnit = ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"];
    private static readonly HashSet<string> ThreeMinorUnits = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];

    public static string Count(int value) => value.ToString("N0", Invariant);

    public static string Count(long value) => value.ToString("N0", Invariant);

    /// <summary>A rate that may not exist (conversations per scan without scans): a dash then.</summary>
    public static string Percent(double? rate) => rate is { } r ? Percent(r) : "–";

    public static string Percent(double rate) => (rate * 100).ToString("0.0", Invariant) + "\u00a0%";

    public static int Decimals(string? currency) =>
        currency is null ? 2 : NoMinorUnit.Contains(currency) ? 0 : ThreeMinorUnits.Contains(currency) ? 3 : 2;

    /// <summary>"€1,234.50", "1,234.500 KWD"; without a currency, the amount alone with two decimals.</summary>
    public static string Money(double amount, string? currency)
    {
        var digits = Decimals(currency);
        // Half a cent (or yen) rounds up, as on a receipt; formatting alone would round half to even.
        var number = Math.Round(Math.Abs(amount), digits, MidpointRounding.AwayFromZero).ToString("N" + digits, Invariant);
        var sign = amount < 0 ? "-" : "";
        return currency is null ? sign + number
            : Signs.TryGetValue(currency, out var symbol) ? sign + symbol + number
            : $"{sign}{number}\u00a0{currency}";
    }
}
