using ReferralStudio.Links;

namespace ReferralStudio.Tests.Links;

public class CodeAdviceTests
{
    [Theory]
    [InlineData("summer_sale", null)]
    [InlineData("", "Enter a code.")]
    [InlineData("summer sale", "Spaces aren't allowed in codes; use _ or - between words.")]
    [InlineData("été", "Accented letters aren't allowed in codes; write e for é.")]
    [InlineData("sale!", "'!' isn't allowed in codes; use letters A-Z, digits and _ - =.")]
    [InlineData("a\u200Bb", "Codes can only have letters A-Z, digits and _ - =; this one has an invisible character, U+200B.")]
    [InlineData("party\U0001F389", "'\U0001F389' isn't allowed in codes; use letters A-Z, digits and _ - =.")]
    [InlineData("collab_*", LinkBuilder.PatternHasNoLink)]
    public void Problems_Are_Worded_For_People(string code, string? problem)
    {
        Assert.Equal(problem, CodeAdvice.Problem(code));
    }

    [Fact]
    public void A_Code_Too_Long_Says_Both_Lengths()
    {
        Assert.Equal("Codes can be up to 2,083 characters; this one has 2,084.", CodeAdvice.Problem(new string('a', 2084)));
    }

    [Theory]
    [InlineData("Spring Launch! été 2026", "Spring_Launch_ete_2026")]
    [InlineData("summer_sale", null)]
    [InlineData("!!!", null)]
    [InlineData("collab_*", null)]
    public void The_Suggestion_Is_The_Folded_Code_When_It_Differs(string code, string? suggestion)
    {
        Assert.Equal(suggestion, CodeAdvice.Suggestion(code));
    }
}
