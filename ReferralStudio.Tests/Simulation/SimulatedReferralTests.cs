using ReferralStudio.Simulation;

namespace ReferralStudio.Tests.Simulation;

/// <summary>The simulator refuses, with the reason, any referral the pipeline would never attribute.</summary>
public sealed class SimulatedReferralTests
{
    private static SimulatedReferral Referral(string? @ref, string arrival = "standalone", string platform = "instagram", string? adId = "120200000001") =>
        new(platform, arrival, "17841400000000001", "sim-1", @ref, adId, null, null, DateTimeOffset.UnixEpoch);

    [Theory]
    [InlineData("<script>", "“<” isn't allowed in refs.")]
    [InlineData("été", "Accented letters such as “é” aren't allowed in refs.")]
    [InlineData("summer sale", "Spaces aren't allowed in refs.")]
    [InlineData("summer_sale ", "Spaces aren't allowed in refs.")]
    [InlineData("", "Enter the ref the link carries")]
    public void A_Ref_That_Is_Never_Attributed_Is_Refused_With_Its_Reason(string @ref, string reason)
    {
        var errors = Referral(@ref).Validate();

        Assert.StartsWith(reason, errors.For("ref"));
    }

    [Fact]
    public void A_Ref_Longer_Than_Meta_Sends_Is_Refused()
    {
        Assert.Equal("Refs can be at most 2,083 characters long; this one has 2,100.", Referral(new string('a', 2100)).Validate().For("ref"));
    }

    [Theory]
    [InlineData("summer_sale")]
    [InlineData("Collab_Alice-2026=x")]
    public void A_Valid_Ref_Passes(string @ref)
    {
        Assert.False(Referral(@ref).Validate().Any);
    }

    [Fact]
    public void An_Ad_Needs_A_Digits_Only_Ad_Id_But_No_Ref()
    {
        Assert.False(Referral(null, arrival: "ad").Validate().Any);
        Assert.Equal("Ad ids are digits only (up to 64), such as 120200000001.", Referral(null, arrival: "ad", adId: "abc").Validate().For("adId"));
        Assert.StartsWith("“<” isn't allowed in refs.", Referral("<x>", arrival: "ad").Validate().For("ref"));
    }
}
