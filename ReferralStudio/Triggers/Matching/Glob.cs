namespace ReferralStudio.Triggers.Matching;

/// <summary>
/// Star-only globs: <c>*</c> matches any run of characters (including none), every other character matches
/// itself ignoring ASCII case. The same language as the anchored regex <c>^...$</c> with <c>*</c> as <c>.*</c>.
/// </summary>
/// <remarks>
/// A pattern is <c>s0*s1*...*sk</c>. s0 is compared at the start, sk at the end, and each middle segment is
/// found leftmost in what is left between them. Leftmost placement never loses a match (anything a later
/// placement leaves room for, an earlier one leaves room for too), so the check is linear-time and exact.
/// Captures follow from that placement: each <c>*</c> but the last takes the shortest run that lets the rest
/// match, and the last <c>*</c> takes whatever remains before the suffix. <c>collab_*_2026</c> on
/// <c>collab_alice_2026</c> captures ["alice"]; <c>*_x_*</c> on <c>a_x_b_x_c</c> captures ["a", "b_x_c"].
/// </remarks>
public static class Glob
{
    public static bool IsMatch(string pattern, string text) =>
        IsMatch(pattern, text, StringComparison.OrdinalIgnoreCase);

    /// <summary>The text each <c>*</c> matched, in order and in the text's own case; null when there is no match.</summary>
    public static IReadOnlyList<string>? Captures(string pattern, string text)
    {
        var stars = pattern.AsSpan().Count('*');
        if (stars == 0)
        {
            return text.Equals(pattern, StringComparison.OrdinalIgnoreCase) ? [] : null;
        }

        Span<int> starts = stars <= 64 ? stackalloc int[stars] : new int[stars];
        Span<int> ends = stars <= 64 ? stackalloc int[stars] : new int[stars];
        if (!Place(pattern, text, StringComparison.OrdinalIgnoreCase, starts, ends))
        {
            return null;
        }

        var captures = new string[stars];
        for (var i = 0; i < stars; i++)
        {
            captures[i] = text[starts[i]..ends[i]];
        }

        return captures;
    }

    /// <summary>The matcher's hot path passes Ordinal with both sides already lower-cased.</summary>
    internal static bool IsMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text, StringComparison comparison) =>
        Place(pattern, text, comparison, default, default);

    // Places the segments as described on the class; when starts/ends are given, records where each * began and ended.
    private static bool Place(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text, StringComparison comparison, Span<int> starts, Span<int> ends)
    {
        var first = pattern.IndexOf('*');
        if (first < 0)
        {
            return text.Equals(pattern, comparison);
        }

        var last = pattern.LastIndexOf('*');
        var prefix = pattern[..first];
        var suffix = pattern[(last + 1)..];
        if (text.Length < prefix.Length + suffix.Length
            || !text.StartsWith(prefix, comparison)
            || !text.EndsWith(suffix, comparison))
        {
            return false;
        }

        var record = !starts.IsEmpty;
        var position = prefix.Length;
        var end = text.Length - suffix.Length;
        var star = 0;
        var middle = pattern[(first + 1)..(last + 1)];
        while (true)
        {
            var next = middle.IndexOf('*');
            if (next < 0)
            {
                break;
            }

            var segment = middle[..next];
            middle = middle[(next + 1)..];

            // An empty segment would come from '**', which validation rejects; it constrains nothing anyway.
            var found = segment.IsEmpty ? 0 : text[position..end].IndexOf(segment, comparison);
            if (found < 0)
            {
                return false;
            }

            if (record)
            {
                starts[star] = position;
                ends[star] = position + found;
            }

            star++;
            position += found + segment.Length;
        }

        if (record)
        {
            starts[star] = position;
            ends[star] = end;
        }

        return true;
    }
}
