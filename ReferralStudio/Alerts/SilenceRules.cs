namespace ReferralStudio.Alerts;

/// <summary>
/// One account's recent traffic on one platform, real data only: conversations with activity and campaign touches in
/// the baseline window, and the newest of each (null when there was none in the window).
/// </summary>
public sealed record AccountTraffic(string Platform, string AccountId, int Conversations, DateTimeOffset? LastActivity, int Referrals, DateTimeOffset? LastReferral);

/// <summary>What one check changes: alerts to announce as raised, and open ones to announce as resolved.</summary>
public sealed record SilenceChanges(IReadOnlyList<SilenceAlert> Raised, IReadOnlyList<SilenceAlert> Resolved);

/// <summary>
/// When an account is silent, without a database or a clock of its own.
/// <list type="bullet">
/// <item>Webhooks silent: at least <see cref="AlertOptions.MinimumBaseline"/> conversations had activity in the baseline
/// window, and the newest activity is older than <see cref="AlertOptions.SilenceAfter"/>.</item>
/// <item>Referrals silent: at least that many campaign touches in the window, the newest older than
/// <see cref="AlertOptions.ReferralSilenceAfter"/>, while activity goes on (newer than <see cref="AlertOptions.SilenceAfter"/>).</item>
/// </list>
/// An open alert is resolved only by what ends the silence: activity (or a touch) newer than its <see cref="SilenceAlert.Since"/>.
/// A baseline that ages out of the window, or messages that stop as well, leave it open.
/// </summary>
public static class SilenceRules
{
    public static SilenceChanges Evaluate(
        AlertOptions options, DateTimeOffset now, IReadOnlyList<AccountTraffic> traffic, IReadOnlyDictionary<AlertKey, SilenceAlert> open)
    {
        var byAccount = traffic.ToDictionary(t => (t.Platform, t.AccountId));
        var resolved = new List<SilenceAlert>();
        var stillOpen = new HashSet<AlertKey>();
        foreach (var alert in open.Values)
        {
            var newest = byAccount.GetValueOrDefault((alert.Platform, alert.AccountId)) is { } t
                ? alert.Kind == AlertKinds.ReferralsSilent ? t.LastReferral : t.LastActivity
                : null;
            if (newest > alert.Since)
            {
                resolved.Add(alert);
            }
            else
            {
                stillOpen.Add(alert.Key);
            }
        }

        var raised = new List<SilenceAlert>();
        foreach (var t in traffic)
        {
            var quiet = t.LastActivity is { } last && now - last >= options.SilenceAfter;
            if (quiet && t.Conversations >= options.MinimumBaseline)
            {
                Raise(new AlertKey(AlertKinds.WebhooksSilent, t.Platform, t.AccountId), t.LastActivity!.Value, t.Conversations);
            }

            if (!quiet && t.LastActivity is not null && t.Referrals >= options.MinimumBaseline
                && t.LastReferral is { } lastReferral && now - lastReferral >= options.ReferralSilenceAfter)
            {
                Raise(new AlertKey(AlertKinds.ReferralsSilent, t.Platform, t.AccountId), lastReferral, t.Referrals);
            }
        }

        return new SilenceChanges(raised, resolved);

        void Raise(AlertKey key, DateTimeOffset since, int baseline)
        {
            if (!stillOpen.Contains(key))
            {
                raised.Add(new SilenceAlert(key, since, now, baseline));
            }
        }
    }
}
