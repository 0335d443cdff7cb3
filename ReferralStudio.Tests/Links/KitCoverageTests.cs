using ReferralStudio.Links;
using ReferralStudio.Triggers.Matching;

namespace ReferralStudio.Tests.Links;

/// <summary>From a saved pattern to a kit: which prefix a pattern gives, and whether a trigger already covers a kit.</summary>
public class KitCoverageTests
{
    private static TriggerDefinition Trigger(long id, string pattern, params string[] platforms) =>
        new(id, $"T{id}", pattern, platforms, [], 0, DateTimeOffset.Parse("2026-01-01Z"));

    [Theory]
    [InlineData("collab_*", "collab_")]
    [InlineData("ambassador-*", "ambassador-")]
    [InlineData("*", null)]
    [InlineData("*_2026", null)]
    [InlineData("collab_*_2026", null)]
    [InlineData("collab_", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void A_Pattern_Ending_In_One_Star_Gives_The_Kit_Prefix(string? pattern, string? prefix)
    {
        Assert.Equal(prefix, AffiliateKit.PrefixFromPattern(pattern));
    }

    [Fact]
    public void A_Pattern_Covering_Every_Code_Of_The_Prefix_Is_Found()
    {
        var triggers = new[] { Trigger(1, "summer_sale"), Trigger(2, "col*"), Trigger(3, "COLLAB_*"), Trigger(4, "collab_*_x") };

        Assert.Equal(3, AffiliateKit.CoveringTrigger("collab_", "instagram", triggers)?.Id);
        Assert.Equal(2, AffiliateKit.CoveringTrigger("colour_", "instagram", triggers)?.Id);
        Assert.Null(AffiliateKit.CoveringTrigger("partner_", "instagram", triggers));
        Assert.Null(AffiliateKit.CoveringTrigger("", "instagram", triggers));
    }

    [Fact]
    public void A_Pattern_For_Other_Platforms_Does_Not_Cover_The_Kit()
    {
        var triggers = new[] { Trigger(1, "collab_*", "whatsapp") };

        Assert.Null(AffiliateKit.CoveringTrigger("collab_", "instagram", triggers));
        Assert.Equal(1, AffiliateKit.CoveringTrigger("collab_", "whatsapp", triggers)?.Id);
    }

    [Fact]
    public void A_Narrower_Pattern_Does_Not_Cover_The_Kit()
    {
        var triggers = new[] { Trigger(1, "collab_a*") };

        Assert.Null(AffiliateKit.CoveringTrigger("collab_", "instagram", triggers));
    }
}
