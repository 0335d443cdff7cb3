using ReferralStudio.Alerts;

namespace ReferralStudio.Tests.Alerts;

/// <summary>When an account counts as silent, without a database: the defaults (6 h, 24 h, 7 days, 20).</summary>
public sealed class SilenceRulesTests
{
    private static readonly AlertOptions Options = new();
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-20T12:00:00Z");
    private static readonly Dictionary<AlertKey, SilenceAlert> NoneOpen = [];

    private static AccountTraffic Account(int conversations, TimeSpan quietFor, int referrals = 0, TimeSpan? referralsQuietFor = null) =>
        new("instagram", "17841400000000001", conversations, Now - quietFor, referrals, referrals == 0 ? null : Now - (referralsQuietFor ?? quietFor));

    [Fact]
    public void Account_With_A_Baseline_Is_Silent_Once_SilenceAfter_Has_Passed_And_Not_Before()
    {
        var before = SilenceRules.Evaluate(Options, Now, [Account(20, TimeSpan.FromHours(6) - TimeSpan.FromMinutes(1))], NoneOpen);
        var after = SilenceRules.Evaluate(Options, Now, [Account(20, TimeSpan.FromHours(6))], NoneOpen);

        Assert.Empty(before.Raised);
        var alert = Assert.Single(after.Raised);
        Assert.Equal(AlertKinds.WebhooksSilent, alert.Kind);
        Assert.Equal(Now - TimeSpan.FromHours(6), alert.Since);
        Assert.Equal(20, alert.Baseline);
        Assert.Contains(alert.LikelyCauses, c => c.Contains("unsubscribed from the Page", StringComparison.Ordinal));
    }

    [Fact]
    public void Account_Without_A_Baseline_Never_Alerts_However_Long_It_Is_Quiet()
    {
        var changes = SilenceRules.Evaluate(Options, Now, [Account(19, TimeSpan.FromDays(6), referrals: 19)], NoneOpen);

        Assert.Empty(changes.Raised);
    }

    [Fact]
    public void Open_Alert_Is_Not_Raised_Again_And_Resolves_Only_When_Activity_Newer_Than_Its_Start_Arrives()
    {
        var raised = Assert.Single(SilenceRules.Evaluate(Options, Now, [Account(30, TimeSpan.FromHours(7))], NoneOpen).Raised);
        var open = new Dictionary<AlertKey, SilenceAlert> { [raised.Key] = raised };

        var later = SilenceRules.Evaluate(Options, Now + TimeSpan.FromHours(1), [Account(30, TimeSpan.FromHours(7))], open);
        // The baseline aged out of the window (nothing counted any more), but nothing came back either.
        var forgotten = SilenceRules.Evaluate(Options, Now + TimeSpan.FromDays(8), [], open);
        var resumed = SilenceRules.Evaluate(Options, Now + TimeSpan.FromHours(2), [Account(31, -TimeSpan.FromHours(2))], open);

        Assert.Empty(later.Raised.Concat(later.Resolved));
        Assert.Empty(forgotten.Raised.Concat(forgotten.Resolved));
        Assert.Equal(raised, Assert.Single(resumed.Resolved));
        Assert.Empty(resumed.Raised);
    }

    [Fact]
    public void Referrals_Are_Silent_When_Messages_Keep_Arriving_But_Touches_Stopped_ReferralSilenceAfter_Ago()
    {
        var stopped = SilenceRules.Evaluate(Options, Now, [Account(40, TimeSpan.FromMinutes(5), referrals: 25, referralsQuietFor: TimeSpan.FromHours(24))], NoneOpen);
        var recent = SilenceRules.Evaluate(Options, Now, [Account(40, TimeSpan.FromMinutes(5), referrals: 25, referralsQuietFor: TimeSpan.FromHours(23))], NoneOpen);
        var fewReferrals = SilenceRules.Evaluate(Options, Now, [Account(40, TimeSpan.FromMinutes(5), referrals: 5, referralsQuietFor: TimeSpan.FromDays(2))], NoneOpen);

        var alert = Assert.Single(stopped.Raised);
        Assert.Equal(AlertKinds.ReferralsSilent, alert.Kind);
        Assert.Equal(Now - TimeSpan.FromHours(24), alert.Since);
        Assert.Contains(alert.LikelyCauses, c => c.Contains("ice breakers", StringComparison.Ordinal));
        Assert.Empty(recent.Raised);
        Assert.Empty(fewReferrals.Raised);
    }

    [Fact]
    public void Whole_Silence_Is_One_Webhooks_Alert_Not_A_Referral_Alert_As_Well()
    {
        var changes = SilenceRules.Evaluate(Options, Now, [Account(40, TimeSpan.FromHours(30), referrals: 25)], NoneOpen);

        Assert.Equal([AlertKinds.WebhooksSilent], changes.Raised.Select(a => a.Kind));
    }

    [Fact]
    public void The_Same_Silence_Has_The_Same_Id_Whenever_It_Is_Raised()
    {
        var key = new AlertKey(AlertKinds.WebhooksSilent, "messenger", "106540352242900");

        Assert.Equal(new SilenceAlert(key, Now, Now, 20).Id, new SilenceAlert(key, Now, Now + TimeSpan.FromDays(1), 25).Id);
        Assert.NotEqual(new SilenceAlert(key, Now, Now, 20).Id, new SilenceAlert(key, Now.AddMinutes(1), Now, 20).Id);
        Assert.Matches("^alr_[0-9a-f]{16}$", new SilenceAlert(key, Now, Now, 20).Id);
    }
}
