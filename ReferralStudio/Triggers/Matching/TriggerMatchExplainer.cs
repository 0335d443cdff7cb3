using System.Globalization;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Triggers.Matching;

/// <summary>
/// The trigger tester's account of a referral: which triggers match, which one wins and why, which a platform
/// leaves out. Allocates; not for the hot path, which is <see cref="TriggerMatcher.Match"/>.
/// </summary>
internal static class TriggerMatchExplainer
{
    /// <summary>
    /// Every trigger the referral matches in <paramref name="matcher"/>, best first, each with a reason, plus those
    /// its platform excludes. A null <paramref name="platform"/> means "any platform": nothing is excluded.
    /// </summary>
    public static MatchExplanation Explain(TriggerMatcher matcher, string? platform, string? @ref, string? adId)
    {
        var mask = platform is null ? TriggerPlatforms.AllMask : TriggerPlatforms.Bit(platform);
        var note = mask == 0 ? $"unknown platform '{platform}'; expected {TriggerPlatforms.Describe(TriggerPlatforms.AllMask)}" : null;

        List<int> matched;
        bool byAd;
        if (string.IsNullOrEmpty(@ref))
        {
            byAd = true;
            if (string.IsNullOrEmpty(adId))
            {
                return new MatchExplanation(null, [], [], note ?? "no ref and no ad id, so nothing can match");
            }

            matched = matcher.RanksListingAd(adId);
        }
        else
        {
            byAd = false;
            if (RefValidator.Validate(@ref) is { } invalid)
            {
                return new MatchExplanation(null, [], [], invalid + "; such a ref matches no trigger");
            }

            matched = matcher.AllMatches(@ref);
        }

        var winner = -1;
        var candidates = new List<MatchCandidate>();
        var excluded = new List<ExcludedTrigger>();
        foreach (var t in matched)
        {
            var trigger = matcher.TriggerAt(t);
            var kind = byAd ? MatchKind.AdId : matcher.IsExact(t) ? MatchKind.Exact : MatchKind.Pattern;
            if ((matcher.PlatformMaskAt(t) & mask) == 0)
            {
                var reason = mask == 0
                    ? $"unknown platform '{platform}'"
                    : $"runs on {TriggerPlatforms.Describe(matcher.PlatformMaskAt(t))} only, not {platform}";
                excluded.Add(new ExcludedTrigger(trigger, kind, reason));
                continue;
            }

            var captures = kind == MatchKind.Pattern ? Glob.Captures(trigger.Pattern, @ref!) ?? [] : [];
            if (winner < 0)
            {
                winner = t;
                candidates.Add(new MatchCandidate(trigger, kind, captures, Wins: true, HowItMatched(matcher, t, kind, adId)));
            }
            else
            {
                var best = matcher.TriggerAt(winner);
                var why = byAd ? Precedence.WhyForAd(best, trigger) : Precedence.WhyForRef(best, trigger);
                candidates.Add(new MatchCandidate(trigger, kind, captures, Wins: false, $"'{best.Name}' (#{best.Id}) wins: {why}"));
            }
        }

        var winnerMatch = winner < 0 ? (TriggerMatch?)null : new TriggerMatch(candidates[0].Trigger, candidates[0].Kind);
        if (winner < 0 && note is null)
        {
            note = excluded.Count > 0 ? "only triggers for other platforms match" : "no trigger matches";
        }

        return new MatchExplanation(winnerMatch, candidates, excluded, note);
    }

    private static string HowItMatched(TriggerMatcher matcher, int t, MatchKind kind, string? adId) => kind switch
    {
        MatchKind.Exact => "exact code",
        MatchKind.Pattern => string.Create(CultureInfo.InvariantCulture, $"pattern with {matcher.LiteralCountAt(t)} literal characters"),
        _ => $"lists ad id {adId}",
    };
}
