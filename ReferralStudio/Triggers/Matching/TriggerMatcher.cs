using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Triggers.Matching;

/// <summary>
/// Finds the trigger a referral fires. Immutable: built once from every enabled trigger and swapped as a whole
/// when triggers change, so readers need no locks.
/// </summary>
/// <remarks>
/// Triggers are sorted once by ref precedence (see <see cref="Precedence"/>), so a trigger's index is its rank
/// and "better" is just "smaller index". Refs are case-folded onto the 39-symbol alphabet a-z 0-9 _ - = and
/// walked through two tries instead of scanning every trigger. The forward trie holds exact codes at their
/// terminal node and patterns at the node of their literal prefix (the text before the first <c>*</c>). The
/// backward trie, walked from the ref's end, holds patterns at the node of their reversed literal suffix; it
/// takes those without a prefix, and those with both when fewer other patterns share the suffix. Patterns with
/// neither (<c>*</c>, <c>*_tiktok_*</c>) sit in a small list checked for every ref. Each candidate is confirmed
/// with a span glob check, best rank first, stopping as soon as nothing left can win.
/// </remarks>
public sealed class TriggerMatcher
{
    private const int Platforms = 3;

    private readonly TriggerDefinition[] _triggers;
    private readonly int[] _masks;
    private readonly string[] _folded;
    private readonly int[] _literals;
    private readonly int _exactCount;
    private readonly RefTrie _forward;
    private readonly int[] _bestExact;
    private readonly RefTrie _backward;
    private readonly int[] _floating;
    private readonly Dictionary<string, int[]> _byAd;

    private TriggerMatcher(TriggerDefinition[] ranked)
    {
        _triggers = ranked;
        _masks = new int[ranked.Length];
        _folded = new string[ranked.Length];
        _literals = new int[ranked.Length];

        var forward = new RefTrieNode();
        var backward = new RefTrieNode();
        var floating = new List<int>();
        var byAd = new Dictionary<string, List<int>>(StringComparer.Ordinal);

        // A pattern with both a prefix and a suffix goes under whichever fewer patterns share, so shapes like
        // `collab_*_{creator}` (one prefix, many suffixes) do not pile up in one list checked for every such ref.
        var sharing = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var trigger in ranked)
        {
            var (prefix, suffix) = Ends(trigger.Pattern.ToLowerInvariant());
            if (prefix.Length > 0 && suffix.Length > 0)
            {
                sharing["p" + prefix] = sharing.GetValueOrDefault("p" + prefix) + 1;
                sharing["s" + suffix] = sharing.GetValueOrDefault("s" + suffix) + 1;
            }
        }

        for (var i = 0; i < ranked.Length; i++)
        {
            var trigger = ranked[i];
            var folded = trigger.Pattern.ToLowerInvariant();
            _masks[i] = TriggerPlatforms.Mask(trigger);
            _folded[i] = folded;
            _literals[i] = PatternRules.LiteralCount(folded);

            var (prefix, suffix) = Ends(folded);
            if (!PatternRules.IsPattern(folded))
            {
                _exactCount = i + 1;
                forward.Walk(folded).AddExact(i);
            }
            else if (prefix.Length > 0 && (suffix.Length == 0 || sharing["p" + prefix] <= sharing["s" + suffix]))
            {
                forward.Walk(prefix).AddPattern(i);
            }
            else if (suffix.Length > 0)
            {
                var reversed = suffix.ToCharArray();
                Array.Reverse(reversed);
                backward.Walk(reversed).AddPattern(i);
            }
            else
            {
                floating.Add(i);
            }

            foreach (var adId in trigger.AdIds)
            {
                if (string.IsNullOrEmpty(adId))
                {
                    continue;
                }

                if (!byAd.TryGetValue(adId, out var list))
                {
                    byAd[adId] = list = [];
                }

                list.Add(i);
            }
        }

        _forward = new RefTrie(forward);
        _backward = new RefTrie(backward);
        _floating = [.. floating];
        _byAd = byAd.ToDictionary(
            pair => pair.Key,
            pair => pair.Value.OrderBy(i => ranked[i], Comparer<TriggerDefinition>.Create(Precedence.CompareForAd)).ToArray(),
            StringComparer.Ordinal);

        // Exact codes are ranked first, so the first exact at a node that runs on a platform is that platform's winner.
        _bestExact = new int[_forward.NodeCount * Platforms];
        Array.Fill(_bestExact, -1);
        for (var node = 0; node < _forward.NodeCount; node++)
        {
            foreach (var t in _forward.Exact(node))
            {
                for (var p = 0; p < Platforms; p++)
                {
                    if ((_masks[t] & (1 << p)) != 0 && _bestExact[(node * Platforms) + p] < 0)
                    {
                        _bestExact[(node * Platforms) + p] = t;
                    }
                }
            }
        }
    }

    public static TriggerMatcher Empty { get; } = new([]);

    /// <summary>How many triggers the matcher was built from.</summary>
    public int Count => _triggers.Length;

    /// <summary>
    /// Builds a matcher from the enabled triggers. Patterns and platform names are validated on save, so an
    /// invalid one here is a bug and throws <see cref="ArgumentException"/> naming the trigger.
    /// </summary>
    public static TriggerMatcher Build(IEnumerable<TriggerDefinition> triggers)
    {
        ArgumentNullException.ThrowIfNull(triggers);
        var ranked = triggers.ToArray();
        foreach (var trigger in ranked)
        {
            if (PatternRules.Validate(trigger.Pattern) is { } reason)
            {
                throw new ArgumentException($"Trigger {trigger.Id} '{trigger.Name}' has an invalid pattern: {reason}.", nameof(triggers));
            }
        }

        Array.Sort(ranked, Precedence.CompareForRef);
        return new TriggerMatcher(ranked);
    }

    /// <summary>
    /// The trigger a referral fires, or null. A non-empty ref matches by ref only; a referral without a ref
    /// (null or empty) matches triggers listing its ad id. Refs with characters outside the ref alphabet, or
    /// longer than <see cref="RefValidator.MaxLength"/>, and unknown platforms match nothing. Allocates nothing.
    /// </summary>
    public TriggerMatch? Match(string platform, string? @ref, string? adId)
    {
        var bit = TriggerPlatforms.Bit(platform);
        if (bit == 0)
        {
            return null;
        }

        if (string.IsNullOrEmpty(@ref))
        {
            return MatchAd(bit, adId);
        }

        if (@ref.Length > RefValidator.MaxLength)
        {
            return null;
        }

        Span<char> text = stackalloc char[@ref.Length];
        if (!RefAlphabet.Fold(@ref, text))
        {
            return null;
        }

        var best = Best(text, bit);
        return best < 0 ? null : new TriggerMatch(_triggers[best], best < _exactCount ? MatchKind.Exact : MatchKind.Pattern);
    }

    /// <summary>
    /// Every trigger the referral matches, best first, each with a reason, plus those its platform excludes.
    /// A null <paramref name="platform"/> means "any platform": nothing is excluded. Allocates; not for the hot path.
    /// </summary>
    public MatchExplanation Explain(string? platform, string? @ref, string? adId) =>
        TriggerMatchExplainer.Explain(this, platform, @ref, adId);

    // The literal text before the first * and after the last one (both empty for "*"; unused for exact codes).
    private static (string Prefix, string Suffix) Ends(string pattern) =>
        (pattern[..Math.Max(pattern.IndexOf('*'), 0)], pattern[(pattern.LastIndexOf('*') + 1)..]);

    private TriggerMatch? MatchAd(int bit, string? adId)
    {
        if (string.IsNullOrEmpty(adId) || !_byAd.TryGetValue(adId, out var listed))
        {
            return null;
        }

        foreach (var t in listed)
        {
            if ((_masks[t] & bit) != 0)
            {
                return new TriggerMatch(_triggers[t], MatchKind.AdId);
            }
        }

        return null;
    }

    // The best-ranked trigger on the platform matching the folded ref, or -1.
    private int Best(ReadOnlySpan<char> text, int bit)
    {
        var forward = _forward;
        var node = 0;
        var patternsOnPath = false;
        for (var i = 0; i < text.Length && node >= 0; i++)
        {
            node = forward.Child(node, RefAlphabet.Symbols[text[i]]);
            patternsOnPath |= node >= 0 && forward.HasPatterns(node);
        }

        // An exact code outranks every pattern, so it ends the search.
        if (node >= 0 && _bestExact[(node * Platforms) + (bit >> 1)] is var exact and >= 0)
        {
            return exact;
        }

        var best = int.MaxValue;
        if (patternsOnPath)
        {
            node = 0;
            for (var i = 0; i < text.Length; i++)
            {
                node = forward.Child(node, RefAlphabet.Symbols[text[i]]);
                if (node < 0)
                {
                    break;
                }

                best = Confirm(forward.Patterns(node), text, bit, best);
            }
        }

        var backward = _backward;
        node = 0;
        for (var i = text.Length - 1; i >= 0; i--)
        {
            node = backward.Child(node, RefAlphabet.Symbols[text[i]]);
            if (node < 0)
            {
                break;
            }

            best = Confirm(backward.Patterns(node), text, bit, best);
        }

        best = Confirm(_floating, text, bit, best);
        return best == int.MaxValue ? -1 : best;
    }

    // Candidates are in rank order, so the first one that matches is the best of them, and none at or past `best` can win.
    private int Confirm(ReadOnlySpan<int> candidates, ReadOnlySpan<char> text, int bit, int best)
    {
        foreach (var t in candidates)
        {
            if (t >= best)
            {
                break;
            }

            if ((_masks[t] & bit) != 0 && text.Length >= _literals[t] && Glob.IsMatch(_folded[t], text, StringComparison.Ordinal))
            {
                return t;
            }
        }

        return best;
    }

    // ---- What TriggerMatchExplainer reads, by rank; off the hot path ------------------------------

    internal TriggerDefinition TriggerAt(int rank) => _triggers[rank];

    internal int PlatformMaskAt(int rank) => _masks[rank];

    internal int LiteralCountAt(int rank) => _literals[rank];

    internal bool IsExact(int rank) => rank < _exactCount;

    // The triggers listing the ad id, in ad precedence order, on any platform.
    internal List<int> RanksListingAd(string adId) => _byAd.TryGetValue(adId, out var listed) ? [.. listed] : [];

    // Every trigger matching a valid ref (see RefValidator) on any platform, in rank order.
    internal List<int> AllMatches(string validRef)
    {
        var text = new char[validRef.Length];
        RefAlphabet.Fold(validRef, text);
        var found = new List<int>();
        var node = 0;
        for (var i = 0; i < text.Length && node >= 0; i++)
        {
            node = _forward.Child(node, RefAlphabet.Symbols[text[i]]);
            if (node >= 0)
            {
                AddMatching(_forward.Patterns(node), text, found);
            }
        }

        if (node >= 0)
        {
            found.AddRange(_forward.Exact(node));
        }

        node = 0;
        for (var i = text.Length - 1; i >= 0 && node >= 0; i--)
        {
            node = _backward.Child(node, RefAlphabet.Symbols[text[i]]);
            if (node >= 0)
            {
                AddMatching(_backward.Patterns(node), text, found);
            }
        }

        AddMatching(_floating, text, found);
        found.Sort();
        return found;
    }

    private void AddMatching(ReadOnlySpan<int> candidates, ReadOnlySpan<char> text, List<int> found)
    {
        foreach (var t in candidates)
        {
            if (Glob.IsMatch(_folded[t], text, StringComparison.Ordinal))
            {
                found.Add(t);
            }
        }
    }
}
