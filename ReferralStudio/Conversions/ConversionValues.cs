namespace ReferralStudio.Conversions;

/// <summary>
/// The bound on a conversion's value, said once for the API, its OpenAPI description and the README. Bounded so that
/// the campaign sums (stored and added up as doubles) stay finite, and a value kept as a double keeps its cents;
/// four decimal places cover every ISO 4217 currency's minor unit.
/// </summary>
public static class ConversionValues
{
    public const decimal Max = 1_000_000_000_000m;
    public const int MaxDecimalPlaces = 4;

    /// <summary>The rule, for the API's description (an attribute argument must be a constant) and every refusal.</summary>
    public const string Rule = "A number from 0 to 1000000000000 (10^12) with at most 4 decimal places, in the currency's major unit (12.50 is twelve euros fifty).";

    public static readonly string Error = $"value must be {char.ToLowerInvariant(Rule[0])}{Rule[1..]}";

    /// <summary>Null when <paramref name="value"/> is within the bound, else the reason.</summary>
    public static string? Validate(decimal value) =>
        value < 0 || value > Max || decimal.Round(value, MaxDecimalPlaces) != value ? Error : null;

    /// <summary>The value as stored: the entity keeps a double so that SQLite can sum it.</summary>
    public static double ToStored(decimal value) => (double)value;

    /// <summary>A sum as reported: a non-finite one (only rows stored before the bound can make it) reads as the largest double, not a 500.</summary>
    public static double Finite(double sum) => double.IsFinite(sum) ? sum : double.IsNaN(sum) ? 0 : Math.CopySign(double.MaxValue, sum);
}
