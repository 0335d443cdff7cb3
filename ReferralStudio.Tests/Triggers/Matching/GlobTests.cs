using ReferralStudio.Triggers.Matching;

namespace ReferralStudio.Tests.Triggers.Matching;

public class GlobTests
{
    [Theory]
    [InlineData("collab_*", "collab_alice", true)]
    [InlineData("collab_*", "collab_", true)]
    [InlineData("collab_*", "collab", false)]
    [InlineData("*_tiktok", "summer_tiktok", true)]
    [InlineData("*_tiktok", "summer_tiktok_2", false)]
    [InlineData("collab_*_2026", "collab_alice_2026", true)]
    [InlineData("collab_*_2026", "collab_2026", false)]
    [InlineData("*_tiktok_*", "a_tiktok_b", true)]
    [InlineData("*", "anything", true)]
    [InlineData("ab*ba", "aba", false)]
    [InlineData("a*b*c", "acbc", true)]
    [InlineData("summer_sale", "summer_sale", true)]
    [InlineData("summer_sale", "summer_sale2", false)]
    public void Star_Matches_Any_Run_Of_Characters_Including_None(string pattern, string text, bool expected)
    {
        Assert.Equal(expected, Glob.IsMatch(pattern, text));
    }

    [Fact]
    public void Matching_Ignores_Ascii_Case()
    {
        Assert.True(Glob.IsMatch("Collab_*_2026", "COLLAB_alice_2026"));
    }

    [Theory]
    [InlineData("collab_*_2026", "collab_alice_2026", new[] { "alice" })]
    [InlineData("*_tiktok", "summer_tiktok", new[] { "summer" })]
    [InlineData("*_x_*", "a_x_b_x_c", new[] { "a", "b_x_c" })]
    [InlineData("a*b*c", "abbbc", new[] { "", "bb" })]
    [InlineData("*", "all", new[] { "all" })]
    [InlineData("collab_*", "collab_", new[] { "" })]
    public void First_Stars_Take_The_Shortest_Run_And_The_Last_Star_Takes_The_Rest(string pattern, string text, string[] expected)
    {
        Assert.Equal(expected, Glob.Captures(pattern, text));
    }

    [Fact]
    public void Captures_Keep_The_Case_Of_The_Ref()
    {
        Assert.Equal(["Alice"], Glob.Captures("collab_*", "COLLAB_Alice"));
    }

    [Fact]
    public void Captures_Are_Null_When_The_Ref_Does_Not_Match_And_Empty_For_An_Exact_Code()
    {
        Assert.Null(Glob.Captures("collab_*", "summer"));
        Assert.Empty(Glob.Captures("summer", "SUMMER")!);
    }
}
