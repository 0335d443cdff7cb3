using System.Text.RegularExpressions;
using ReferralStudio.Triggers.Matching;

namespace ReferralStudio.Tests.Triggers.Matching;

/// <summary>
/// Generated cases checked against a deliberately naive reference: one anchored regex per trigger and an explicit
/// precedence sort. Seeded, so a failure names a case that reproduces. (Plain Random rather than FsCheck: the
/// app's test project has no FsCheck reference.)
/// </summary>
public class NaiveReferenceTests
{
    private const int Seed = 20260101;

    // A tiny alphabet (with both cases) makes matches, ties and overlaps common.
    private const string Letters = "abAB_";
    private static readonly string[] PlatformNames = ["instagram", "messenger", "whatsapp"];

    [Fact]
    public void Matcher_Picks_The_Same_Winner_As_A_Regex_Per_Trigger_With_An_Explicit_Sort()
    {
        var random = new Random(Seed);
        for (var round = 0; round < 300; round++)
        {
            var triggers = RandomTriggers(random, random.Next(1, 25));
            var matcher = TriggerMatcher.Build(triggers);
            for (var i = 0; i < 60; i++)
            {
                var @ref = RandomText(random, 0, 9);
                var platform = PlatformNames[random.Next(3)];
                var adId = random.Next(4).ToString(System.Globalization.CultureInfo.InvariantCulture);

                var expected = Reference(triggers, platform, @ref, adId);
                var actual = matcher.Match(platform, @ref, adId);

                var context = $"round {round}, ref '{@ref}', ad {adId}, {platform}, triggers: {string.Join(" ", triggers.Select(Describe))}";
                Assert.True(expected?.Trigger.Id == actual?.Trigger.Id, $"expected #{expected?.Trigger.Id}, got #{actual?.Trigger.Id}; {context}");
                Assert.Equal(expected?.Kind, actual?.Kind);
                Assert.Equal(expected?.Trigger.Id, matcher.Explain(platform, @ref, adId).Winner?.Trigger.Id);
                if (actual is { Kind: MatchKind.Pattern } match)
                {
                    Assert.Equal(RegexCaptures(match.Trigger.Pattern, @ref), match.Captures(@ref));
                }
            }
        }
    }

    [Fact]
    public void Explanation_Lists_Exactly_The_Triggers_A_Regex_Per_Trigger_Finds()
    {
        var random = new Random(Seed + 1);
        for (var round = 0; round < 200; round++)
        {
            var triggers = RandomTriggers(random, random.Next(1, 25));
            var matcher = TriggerMatcher.Build(triggers);
            var @ref = RandomText(random, 1, 9);
            var platform = PlatformNames[random.Next(3)];

            var explanation = matcher.Explain(platform, @ref, null);

            var matching = triggers.Where(t => ToRegex(t.Pattern).IsMatch(@ref)).ToList();
            var onPlatform = matching.Where(t => RunsOn(t, platform)).Order(Comparer<TriggerDefinition>.Create(CompareForRef));
            Assert.Equal(onPlatform.Select(t => t.Id), explanation.Candidates.Select(c => c.Trigger.Id));
            Assert.Equal(
                matching.Where(t => !RunsOn(t, platform)).Select(t => t.Id).Order(),
                explanation.Excluded.Select(e => e.Trigger.Id).Order());
        }
    }

    [Fact]
    public void Overlap_Examples_Match_Both_Patterns_And_Disjoint_Verdicts_Hold_For_Every_Short_Ref()
    {
        var random = new Random(Seed + 2);
        var refs = AllStrings("ab_", 6);
        for (var round = 0; round < 400; round++)
        {
            var candidate = TestTriggers.Trigger(1, RandomPattern(random, mustHaveStar: true), priority: random.Next(2));
            var other = TestTriggers.Trigger(2, RandomPattern(random, mustHaveStar: true), priority: random.Next(2));

            var finding = Shadowing.Check(candidate, [other]).Findings.SingleOrDefault();

            var context = $"'{candidate.Pattern}' vs '{other.Pattern}'";
            if (finding is null)
            {
                Assert.DoesNotContain(refs, r => Glob.IsMatch(candidate.Pattern, r) && Glob.IsMatch(other.Pattern, r));
            }
            else if (finding.ExampleRef is { } example)
            {
                Assert.True(ToRegex(candidate.Pattern).IsMatch(example) && ToRegex(other.Pattern).IsMatch(example), context);
            }

            if (finding?.Kind == ShadowKind.Shadowed)
            {
                Assert.All(refs.Where(r => Glob.IsMatch(candidate.Pattern, r)), r => Assert.True(Glob.IsMatch(other.Pattern, r), $"{context} on '{r}'"));
            }
        }
    }

    private static TriggerMatch? Reference(IReadOnlyList<TriggerDefinition> triggers, string platform, string @ref, string adId)
    {
        if (@ref.Length == 0)
        {
            var byAd = triggers
                .Where(t => t.AdIds.Contains(adId) && RunsOn(t, platform))
                .OrderByDescending(t => t.Priority).ThenBy(t => t.CreatedAt).ThenBy(t => t.Id)
                .FirstOrDefault();
            return byAd is null ? null : new TriggerMatch(byAd, MatchKind.AdId);
        }

        var best = triggers
            .Where(t => RunsOn(t, platform) && ToRegex(t.Pattern).IsMatch(@ref))
            .Order(Comparer<TriggerDefinition>.Create(CompareForRef))
            .FirstOrDefault();
        return best is null ? null : new TriggerMatch(best, best.Pattern.Contains('*') ? MatchKind.Pattern : MatchKind.Exact);
    }

    // The spec's order, written out independently of the production code.
    private static int CompareForRef(TriggerDefinition a, TriggerDefinition b)
    {
        var aExact = !a.Pattern.Contains('*');
        var bExact = !b.Pattern.Contains('*');
        if (aExact != bExact)
        {
            return aExact ? -1 : 1;
        }

        int Literals(TriggerDefinition t) => t.Pattern.Count(c => c != '*');
        return (Literals(b), b.Priority, a.CreatedAt, a.Id).CompareTo((Literals(a), a.Priority, b.CreatedAt, b.Id));
    }

    private static bool RunsOn(TriggerDefinition trigger, string platform) =>
        trigger.Platforms.Count == 0 || trigger.Platforms.Contains(platform);

    private static Regex ToRegex(string pattern) =>
        new("^" + string.Join(".*", pattern.Split('*').Select(Regex.Escape)) + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    // Lazy groups for every star but the last, which is greedy: the capture rule the matcher documents.
    private static string[] RegexCaptures(string pattern, string text)
    {
        var parts = pattern.Split('*').Select(Regex.Escape).ToArray();
        var body = parts[0];
        for (var i = 1; i < parts.Length; i++)
        {
            body += (i < parts.Length - 1 ? "(.*?)" : "(.*)") + parts[i];
        }

        var match = new Regex("^" + body + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant).Match(text);
        return match.Groups.Values.Skip(1).Select(g => g.Value).ToArray();
    }

    private static List<TriggerDefinition> RandomTriggers(Random random, int count)
    {
        var triggers = new List<TriggerDefinition>();
        for (var id = 1; id <= count; id++)
        {
            var platforms = PlatformNames.Where(_ => random.Next(3) == 0).ToArray();
            var adIds = Enumerable.Range(0, random.Next(3)).Select(_ => random.Next(4).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            triggers.Add(new TriggerDefinition(
                random.Next(1, 1000) * 100 + id,
                $"T{id}",
                RandomPattern(random, mustHaveStar: false),
                platforms,
                adIds,
                random.Next(3),
                TestTriggers.Epoch.AddMinutes(random.Next(3))));
        }

        return triggers;
    }

    private static string RandomPattern(Random random, bool mustHaveStar)
    {
        while (true)
        {
            var length = random.Next(1, 7);
            var chars = new char[length];
            for (var i = 0; i < length; i++)
            {
                chars[i] = random.Next(3) == 0 ? '*' : Letters[random.Next(Letters.Length)];
            }

            var pattern = new string(chars);
            if (PatternRules.Validate(pattern) is null && (!mustHaveStar || pattern.Contains('*')))
            {
                return pattern;
            }
        }
    }

    private static string RandomText(Random random, int min, int max)
    {
        var chars = new char[random.Next(min, max)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Letters[random.Next(Letters.Length)];
        }

        return new string(chars);
    }

    private static List<string> AllStrings(string alphabet, int maxLength)
    {
        var all = new List<string> { "" };
        for (var i = 0; i < all.Count; i++)
        {
            if (all[i].Length < maxLength)
            {
                all.AddRange(alphabet.Select(c => all[i] + c));
            }
        }

        return all;
    }

    private static string Describe(TriggerDefinition t) =>
        $"#{t.Id}:'{t.Pattern}'/p{t.Priority}/{t.CreatedAt.Minute}m/[{string.Join(",", t.Platforms)}]/ads[{string.Join(",", t.AdIds)}]";
}
