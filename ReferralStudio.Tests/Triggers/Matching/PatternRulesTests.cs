using ReferralStudio.Triggers.Matching;

namespace ReferralStudio.Tests.Triggers.Matching;

public class PatternRulesTests
{
    [Theory]
    [InlineData("summer_sale")]
    [InlineData("Spring-2026=")]
    [InlineData("collab_*")]
    [InlineData("*_tiktok")]
    [InlineData("collab_*_2026")]
    [InlineData("*_tiktok_*")]
    [InlineData("*")]
    public void Codes_And_Star_Patterns_From_The_Ref_Alphabet_Are_Valid(string pattern)
    {
        Assert.Null(PatternRules.Validate(pattern));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_Pattern_Is_Required(string? pattern)
    {
        Assert.Equal("pattern is required", PatternRules.Validate(pattern));
    }

    [Fact]
    public void Pattern_Of_Exactly_The_Ref_Limit_Is_Valid()
    {
        Assert.Null(PatternRules.Validate(new string('x', 2082) + "*"));
    }

    [Fact]
    public void Pattern_Over_The_Limit_Says_Its_Length_And_The_Limit()
    {
        Assert.Equal("pattern is 2084 characters; the limit is 2083", PatternRules.Validate(new string('x', 2084)));
    }

    [Fact]
    public void Disallowed_Character_Is_Named_With_Its_One_Based_Position()
    {
        Assert.Equal("pattern contains '!' at position 7; allowed: A-Z a-z 0-9 _ - = and *", PatternRules.Validate("summer!_*"));
    }

    [Theory]
    [InlineData("summer sale", "pattern contains U+0020 at position 7")]
    [InlineData("ab😀*", "pattern contains '😀' (U+1F600) at position 3")]
    [InlineData("collab_?", "pattern contains '?' at position 8")]
    public void Invisible_And_Unusual_Characters_Are_Named_Clearly(string pattern, string expected)
    {
        Assert.StartsWith(expected, PatternRules.Validate(pattern));
    }

    [Fact]
    public void Double_Star_Is_Rejected_Because_One_Star_Already_Matches_Any_Run()
    {
        Assert.Equal("'**' at position 7: one * already matches any run of characters", PatternRules.Validate("collab**_2026"));
    }

    [Fact]
    public void First_Problem_From_The_Left_Is_Reported()
    {
        Assert.Equal("'**' at position 2: one * already matches any run of characters", PatternRules.Validate("a**.b"));
    }

    [Theory]
    [InlineData("summer_sale", false, 11)]
    [InlineData("collab_*", true, 7)]
    [InlineData("collab_*_2026", true, 12)]
    [InlineData("*", true, 0)]
    public void Star_Makes_A_Pattern_And_Literals_Are_The_Other_Characters(string pattern, bool isPattern, int literals)
    {
        Assert.Equal(isPattern, PatternRules.IsPattern(pattern));
        Assert.Equal(literals, PatternRules.LiteralCount(pattern));
    }
}
