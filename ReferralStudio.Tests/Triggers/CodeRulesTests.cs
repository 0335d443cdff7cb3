using ReferralStudio.Triggers;
using ReferralStudio.Triggers.Matching;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Tests.Triggers;

/// <summary>The plain words for refused codes and refs, and that they refuse exactly what the pipeline refuses.</summary>
public sealed class CodeRulesTests
{
    [Theory]
    [InlineData("summer sale", "Spaces aren't allowed in codes. Use letters A–Z, digits and _ - =, and * as a wildcard. Try summer_sale.")]
    [InlineData("été", "Accented letters such as “é” aren't allowed in codes. Use letters A–Z, digits and _ - =, and * as a wildcard. Try ete.")]
    [InlineData("summer!", "“!” isn't allowed in codes. Use letters A–Z, digits and _ - =, and * as a wildcard. Try summer.")]
    [InlineData("collab**", "Use a single *: one * already matches any run of characters. Try collab*.")]
    [InlineData("ab😀*", "Emoji and pictographs aren't allowed in codes. Use letters A–Z, digits and _ - =, and * as a wildcard. Try ab*.")]
    [InlineData("код", "Only the Latin letters A–Z are allowed in codes, not “к”. Use letters A–Z, digits and _ - =, and * as a wildcard.")]
    [InlineData("sum\u200Bmer", "Invisible characters aren't allowed in codes (there is one after “sum”). Use letters A–Z, digits and _ - =, and * as a wildcard. Try summer.")]
    [InlineData("", "Enter a code such as summer_sale, or a pattern such as collab_*.")]
    public void Pattern_Reasons_Are_Plain_Words(string pattern, string reason)
    {
        Assert.Equal(reason, CodeRules.Pattern(pattern));
    }

    [Theory]
    [InlineData("<script>", "“<” isn't allowed in refs. Use letters A–Z, digits and _ - =. Try script.")]
    [InlineData("été", "Accented letters such as “é” aren't allowed in refs. Use letters A–Z, digits and _ - =. Try ete.")]
    [InlineData("collab_*", "A ref is one exact code: * is only for trigger patterns. Try collab_.")]
    [InlineData("", "Enter the ref the link carries, such as summer_sale.")]
    public void Ref_Reasons_Are_Plain_Words(string value, string reason)
    {
        Assert.Equal(reason, CodeRules.Ref(value));
    }

    [Fact]
    public void A_Ref_Longer_Than_Meta_Allows_Says_Both_Lengths()
    {
        Assert.Equal("Refs can be at most 2,083 characters long; this one has 2,100.", CodeRules.Ref(new string('a', 2100)));
    }

    [Fact]
    public void No_Reason_Names_A_Code_Point_Or_A_Position()
    {
        foreach (var value in new[] { "summer sale", "a\tb", "ab😀", "x\u0301", "a\u0000b", "<script>", "été" })
        {
            var reason = CodeRules.Ref(value)!;
            Assert.DoesNotContain("U+", reason);
            Assert.DoesNotContain("position", reason);
        }
    }

    [Fact]
    public void Accepts_Exactly_What_The_Webhook_Pipeline_And_The_Matcher_Accept()
    {
        var random = new Random(20261206);
        const string symbols = "aZ09_-=* é.<>😀\t";
        for (var i = 0; i < 5000; i++)
        {
            var value = new string(Enumerable.Range(0, random.Next(0, 8)).Select(_ => symbols[random.Next(symbols.Length)]).ToArray());
            Assert.Equal(RefValidator.Validate(value) is null, CodeRules.Ref(value) is null);
            Assert.Equal(PatternRules.Validate(value) is null, CodeRules.Pattern(value) is null);
        }
    }
}
