using ReferralStudio.Platforms;
using ReferralStudio.Triggers.Matching;
using static ReferralStudio.Tests.Triggers.Matching.TestTriggers;

namespace ReferralStudio.Tests.Triggers.Matching;

public class TriggerMatcherTests
{
    private static long? Winner(TriggerMatcher matcher, string? @ref, string platform = "instagram", string? adId = null) =>
        matcher.Match(platform, @ref, adId)?.Trigger.Id;

    [Fact]
    public void Exact_Code_Beats_Any_Pattern()
    {
        var matcher = TriggerMatcher.Build([Trigger(1, "summer_*", priority: 100), Trigger(2, "summer_sale"), Trigger(3, "*", priority: 100)]);

        var match = matcher.Match("instagram", "summer_sale", null);

        Assert.Equal(2, match?.Trigger.Id);
        Assert.Equal(MatchKind.Exact, match?.Kind);
    }

    [Fact]
    public void Pattern_With_More_Literal_Characters_Beats_Fewer_Whatever_The_Priority()
    {
        var matcher = TriggerMatcher.Build([Trigger(1, "*_2026", priority: 50), Trigger(2, "collab_*"), Trigger(3, "collab_*_2026")]);

        Assert.Equal(3, Winner(matcher, "collab_alice_2026"));
        Assert.Equal(2, Winner(matcher, "collab_alice_2025"));
        Assert.Equal(1, Winner(matcher, "spring_2026"));
    }

    [Fact]
    public void Same_Literals_Higher_Priority_Wins()
    {
        var matcher = TriggerMatcher.Build([Trigger(1, "ab_*", priority: 5), Trigger(2, "*_cd", priority: 10)]);

        Assert.Equal(2, Winner(matcher, "ab_cd"));
    }

    [Fact]
    public void Same_Literals_And_Priority_The_Older_Trigger_Wins()
    {
        var older = Trigger(9, "*_cd", createdAt: Epoch);
        var newer = Trigger(1, "ab_*", createdAt: Epoch.AddDays(1));

        Assert.Equal(9, Winner(TriggerMatcher.Build([newer, older]), "ab_cd"));
    }

    [Fact]
    public void Same_Creation_Time_The_Lower_Id_Wins()
    {
        var matcher = TriggerMatcher.Build([Trigger(7, "*_cd", createdAt: Epoch), Trigger(3, "ab_*", createdAt: Epoch)]);

        Assert.Equal(3, Winner(matcher, "ab_cd"));
    }

    [Fact]
    public void Duplicate_Exact_Codes_Resolve_By_Priority_Then_Age()
    {
        var matcher = TriggerMatcher.Build([Trigger(1, "vip"), Trigger(2, "VIP", priority: 1), Trigger(3, "vip", priority: 1)]);

        Assert.Equal(2, Winner(matcher, "vip"));
    }

    [Theory]
    [InlineData("SUMMER_SALE", 1)]
    [InlineData("Collab_Alice", 2)]
    [InlineData("SPRING_TIKTOK", 3)]
    public void Matching_Ignores_Case_Of_Both_Ref_And_Pattern(string @ref, long expected)
    {
        var matcher = TriggerMatcher.Build([Trigger(1, "summer_sale"), Trigger(2, "COLLAB_*"), Trigger(3, "*_TikTok")]);

        Assert.Equal(expected, Winner(matcher, @ref));
    }

    [Theory]
    [InlineData("camp7_spring", 1)]
    [InlineData("spring_aff7", 2)]
    [InlineData("x7_alice_2026", 3)]
    [InlineData("summer_tiktok_alice", 4)]
    [InlineData("unrelated", 5)]
    public void Prefix_Suffix_Infix_And_Catch_All_Patterns_Each_Match_Their_Refs(string @ref, long expected)
    {
        var matcher = TriggerMatcher.Build(
            [Trigger(1, "camp7_*"), Trigger(2, "*_aff7"), Trigger(3, "x7_*_2026"), Trigger(4, "*_tiktok_*"), Trigger(5, "*")]);

        Assert.Equal(expected, Winner(matcher, @ref));
        Assert.Equal(MatchKind.Pattern, matcher.Match("instagram", @ref, null)?.Kind);
    }

    [Fact]
    public void Many_Patterns_Sharing_A_Prefix_Each_Match_By_Their_Own_Suffix()
    {
        var matcher = TriggerMatcher.Build([Trigger(1, "collab_*"), Trigger(2, "collab_*_alice"), Trigger(3, "collab_*_bob"), Trigger(4, "collab_*_carol")]);

        Assert.Equal(3, Winner(matcher, "collab_spring_bob"));
        Assert.Equal(2, Winner(matcher, "collab_spring_alice"));
        Assert.Equal(1, Winner(matcher, "collab_spring_dave"));
    }

    [Fact]
    public void Ref_That_Matches_Nothing_Gives_No_Match()
    {
        var matcher = TriggerMatcher.Build([Trigger(1, "summer_sale"), Trigger(2, "collab_*"), Trigger(3, "*_2026")]);

        Assert.Null(matcher.Match("instagram", "winter_sale", null));
        Assert.Null(matcher.Match("instagram", "summer_sal", null));
    }

    [Fact]
    public void Trigger_Limited_To_Other_Platforms_Is_Skipped_For_The_Next_Best()
    {
        var matcher = TriggerMatcher.Build([Trigger(1, "collab_*", platforms: ["instagram"]), Trigger(2, "*")]);

        Assert.Equal(1, Winner(matcher, "collab_alice", "instagram"));
        Assert.Equal(2, Winner(matcher, "collab_alice", "whatsapp"));
    }

    [Fact]
    public void Exact_Code_For_Another_Platform_Does_Not_Hide_A_Pattern_On_This_One()
    {
        var matcher = TriggerMatcher.Build([Trigger(1, "summer_sale", platforms: ["messenger"]), Trigger(2, "summer_*")]);

        Assert.Equal(1, Winner(matcher, "summer_sale", "messenger"));
        Assert.Equal(2, Winner(matcher, "summer_sale", "whatsapp"));
    }

    [Fact]
    public void Empty_Platform_List_Means_All_Three_Platforms()
    {
        var matcher = TriggerMatcher.Build([Trigger(1, "summer_sale")]);

        Assert.All(PlatformNames.All, platform => Assert.Equal(1, Winner(matcher, "summer_sale", platform)));
    }

    [Fact]
    public void Unknown_Platform_Matches_Nothing()
    {
        var matcher = TriggerMatcher.Build([Trigger(1, "*")]);

        Assert.Null(matcher.Match("telegram", "summer_sale", null));
    }

    [Theory]
    [InlineData("summer sale")]
    [InlineData("summer.sale")]
    [InlineData("sümmer")]
    public void Ref_With_Characters_Outside_The_Ref_Alphabet_Matches_Nothing(string @ref)
    {
        var matcher = TriggerMatcher.Build([Trigger(1, "*")]);

        Assert.Null(matcher.Match("instagram", @ref, null));
    }

    [Fact]
    public void Longest_Allowed_Ref_Matches_And_One_Longer_Does_Not()
    {
        var matcher = TriggerMatcher.Build([Trigger(1, "a*z")]);

        Assert.Equal(1, Winner(matcher, "a" + new string('m', 2081) + "z"));
        Assert.Null(matcher.Match("instagram", "a" + new string('m', 2082) + "z", null));
    }

    [Fact]
    public void Referral_Without_Ref_Matches_The_Trigger_Listing_Its_Ad_By_Priority_Then_Age()
    {
        var matcher = TriggerMatcher.Build(
            [Trigger(1, "ad_one", adIds: ["120210"]), Trigger(2, "ad_two", adIds: ["120210", "999"], priority: 3), Trigger(3, "ad_three", adIds: ["120210"], priority: 3)]);

        var match = matcher.Match("instagram", null, "120210");

        Assert.Equal(2, match?.Trigger.Id);
        Assert.Equal(MatchKind.AdId, match?.Kind);
        Assert.Equal(2, Winner(matcher, "", adId: "999"));
        Assert.Null(matcher.Match("instagram", null, "555"));
        Assert.Null(matcher.Match("instagram", null, null));
    }

    [Fact]
    public void Ad_Id_Match_Respects_Platforms()
    {
        var matcher = TriggerMatcher.Build([Trigger(1, "a", adIds: ["42"], priority: 9, platforms: ["messenger"]), Trigger(2, "b", adIds: ["42"])]);

        Assert.Equal(1, Winner(matcher, null, "messenger", "42"));
        Assert.Equal(2, Winner(matcher, null, "whatsapp", "42"));
    }

    [Fact]
    public void Referral_With_A_Ref_Matches_By_Ref_Only_And_Ignores_Its_Ad_Id()
    {
        var matcher = TriggerMatcher.Build([Trigger(1, "ad_only", adIds: ["42"])]);

        Assert.Null(matcher.Match("instagram", "summer_sale", "42"));
    }

    [Fact]
    public void Empty_Matcher_Matches_Nothing()
    {
        Assert.Null(TriggerMatcher.Empty.Match("instagram", "summer_sale", "42"));
        Assert.Equal(0, TriggerMatcher.Empty.Count);
    }

    [Fact]
    public void Building_With_An_Invalid_Pattern_Fails_Naming_The_Trigger()
    {
        var error = Assert.Throws<ArgumentException>(() => TriggerMatcher.Build([Trigger(4, "collab**")]));

        Assert.Contains("Trigger 4 'T4' has an invalid pattern: '**' at position 7", error.Message);
    }

    [Fact]
    public void Building_With_An_Unknown_Platform_Fails_Naming_The_Trigger()
    {
        var error = Assert.Throws<ArgumentException>(() => TriggerMatcher.Build([Trigger(4, "a", platforms: ["tiktok"])]));

        Assert.Contains("Trigger 4 'T4' lists unknown platform 'tiktok'", error.Message);
    }

    [Fact]
    public void Winning_Pattern_Gives_What_Each_Star_Matched()
    {
        var matcher = TriggerMatcher.Build([Trigger(1, "collab_*_*")]);

        var match = matcher.Match("instagram", "collab_Alice_spring_2026", null);

        Assert.Equal(["Alice", "spring_2026"], match?.Captures("collab_Alice_spring_2026"));
    }

    [Fact]
    public void Exact_And_Ad_Id_Matches_Have_No_Captures()
    {
        var matcher = TriggerMatcher.Build([Trigger(1, "vip", adIds: ["42"])]);

        Assert.Empty(matcher.Match("instagram", "vip", null)!.Value.Captures("vip"));
        Assert.Empty(matcher.Match("instagram", null, "42")!.Value.Captures(null));
    }

    [Fact]
    public void Matching_Allocates_Nothing_On_The_Hot_Path()
    {
        var matcher = TriggerMatcher.Build(
            [Trigger(1, "summer_sale", adIds: ["42"]), Trigger(2, "collab_*_2026"), Trigger(3, "*_tiktok"), Trigger(4, "*_x_*"), Trigger(5, "*", platforms: ["whatsapp"])]);
        string?[] refs = ["summer_sale", "COLLAB_alice_2026", "spring_tiktok", "a_x_b", "nothing", "bad ref", null];
        foreach (var r in refs)
        {
            matcher.Match("instagram", r, "42");
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            matcher.Match("instagram", refs[i % refs.Length], "42");
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
