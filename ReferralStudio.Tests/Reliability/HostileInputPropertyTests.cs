using System.Text;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using ReferralStudio.Triggers.Matching;
using ReferralStudio.Webhooks;
using ReferralStudio.Webhooks.Parsing;
using static ReferralStudio.Tests.Reliability.HostileInputGenerators;

namespace ReferralStudio.Tests.Reliability;

/// <summary>
/// Properties over generated input for the pure parsers the webhook and trigger editor rely on: nothing
/// throws, and each accepts exactly what its documented rule accepts (checked against a naive regex).
/// </summary>
public sealed class HostileInputPropertyTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(300).WithQuietOnSuccess(true);
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("property-secret");

    [Fact]
    public void Payload_Parser_Never_Throws_On_Meta_Shaped_Json_And_Keeps_Every_Rejection_Explained()
    {
        Prop.ForAll(HostileJson.ToArbitrary(), json =>
        {
            var result = MetaPayloadParser.Parse(Utf8(json));
            return result.Events.All(e => e.DedupKey.Length > 0 && e.AccountId is not null && e.ParticipantId is not null)
                && result.Rejected.All(r => r.Reason.Length > 0)
                && result.Events.All(e => e.Referral is not { Ref: { } r } referral || (referral.RefRejection is null) == (RefValidator.Validate(r) is null));
        }).Check(Runs);
    }

    [Fact]
    public void Payload_Parser_Never_Throws_On_Arbitrary_Bytes_Or_Invalid_Utf8_Inside_Json()
    {
        // One byte of a JSON body replaced by a byte that cannot appear alone in UTF-8: inside a string this is
        // still "valid JSON" to System.Text.Json until the string is decoded.
        var corrupted = Gen.Zip(HostileJson.Select(Utf8), Gen.Zip(Gen.Choose(0, 100_000), Gen.Choose(0x80, 0xFF)))
            .Select(t =>
            {
                var (body, (at, value)) = t;
                body[at % body.Length] = (byte)value;
                return body;
            });
        Prop.ForAll(Gen.OneOf(ArbMap.Default.GeneratorFor<byte[]>(), corrupted).ToArbitrary(), bytes =>
        {
            MetaPayloadParser.Parse(bytes);
            MetaPayloadParser.Parse(bytes, maxDepth: 1);
            return true;
        }).Check(Runs);
    }

    [Fact]
    public void Signature_Check_Never_Throws_And_Accepts_Only_The_Right_Signature()
    {
        var bodies = Gen.OneOf(HostileJson.Select(Utf8), ArbMap.Default.GeneratorFor<byte[]>());
        var cases = bodies.SelectMany(body => SignatureHeader(MetaSignature.Sign(body, Secret)).Select(header => (body, header)));
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var correct = MetaSignature.Sign(c.body, Secret);
            var verdict = MetaSignature.Verify(c.body, c.header, Secret);
            // Hex digits and the prefix are case-insensitive, surrounding whitespace is not part of the value.
            var isRight = c.header is not null && c.header.Trim().Equals(correct, StringComparison.OrdinalIgnoreCase);
            return (verdict == SignatureCheck.Valid) == isRight
                && (c.header is not null || verdict == SignatureCheck.Missing);
        }).Check(Runs);
    }

    [Fact]
    public void Signature_Made_With_Another_Secret_Never_Verifies()
    {
        var cases = Gen.Zip(ArbMap.Default.GeneratorFor<byte[]>(), NastyString.Where(s => s != "property-secret"));
        Prop.ForAll(cases.ToArbitrary(), c =>
            MetaSignature.Verify(c.Item1, MetaSignature.Sign(c.Item1, Utf8(c.Item2)), Secret) == SignatureCheck.Mismatch).Check(Runs);
    }

    [Fact]
    public void Signature_Check_Follows_A_Change_Of_Secret_On_The_Same_Thread()
    {
        // The verifier keeps a keyed HMAC per thread: a rotated secret must re-key it, never reuse the old key.
        var cases = Gen.Zip(ArbMap.Default.GeneratorFor<byte[]>(), NastyString.Where(s => s.Length > 0 && s != "property-secret"));
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var other = Utf8(c.Item2);
            return MetaSignature.Verify(c.Item1, MetaSignature.Sign(c.Item1, other), other) == SignatureCheck.Valid
                && MetaSignature.Verify(c.Item1, MetaSignature.Sign(c.Item1, Secret), Secret) == SignatureCheck.Valid
                && MetaSignature.Verify(c.Item1, MetaSignature.Sign(c.Item1, Secret), other) == SignatureCheck.Mismatch;
        }).Check(Runs);
    }

    [Fact]
    public void Ref_Validator_Accepts_Exactly_The_Documented_Alphabet_And_Length()
    {
        var rule = new Regex("^[A-Za-z0-9_=-]{1,2083}\\z", RegexOptions.CultureInvariant);
        Prop.ForAll(RefCandidate.ToArbitrary(), value =>
        {
            var reason = RefValidator.Validate(value);
            return (reason is null) == rule.IsMatch(value);
        }).Check(Runs);
    }

    [Fact]
    public void Pattern_Rules_Never_Throw_And_Accept_Exactly_Alphabet_Plus_Single_Stars()
    {
        var rule = new Regex("^(?!.*\\*\\*)[A-Za-z0-9_=*-]{1,2083}\\z", RegexOptions.CultureInvariant | RegexOptions.Singleline);
        var candidates = Gen.OneOf(RefCandidate, SmallPattern, RefCandidate.Select(r => r.Replace('a', '*')));
        Prop.ForAll(candidates.ToArbitrary(), value => (PatternRules.Validate(value) is null) == rule.IsMatch(value)).Check(Runs);
        Assert.NotNull(PatternRules.Validate(null));
    }

    [Fact]
    public void Matcher_Picks_The_Same_Trigger_As_A_Naive_Regex_Reference()
    {
        var triggers = Gen.ListOf(Gen.Zip(SmallPattern, Gen.Choose(0, 2)), 6).Select(list => list
            .Select((t, i) => new TriggerDefinition(i + 1, $"t{i + 1}", t.Item1, [], [], t.Item2, DateTimeOffset.UnixEpoch.AddMinutes(i % 3)))
            .ToList());
        var cases = Gen.Zip(triggers, Gen.ListOf(SmallRef, 8));
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var (definitions, refs) = c;
            var matcher = TriggerMatcher.Build(definitions);
            foreach (var @ref in refs)
            {
                var expected = definitions
                    .Where(t => Naive(t.Pattern).IsMatch(@ref))
                    .OrderBy(t => t.Pattern.Contains('*') ? 1 : 0)
                    .ThenByDescending(t => t.Pattern.Count(ch => ch != '*'))
                    .ThenByDescending(t => t.Priority)
                    .ThenBy(t => t.CreatedAt)
                    .ThenBy(t => t.Id)
                    .FirstOrDefault();
                var actual = matcher.Match("instagram", @ref, null);
                if (actual?.Trigger.Id != expected?.Id)
                {
                    return false;
                }
            }

            return true;
        }).Check(Runs);
    }

    [Fact]
    public void Glob_Captures_Round_Trip_Into_The_Ref()
    {
        // Fill each * of a pattern with random text: the captures exist and put back into the pattern give the ref.
        var cases = SmallPattern.SelectMany(p => Gen.ListOf(SmallRef.Or(Gen.Constant("")), p.Count(ch => ch == '*')).Select(fills => (p, fills)));
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var parts = c.p.Split('*');
            var text = parts[0] + string.Concat(c.fills.Select((f, i) => f + parts[i + 1]));
            var captures = Glob.Captures(c.p, text);
            if (captures is null || captures.Count != c.fills.Count || !Glob.IsMatch(c.p, text))
            {
                return false;
            }

            var rebuilt = parts[0] + string.Concat(captures.Select((f, i) => f + parts[i + 1]));
            return rebuilt.Equals(text, StringComparison.OrdinalIgnoreCase) && string.Concat(captures).Length == text.Length - (c.p.Length - captures.Count);
        }).Check(Runs);
    }

    [Fact]
    public void Glob_Matches_Exactly_When_The_Naive_Regex_Does()
    {
        Prop.ForAll(Gen.Zip(SmallPattern, SmallRef).ToArbitrary(), c =>
            (Glob.Captures(c.Item1, c.Item2) is not null) == Naive(c.Item1).IsMatch(c.Item2)
            && Glob.IsMatch(c.Item1, c.Item2) == Naive(c.Item1).IsMatch(c.Item2)).Check(Runs);
    }

    private static Regex Naive(string pattern) =>
        new("^" + string.Join(".*", pattern.Split('*').Select(Regex.Escape)) + "\\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);
}
