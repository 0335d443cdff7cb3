using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ReferralStudio.Platforms;
using ReferralStudio.Triggers.Matching;

// Matcher vs one compiled regex per trigger, over the same seeded stream of referrals.
const int Seed = 20260101;
const int StreamLength = 1_000_000;
const int BaselineLength = 2_000;
const int Runs = 5;

var random = new Random(Seed);
var triggers = Workload.Triggers(random);
var stream = Workload.Referrals(random, triggers, StreamLength);
Console.WriteLine($"triggers: {triggers.Count:N0} ({triggers.Count(t => !t.Pattern.Contains('*')):N0} exact codes, {triggers.Count(t => t.Pattern.Contains('*')):N0} patterns)");
Console.WriteLine($"stream: {stream.Length:N0} referrals ({stream.Count(r => r.Kind == "exact"):N0} exact hits, {stream.Count(r => r.Kind == "pattern"):N0} pattern hits, {stream.Count(r => r.Kind == "miss"):N0} misses)");

var clock = Stopwatch.StartNew();
var matcher = TriggerMatcher.Build(triggers);
Console.WriteLine($"TriggerMatcher.Build: {clock.Elapsed.TotalMilliseconds:F0} ms");

clock.Restart();
var baseline = new RegexBaseline(triggers);
Console.WriteLine($"regex baseline build (10,000 compiled regexes): {clock.Elapsed.TotalSeconds:F1} s");

// Both must agree on every referral the baseline is timed on, or the comparison means nothing.
var disagreements = 0;
for (var i = 0; i < BaselineLength; i++)
{
    var r = stream[i];
    disagreements += matcher.Match(r.Platform, r.Ref, null)?.Trigger.Id == baseline.Match(r.Platform, r.Ref)?.Id ? 0 : 1;
}

Console.WriteLine($"disagreements with the baseline on its {BaselineLength:N0} referrals: {disagreements}");
var hits = stream.Count(r => matcher.Match(r.Platform, r.Ref, null) is not null);
Console.WriteLine($"referrals with a winner: {hits:N0} of {stream.Length:N0}");

// Warm-up: lets tiered JIT and dynamic PGO settle before anything is timed.
for (var pass = 0; pass < 3; pass++)
{
    MatcherPass(matcher, stream);
}

BaselinePass(baseline, stream, 200);

var matcherRates = new double[Runs];
long allocated = 0;
for (var run = 0; run < Runs; run++)
{
    var before = GC.GetAllocatedBytesForCurrentThread();
    clock.Restart();
    MatcherPass(matcher, stream);
    var seconds = clock.Elapsed.TotalSeconds;
    allocated += GC.GetAllocatedBytesForCurrentThread() - before;
    matcherRates[run] = stream.Length / seconds;
}

var baselineRates = new double[Runs];
for (var run = 0; run < Runs; run++)
{
    clock.Restart();
    BaselinePass(baseline, stream, BaselineLength);
    baselineRates[run] = BaselineLength / clock.Elapsed.TotalSeconds;
}

var matcherMedian = Median(matcherRates);
var baselineMedian = Median(baselineRates);
Console.WriteLine();
Console.WriteLine($"matcher:  {matcherMedian,14:N0} matches/s  (median of {Runs} runs of {StreamLength:N0}; runs: {string.Join(", ", matcherRates.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)))})");
Console.WriteLine($"baseline: {baselineMedian,14:N0} matches/s  (median of {Runs} runs of {BaselineLength:N0}; runs: {string.Join(", ", baselineRates.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)))})");
Console.WriteLine($"ratio:    {matcherMedian / baselineMedian,14:N0}x");
Console.WriteLine($"allocated: {allocated:N0} bytes over {Runs * (long)StreamLength:N0} matches = {(double)allocated / (Runs * (long)StreamLength):F4} bytes/match");

Console.WriteLine();
Console.WriteLine($"matcher by kind of referral (median of {Runs} passes each):");
foreach (var kind in new[] { "exact", "pattern", "miss" })
{
    var subset = stream.Where(r => r.Kind == kind).ToArray();
    var rates = new double[Runs];
    for (var run = 0; run < Runs; run++)
    {
        clock.Restart();
        MatcherPass(matcher, subset);
        rates[run] = subset.Length / clock.Elapsed.TotalSeconds;
    }

    Console.WriteLine($"  {kind,-8} {Median(rates),14:N0} matches/s over {subset.Length:N0}");
}

static long MatcherPass(TriggerMatcher matcher, Referral[] stream)
{
    long checksum = 0;
    foreach (var r in stream)
    {
        checksum += matcher.Match(r.Platform, r.Ref, null)?.Trigger.Id ?? 0;
    }

    return checksum;
}

static long BaselinePass(RegexBaseline baseline, Referral[] stream, int count)
{
    long checksum = 0;
    for (var i = 0; i < count; i++)
    {
        checksum += baseline.Match(stream[i].Platform, stream[i].Ref)?.Id ?? 0;
    }

    return checksum;
}

static double Median(double[] values)
{
    var sorted = values.Order().ToArray();
    return sorted[sorted.Length / 2];
}

internal sealed record Referral(string Platform, string Ref, string Kind);

/// <summary>
/// The naive design the matcher replaces: triggers in precedence order, one compiled, anchored, case-insensitive
/// regex each, first match wins. The platform check runs before the regex, which favours the baseline.
/// </summary>
internal sealed class RegexBaseline
{
    private readonly (TriggerDefinition Trigger, string[] Platforms, Regex Regex)[] _ordered;

    public RegexBaseline(IEnumerable<TriggerDefinition> triggers)
    {
        _ordered = triggers
            .OrderBy(t => t.Pattern.Contains('*'))
            .ThenByDescending(t => t.Pattern.Count(c => c != '*'))
            .ThenByDescending(t => t.Priority)
            .ThenBy(t => t.CreatedAt)
            .ThenBy(t => t.Id)
            .Select(t => (t, t.Platforms.Count == 0 ? PlatformNames.All.ToArray() : t.Platforms.ToArray(), new Regex(
                "^" + string.Join(".*", t.Pattern.Split('*').Select(Regex.Escape)) + "$",
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled)))
            .ToArray();
    }

    public TriggerDefinition? Match(string platform, string @ref)
    {
        foreach (var (trigger, platforms, regex) in _ordered)
        {
            if (Array.IndexOf(platforms, platform) >= 0 && regex.IsMatch(@ref))
            {
                return trigger;
            }
        }

        return null;
    }
}

/// <summary>A seeded, realistic mix: 7,000 exact codes and 3,000 patterns of the shapes marketers use.</summary>
internal static class Workload
{
    private static readonly string[] Words =
        ["summer", "winter", "spring", "sale", "promo", "story", "reel", "bio", "qr", "store", "berlin", "paris", "alice", "bob", "launch", "vip", "drop", "flash", "newsletter", "email"];

    private static readonly string[] Platforms = ["instagram", "instagram", "instagram", "instagram", "instagram", "messenger", "messenger", "messenger", "whatsapp", "whatsapp"];

    public static List<TriggerDefinition> Triggers(Random random)
    {
        var patterns = new List<string>();
        for (var i = 0; i < 7_000; i++)
        {
            patterns.Add((i % 4) switch
            {
                0 => $"{Word(random)}_{Word(random)}_{i}",
                1 => $"ig_story_{i}",
                2 => $"qr-store-{Word(random)}-{i}",
                _ => $"Cmp{i}={Word(random)}",
            });
        }

        for (var i = 0; i < 1_400; i++)
        {
            patterns.Add($"camp{i}_*");
        }

        for (var i = 0; i < 900; i++)
        {
            patterns.Add($"*_aff{i}");
        }

        for (var i = 0; i < 600; i++)
        {
            patterns.Add($"x{i}_*_2026");
        }

        for (var i = 0; i < 92; i++)
        {
            patterns.Add($"{Word(random)}{i}_*_*");
        }

        patterns.AddRange(["*_tiktok_*", "*_reels_*", "*-story-*", "*_yt_*", "*_ugc_*", "*=ref=*", "*_collab_*", "*"]);

        var epoch = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var triggers = new List<TriggerDefinition>(patterns.Count);
        for (var i = 0; i < patterns.Count; i++)
        {
            // The catch-all is limited to WhatsApp, so the other platforms still see misses.
            string[] platforms = patterns[i] == "*" ? ["whatsapp"]
                : random.Next(10) < 7 ? []
                : [Platforms[random.Next(Platforms.Length)]];
            triggers.Add(new TriggerDefinition(i + 1, $"trigger {i + 1}", patterns[i], platforms, [], random.Next(11), epoch.AddMinutes(random.Next(525_600))));
        }

        return triggers;
    }

    public static Referral[] Referrals(Random random, List<TriggerDefinition> triggers, int count)
    {
        var exact = triggers.Where(t => !t.Pattern.Contains('*')).ToArray();
        var patterns = triggers.Where(t => t.Pattern.Contains('*') && t.Pattern != "*").ToArray();
        var stream = new Referral[count];
        for (var i = 0; i < count; i++)
        {
            var platform = Platforms[random.Next(Platforms.Length)];
            var roll = random.Next(10);
            stream[i] = roll switch
            {
                < 4 => new Referral(platform, Recase(random, exact[random.Next(exact.Length)].Pattern), "exact"),
                < 8 => new Referral(platform, Recase(random, Fill(random, patterns[random.Next(patterns.Length)].Pattern)), "pattern"),
                _ => new Referral(platform, $"organic{random.Next(1_000_000)}{Word(random)}", "miss"),
            };
        }

        return stream;
    }

    private static string Word(Random random) => Words[random.Next(Words.Length)];

    private static string Fill(Random random, string pattern) =>
        string.Join("", pattern.Split('*').Select((part, index) => index == 0 ? part : $"{Word(random)}{random.Next(100)}{part}"));

    // A quarter of real refs arrive in another case than the trigger was typed in.
    private static string Recase(Random random, string value) =>
        random.Next(4) == 0 ? value.ToUpperInvariant() : value;
}
