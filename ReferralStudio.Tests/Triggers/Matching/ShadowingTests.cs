using ReferralStudio.Triggers.Matching;
using static ReferralStudio.Tests.Triggers.Matching.TestTriggers;

namespace ReferralStudio.Tests.Triggers.Matching;

public class ShadowingTests
{
    [Fact]
    public void Same_Pattern_Ignoring_Case_On_A_Shared_Platform_Is_A_Duplicate()
    {
        var report = Shadowing.Check(Trigger(9, "Collab_*"), [Trigger(2, "collab_*", platforms: ["instagram"])]);

        var finding = Assert.Single(report.Findings);
        Assert.Equal(ShadowKind.Duplicate, finding.Kind);
        Assert.Equal((2L, "T2"), (finding.OtherId, finding.OtherName));
        Assert.Equal("“T2” already uses this pattern on instagram.", finding.Message);
        Assert.Equal(2, finding.WinnerId);
    }

    [Fact]
    public void Same_Pattern_On_Different_Platforms_Is_Not_A_Conflict()
    {
        var report = Shadowing.Check(Trigger(9, "summer", platforms: ["whatsapp"]), [Trigger(2, "summer", platforms: ["instagram", "messenger"])]);

        Assert.True(report.IsClean);
    }

    [Fact]
    public void Pattern_Covered_By_An_Equally_Specific_Higher_Priority_Pattern_Is_Shadowed()
    {
        var report = Shadowing.Check(Trigger(9, "ab*"), [Trigger(2, "a*b*", priority: 1)]);

        var finding = Assert.Single(report.Findings);
        Assert.Equal(ShadowKind.Shadowed, finding.Kind);
        Assert.Equal("This pattern would never fire: “T2” matches every ref it matches, on all its platforms, and wins (same literals; priority 1 beats 0).", finding.Message);
    }

    [Fact]
    public void Pattern_Covered_By_An_Older_Pattern_Of_Equal_Priority_Is_Shadowed()
    {
        var report = Shadowing.Check(Trigger(9, "ab*"), [Trigger(2, "a*b*")]);

        Assert.Equal(ShadowKind.Shadowed, Assert.Single(report.Findings).Kind);
    }

    [Fact]
    public void Covering_Pattern_Missing_One_Of_The_Candidates_Platforms_Only_Overlaps()
    {
        var report = Shadowing.Check(Trigger(9, "ab*"), [Trigger(2, "a*b*", priority: 1, platforms: ["instagram"])]);

        Assert.Equal(ShadowKind.Overlaps, Assert.Single(report.Findings).Kind);
    }

    [Fact]
    public void Candidate_That_Would_Hide_An_Existing_Trigger_Says_So()
    {
        var report = Shadowing.Check(Trigger(9, "a*b*", priority: 10), [Trigger(2, "ab*")]);

        var finding = Assert.Single(report.Findings);
        Assert.Equal(ShadowKind.Shadows, finding.Kind);
        Assert.Equal(9, finding.WinnerId);
    }

    [Fact]
    public void Exact_Code_Is_Never_Shadowed_By_A_Pattern_Only_Overlapped()
    {
        var report = Shadowing.Check(Trigger(9, "collab_vip"), [Trigger(2, "collab_*", priority: 100)]);

        var finding = Assert.Single(report.Findings);
        Assert.Equal(ShadowKind.Overlaps, finding.Kind);
        Assert.Equal("collab_vip", finding.ExampleRef);
        Assert.Equal(9, finding.WinnerId);
        Assert.Equal("“T2” also matches collab_vip on instagram, messenger or whatsapp; this trigger wins (exact code beats patterns).", finding.Message);
    }

    [Fact]
    public void Different_Exact_Codes_Never_Conflict()
    {
        Assert.True(Shadowing.Check(Trigger(9, "summer"), [Trigger(2, "summer_sale"), Trigger(3, "winter")]).IsClean);
    }

    [Fact]
    public void Partially_Overlapping_Patterns_Give_An_Example_Ref_And_Its_Winner()
    {
        var report = Shadowing.Check(Trigger(9, "*_2026"), [Trigger(2, "collab_*")]);

        var finding = Assert.Single(report.Findings);
        Assert.Equal(ShadowKind.Overlaps, finding.Kind);
        Assert.Equal("collab_x_2026", finding.ExampleRef);
        Assert.Equal(2, finding.WinnerId);
        Assert.Equal("“T2” also matches refs such as collab_x_2026 on instagram, messenger or whatsapp; “T2” wins (pattern with 7 literal characters beats 5).", finding.Message);
    }

    [Theory]
    [InlineData("summer_*", "winter_*")]
    [InlineData("*_a", "*_b")]
    [InlineData("x*_a", "y*_a")]
    public void Patterns_No_Ref_Can_Match_Both_Do_Not_Conflict(string candidate, string other)
    {
        Assert.True(Shadowing.Check(Trigger(9, candidate), [Trigger(2, other)]).IsClean);
    }

    [Fact]
    public void The_Candidate_Is_Not_Compared_With_Its_Own_Saved_Version()
    {
        Assert.True(Shadowing.Check(Trigger(2, "collab_*", priority: 5), [Trigger(2, "collab_*")]).IsClean);
    }

    [Fact]
    public void Catch_All_Overlaps_Everything_And_Loses_To_All_Of_It()
    {
        var report = Shadowing.Check(Trigger(9, "*"), [Trigger(2, "vip"), Trigger(3, "collab_*")]);

        Assert.Equal([(2L, ShadowKind.Overlaps, 2L), (3L, ShadowKind.Overlaps, 3L)], report.Findings.Select(f => (f.OtherId, f.Kind, f.WinnerId)));
    }
}
