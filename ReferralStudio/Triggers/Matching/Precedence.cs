using System.Globalization;

namespace ReferralStudio.Triggers.Matching;

/// <summary>
/// Which of two triggers wins when both match, and why, in words a marketer can read. For a ref: an exact code
/// first, then more literal (non-<c>*</c>) characters, then higher priority, then older (earlier CreatedAt, then
/// lower Id). For an ad id: higher priority, then older. The order never depends on the ref itself, so it can
/// be fixed once when the matcher is built.
/// </summary>
internal static class Precedence
{
    /// <summary>Negative when <paramref name="a"/> beats <paramref name="b"/> for a ref both match.</summary>
    public static int CompareForRef(TriggerDefinition a, TriggerDefinition b)
    {
        var aExact = !PatternRules.IsPattern(a.Pattern);
        var bExact = !PatternRules.IsPattern(b.Pattern);
        if (aExact != bExact)
        {
            return aExact ? -1 : 1;
        }

        var literals = PatternRules.LiteralCount(b.Pattern).CompareTo(PatternRules.LiteralCount(a.Pattern));
        return literals != 0 ? literals : CompareForAd(a, b);
    }

    /// <summary>Negative when <paramref name="a"/> beats <paramref name="b"/> for an ad id both list.</summary>
    public static int CompareForAd(TriggerDefinition a, TriggerDefinition b)
    {
        var priority = b.Priority.CompareTo(a.Priority);
        if (priority != 0)
        {
            return priority;
        }

        var created = a.CreatedAt.CompareTo(b.CreatedAt);
        return created != 0 ? created : a.Id.CompareTo(b.Id);
    }

    /// <summary>Why <paramref name="winner"/> beats <paramref name="loser"/> for a ref both match.</summary>
    public static string WhyForRef(TriggerDefinition winner, TriggerDefinition loser)
    {
        // Callers pass the pair in precedence order, so a mixed pair always has the exact code as the winner.
        var winnerExact = !PatternRules.IsPattern(winner.Pattern);
        if (winnerExact != !PatternRules.IsPattern(loser.Pattern))
        {
            return "exact code beats patterns";
        }

        if (winnerExact)
        {
            return Tiebreak(winner, loser, "same exact code");
        }

        var w = PatternRules.LiteralCount(winner.Pattern);
        var l = PatternRules.LiteralCount(loser.Pattern);
        return w != l
            ? string.Create(CultureInfo.InvariantCulture, $"pattern with {w} literal characters beats {l}")
            : Tiebreak(winner, loser, "same literals");
    }

    /// <summary>Why <paramref name="winner"/> beats <paramref name="loser"/> for an ad id both list.</summary>
    public static string WhyForAd(TriggerDefinition winner, TriggerDefinition loser) => Tiebreak(winner, loser, null);

    private static string Tiebreak(TriggerDefinition winner, TriggerDefinition loser, string? same)
    {
        if (winner.Priority != loser.Priority)
        {
            var lead = same is null ? "" : same + "; ";
            return string.Create(CultureInfo.InvariantCulture, $"{lead}priority {winner.Priority} beats {loser.Priority}");
        }

        var prefix = same is null ? "same priority" : same + " and priority";
        if (winner.CreatedAt != loser.CreatedAt)
        {
            return prefix + "; created earlier";
        }

        prefix = same is null ? "same priority and creation time" : same + ", priority and creation time";
        return string.Create(CultureInfo.InvariantCulture, $"{prefix}; lower id {winner.Id} beats {loser.Id}");
    }
}
