using ReferralStudio.Triggers.Matching;
using static ReferralStudio.Tests.Triggers.Matching.TestTriggers;

namespace ReferralStudio.Tests.Triggers.Matching;

public class MatchExplanationTests
{
    private static readonly TriggerMatcher Matcher = TriggerMatcher.Build(
    [
        Trigger(1, "summer_sale"),
        Trigger(2, "summer_*"),
        Trigger(3, "*_sale", priority: 10),
        Trigger(4, "s*_sale", priority: 5),
        Trigger(5, "*e", priority: 5, createdAt: Epoch.AddDays(2)),
        Trigger(6, "*l*", priority: 5, createdAt: Epoch.AddDays(1)),
        Trigger(7, "*", platforms: ["whatsapp"]),
    ]);

    [Fact]
    public void Every_Matching_Trigger_Is_Listed_Best_First_With_Why_It_Lost()
    {
        var explanation = Matcher.Explain("instagram", "summer_sale", null);

        Assert.Equal(1, explanation.Winner?.Trigger.Id);
        Assert.Equal([1L, 2, 4, 3, 6, 5], explanation.Candidates.Select(c => c.Trigger.Id));
        Assert.Equal(
            [
                "exact code",
                "'T1' (#1) wins: exact code beats patterns",
                "'T1' (#1) wins: exact code beats patterns",
                "'T1' (#1) wins: exact code beats patterns",
                "'T1' (#1) wins: exact code beats patterns",
                "'T1' (#1) wins: exact code beats patterns",
            ],
            explanation.Candidates.Select(c => c.Reason));
        Assert.True(explanation.Candidates[0].Wins);
        Assert.DoesNotContain(explanation.Candidates.Skip(1), c => c.Wins);
    }

    [Fact]
    public void Losing_Patterns_Say_Which_Rule_Decided()
    {
        var explanation = Matcher.Explain("instagram", "summer_x_sale", null);

        Assert.Equal(
            [
                (2L, "pattern with 7 literal characters"),
                (4L, "'T2' (#2) wins: pattern with 7 literal characters beats 6"),
                (3L, "'T2' (#2) wins: pattern with 7 literal characters beats 5"),
                (6L, "'T2' (#2) wins: pattern with 7 literal characters beats 1"),
                (5L, "'T2' (#2) wins: pattern with 7 literal characters beats 1"),
            ],
            explanation.Candidates.Select(c => (c.Trigger.Id, c.Reason)));
    }

    [Fact]
    public void Ties_On_Literals_Are_Explained_By_Priority_Then_Age()
    {
        var matcher = TriggerMatcher.Build([Trigger(1, "ab*"), Trigger(2, "*cd", priority: 10), Trigger(3, "a*d", priority: 10), Trigger(4, "*b*", priority: 10, createdAt: Epoch.AddDays(-1))]);

        var explanation = matcher.Explain("instagram", "abcd", null);

        Assert.Equal(
            [
                (2L, "pattern with 2 literal characters"),
                (3L, "'T2' (#2) wins: same literals and priority; created earlier"),
                (1L, "'T2' (#2) wins: same literals; priority 10 beats 0"),
                (4L, "'T2' (#2) wins: pattern with 2 literal characters beats 1"),
            ],
            explanation.Candidates.Select(c => (c.Trigger.Id, c.Reason)));
    }

    [Fact]
    public void Triggers_For_Other_Platforms_Are_Listed_As_Excluded_With_The_Reason()
    {
        var explanation = Matcher.Explain("instagram", "zzz", null);

        Assert.Null(explanation.Winner);
        Assert.Empty(explanation.Candidates);
        var excluded = Assert.Single(explanation.Excluded);
        Assert.Equal(7, excluded.Trigger.Id);
        Assert.Equal("runs on whatsapp only, not instagram", excluded.Reason);
        Assert.Equal("only triggers for other platforms match", explanation.Note);
    }

    [Fact]
    public void Without_A_Platform_Every_Matching_Trigger_Competes()
    {
        var explanation = Matcher.Explain(null, "zzz", null);

        Assert.Equal(7, explanation.Winner?.Trigger.Id);
        Assert.Empty(explanation.Excluded);
    }

    [Fact]
    public void Invalid_Ref_Is_Explained_With_The_Validators_Reason()
    {
        var explanation = Matcher.Explain("instagram", "summer sale", null);

        Assert.Null(explanation.Winner);
        Assert.Equal("ref contains U+0020 at position 7; allowed: A-Z a-z 0-9 _ - =; such a ref matches no trigger", explanation.Note);
    }

    [Fact]
    public void Unknown_Platform_Is_Named_And_Excludes_Every_Trigger()
    {
        var explanation = Matcher.Explain("tiktok", "summer_sale", null);

        Assert.Null(explanation.Winner);
        Assert.Equal("unknown platform 'tiktok'; expected instagram, messenger or whatsapp", explanation.Note);
        Assert.All(explanation.Excluded, e => Assert.Equal("unknown platform 'tiktok'", e.Reason));
    }

    [Fact]
    public void Candidates_Show_What_Each_Star_Matched()
    {
        var explanation = Matcher.Explain("instagram", "Summer_Sale", null);

        Assert.Equal(["Sale"], explanation.Candidates.Single(c => c.Trigger.Id == 2).Captures);
        Assert.Empty(explanation.Candidates.Single(c => c.Trigger.Id == 1).Captures);
    }

    [Fact]
    public void Ad_Id_Matches_Are_Explained_By_Priority()
    {
        var matcher = TriggerMatcher.Build([Trigger(1, "a", adIds: ["42"]), Trigger(2, "b", adIds: ["42"], priority: 2)]);

        var explanation = matcher.Explain("messenger", null, "42");

        Assert.Equal(
            [(2L, "lists ad id 42"), (1L, "'T2' (#2) wins: priority 2 beats 0")],
            explanation.Candidates.Select(c => (c.Trigger.Id, c.Reason)));
        Assert.Equal(MatchKind.AdId, explanation.Winner?.Kind);
    }

    [Fact]
    public void No_Ref_And_No_Ad_Id_Says_Nothing_Can_Match()
    {
        Assert.Equal("no ref and no ad id, so nothing can match", Matcher.Explain("instagram", null, null).Note);
    }
}
