namespace ReferralStudio.Triggers.Matching;

public enum ShadowKind
{
    /// <summary>Another trigger has the same pattern (ignoring case) on at least one shared platform.</summary>
    Duplicate,

    /// <summary>The candidate can never win: another trigger matches every ref it matches, on all its platforms, and beats it.</summary>
    Shadowed,

    /// <summary>The reverse: the candidate would leave another trigger unable to ever win.</summary>
    Shadows,

    /// <summary>Some refs match both; the finding says which one wins them.</summary>
    Overlaps,
}

/// <summary>One conflict with another trigger. <see cref="ExampleRef"/> is a ref both match, when one is known.</summary>
public sealed record ShadowFinding(
    ShadowKind Kind,
    long OtherId,
    string OtherName,
    string Message,
    string? ExampleRef,
    long WinnerId);

public sealed record ShadowReport(IReadOnlyList<ShadowFinding> Findings)
{
    public bool IsClean => Findings.Count == 0;
}

/// <summary>
/// Warns before a trigger is saved that it duplicates, is hidden by, hides, or overlaps another enabled trigger.
/// Only refs are compared; ad ids are not. Each finding compares the candidate with one other trigger.
/// </summary>
/// <remarks>
/// Inclusion, L(A) ⊆ L(B), is decided by matching B as a glob against A's text, with A's <c>*</c> kept as a
/// character that only B's <c>*</c> can absorb (no literal is ever <c>*</c>). This is sound: substitute any text
/// for A's stars and B still matches, with its stars absorbing the substitutes. It can miss exotic inclusions,
/// so Shadowed/Shadows may be under-reported, never wrongly reported.
/// Overlap of two patterns is decided exactly: both with a <c>*</c> overlap iff one literal prefix is a prefix of
/// the other and one literal suffix is a suffix of the other (the longer prefix, the middle segments of both
/// and the longer suffix, joined by "x", is then a ref both match, and it is given as the example).
/// Precedence between two triggers never depends on the ref, so the winner of every shared ref is the same.
/// Findings about one other trigger are reported once, with the most serious kind.
/// </remarks>
public static class Shadowing
{
    public static ShadowReport Check(TriggerDefinition candidate, IEnumerable<TriggerDefinition> enabledOthers)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(enabledOthers);
        var candidateMask = TriggerPlatforms.Mask(candidate);
        var candidateIsPattern = PatternRules.IsPattern(candidate.Pattern);
        var findings = new List<ShadowFinding>();
        foreach (var other in enabledOthers)
        {
            if (other.Id == candidate.Id)
            {
                continue;
            }

            var otherMask = TriggerPlatforms.Mask(other);
            var shared = candidateMask & otherMask;
            if (shared == 0)
            {
                continue;
            }

            var otherWins = Precedence.CompareForRef(other, candidate) < 0;
            var (winner, loser) = otherWins ? (other, candidate) : (candidate, other);
            var reason = Precedence.WhyForRef(winner, loser);
            // Plain words for people: the other trigger by its name (the UI links it), the candidate as "this trigger".
            var named = $"“{other.Name}”";
            var why = $"{(otherWins ? named : "this trigger")} wins ({reason})";
            var on = TriggerPlatforms.Describe(shared);
            var otherIsPattern = PatternRules.IsPattern(other.Pattern);

            if (string.Equals(candidate.Pattern, other.Pattern, StringComparison.OrdinalIgnoreCase))
            {
                var what = candidateIsPattern ? "pattern" : "code";
                findings.Add(Finding(ShadowKind.Duplicate, other, $"{named} already uses this {what} on {on}.", null, winner));
            }
            else if (!candidateIsPattern && !otherIsPattern)
            {
                // Two different exact codes never meet.
            }
            else if (!candidateIsPattern || !otherIsPattern)
            {
                var (code, pattern) = candidateIsPattern ? (other, candidate) : (candidate, other);
                if (Glob.IsMatch(pattern.Pattern, code.Pattern))
                {
                    var example = code.Pattern.ToLowerInvariant();
                    findings.Add(Finding(ShadowKind.Overlaps, other, $"{named} also matches {example} on {on}; {why}.", example, winner));
                }
            }
            else if (otherWins && (otherMask & candidateMask) == candidateMask && Glob.IsMatch(other.Pattern, candidate.Pattern))
            {
                findings.Add(Finding(ShadowKind.Shadowed, other, $"This pattern would never fire: {named} matches every ref it matches, on all its platforms, and wins ({reason}).", null, winner));
            }
            else if (!otherWins && (otherMask & candidateMask) == otherMask && Glob.IsMatch(candidate.Pattern, other.Pattern))
            {
                findings.Add(Finding(ShadowKind.Shadows, other, $"{named} would never fire again: this pattern matches every ref it matches, on all its platforms, and wins ({reason}).", null, winner));
            }
            else if (Overlap(candidate.Pattern, other.Pattern, out var example))
            {
                var such = example is null ? "some of the same refs" : $"refs such as {example}";
                findings.Add(Finding(ShadowKind.Overlaps, other, $"{named} also matches {such} on {on}; {why}.", example, winner));
            }
        }

        return new ShadowReport(findings);
    }

    /// <summary>
    /// Whether some ref matches both patterns (each has a <c>*</c>), decided exactly as described on the class;
    /// <paramref name="example"/> is such a ref unless it would be longer than a ref may be.
    /// </summary>
    internal static bool Overlap(string a, string b, out string? example)
    {
        example = null;
        var (aPrefix, aMiddle, aSuffix) = Split(a.ToLowerInvariant());
        var (bPrefix, bMiddle, bSuffix) = Split(b.ToLowerInvariant());
        var (longPrefix, shortPrefix) = aPrefix.Length >= bPrefix.Length ? (aPrefix, bPrefix) : (bPrefix, aPrefix);
        var (longSuffix, shortSuffix) = aSuffix.Length >= bSuffix.Length ? (aSuffix, bSuffix) : (bSuffix, aSuffix);
        if (!longPrefix.StartsWith(shortPrefix, StringComparison.Ordinal) || !longSuffix.EndsWith(shortSuffix, StringComparison.Ordinal))
        {
            return false;
        }

        var candidate = string.Join('x', [longPrefix, .. aMiddle, .. bMiddle, longSuffix]);
        if (candidate.Length <= PatternRules.MaxLength)
        {
            example = candidate;
        }

        return true;
    }

    private static (string Prefix, string[] Middle, string Suffix) Split(string pattern)
    {
        var parts = pattern.Split('*');
        return (parts[0], parts[1..^1], parts[^1]);
    }

    private static ShadowFinding Finding(ShadowKind kind, TriggerDefinition other, string message, string? example, TriggerDefinition winner) =>
        new(kind, other.Id, other.Name, message, example, winner.Id);
}
