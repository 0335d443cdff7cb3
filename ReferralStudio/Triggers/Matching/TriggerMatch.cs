namespace ReferralStudio.Triggers.Matching;

public enum MatchKind
{
    /// <summary>The ref equals the trigger's code (ignoring case).</summary>
    Exact,

    /// <summary>The ref matches the trigger's <c>*</c> pattern.</summary>
    Pattern,

    /// <summary>The referral had no ref and came from an ad the trigger lists.</summary>
    AdId,
}

/// <summary>The trigger that fires for a referral. A struct so the hot path allocates nothing.</summary>
public readonly record struct TriggerMatch(TriggerDefinition Trigger, MatchKind Kind)
{
    /// <summary>
    /// The text each <c>*</c> matched in <paramref name="ref"/> (rule on <see cref="Glob"/>); empty for exact and
    /// ad-id matches. Computed on demand because only tags that use <c>{1}</c>.. need it.
    /// </summary>
    public IReadOnlyList<string> Captures(string? @ref) =>
        Kind == MatchKind.Pattern && @ref is not null ? Glob.Captures(Trigger.Pattern, @ref) ?? [] : [];
}
