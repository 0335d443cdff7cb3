using System.Globalization;

namespace ReferralStudio.Triggers;

/// <summary>
/// The bounds of a trigger's fields and the plain words for breaking them, defined once for the API
/// (<see cref="TriggerDraft.Validate"/>), the dashboard's editor and its hints.
/// </summary>
public static class TriggerRules
{
    public const int MaxNameLength = 100;
    public const int MinPriority = -1000;
    public const int MaxPriority = 1000;
    public const int MaxAdIdLength = 64;

    /// <summary>Instagram, Messenger and WhatsApp, each at most once.</summary>
    public const int MaxPlatforms = 3;
    public const int MaxAdIds = 50;
    public const int MaxTags = 50;

    /// <summary>How many bad ad ids one reason quotes; the rest are counted.</summary>
    private const int QuotedAdIds = 3;

    /// <summary>The helper text under the priority field, which is also the rule.</summary>
    public static readonly string PriorityHint = string.Create(CultureInfo.InvariantCulture,
        $"A whole number from {MinPriority} to {MaxPriority} (empty means 0). It only decides between patterns with as many literal characters: higher wins.");

    public static readonly string PriorityError = string.Create(CultureInfo.InvariantCulture,
        $"Priority must be a whole number from {MinPriority} to {MaxPriority}.");

    public const string AdIdsHint = "Digits only, separated by commas: Messenger and Instagram ad_id, WhatsApp source_id. An ad referral without a ref matches by its ad id.";

    public static string? Name(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return "Give the trigger a name, such as Summer sale.";
        }

        return trimmed.Length > MaxNameLength
            ? string.Create(CultureInfo.InvariantCulture, $"Names can be at most {MaxNameLength} characters long; this one has {trimmed.Length}.")
            : null;
    }

    public static string? Priority(int priority) => priority is < MinPriority or > MaxPriority ? PriorityError : null;

    /// <summary>Reads the priority as typed; empty is 0. Null when it is a whole number in range, else the reason.</summary>
    public static string? ParsePriority(string? text, out int priority)
    {
        priority = 0;
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return null;
        }

        // Integer only: "3.5" or "1e3" is refused rather than rounded, and an overflow is out of range, not 0.
        if (!int.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out priority))
        {
            priority = 0;
            return PriorityError;
        }

        return Priority(priority);
    }

    /// <summary>Null when every ad id is digits only (and not too long), else one reason quoting the first few bad entries and counting the rest.</summary>
    public static string? AdIds(IEnumerable<string?> adIds)
    {
        var bad = new List<string>();
        var badCount = 0;
        var empty = false;
        foreach (var adId in adIds)
        {
            var trimmed = adId?.Trim() ?? "";
            if (trimmed.Length == 0)
            {
                empty = true;
            }
            else if (AdId(trimmed) is not null && ++badCount <= QuotedAdIds)
            {
                bad.Add(trimmed.Length > 24 ? trimmed[..24] + "…" : trimmed);
            }
        }

        if (badCount > 0)
        {
            var named = string.Join(" and ", bad.Select(b => $"“{b}”"));
            if (badCount > bad.Count)
            {
                named += string.Create(CultureInfo.InvariantCulture, $" and {badCount - bad.Count} more");
            }

            return badCount == 1
                ? $"{named} isn't an ad id: ad ids are digits only (up to {MaxAdIdLength}), such as 120200000001."
                : $"{named} aren't ad ids: ad ids are digits only (up to {MaxAdIdLength}), such as 120200000001.";
        }

        return empty ? "An ad id is empty: remove the extra comma." : null;
    }

    /// <summary>Null when <paramref name="adId"/> looks like a Meta ad id (digits only), else the reason.</summary>
    public static string? AdId(string? adId)
    {
        if (string.IsNullOrEmpty(adId))
        {
            return "Enter the ad id, such as 120200000001.";
        }

        return adId.Length <= MaxAdIdLength && adId.All(char.IsAsciiDigit)
            ? null
            : $"Ad ids are digits only (up to {MaxAdIdLength}), such as 120200000001.";
    }
}
