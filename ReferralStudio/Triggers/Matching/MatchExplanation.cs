namespace ReferralStudio.Triggers.Matching;

/// <summary>
/// Why a referral would fire the trigger it fires: every trigger that matched, best first, and the ones a
/// platform restriction left out. <see cref="Note"/> explains a referral that cannot match at all.
/// </summary>
public sealed record MatchExplanation(
    TriggerMatch? Winner,
    IReadOnlyList<MatchCandidate> Candidates,
    IReadOnlyList<ExcludedTrigger> Excluded,
    string? Note);

/// <summary>A trigger that matched. The winner's reason says how it matched; the others say why they lost.</summary>
public sealed record MatchCandidate(
    TriggerDefinition Trigger,
    MatchKind Kind,
    IReadOnlyList<string> Captures,
    bool Wins,
    string Reason);

/// <summary>A trigger that matched the ref or ad id but does not run on the referral's platform.</summary>
public sealed record ExcludedTrigger(TriggerDefinition Trigger, MatchKind Kind, string Reason);
