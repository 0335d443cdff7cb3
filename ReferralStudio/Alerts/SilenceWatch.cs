using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralStudio.Data;
using ReferralStudio.Demo;
using ReferralStudio.Hosting;
using ReferralStudio.Outbound;

namespace ReferralStudio.Alerts;

/// <summary>
/// Checks every minute whether an account that usually hears from Meta went quiet (<see cref="SilenceRules"/>), announces
/// each alert once as a <c>system.alert</c> event (<c>raised</c>, later <c>resolved</c>) and publishes the open ones to the
/// <see cref="AlertBoard"/>.
/// <para>
/// Traffic is read from indexed columns, real data only (no simulated conversation, no demo account): conversations by
/// <c>LastActivityAt</c> and campaign touches by <c>OccurredAt</c>, each grouped by platform and account in one query. The
/// baseline window (7 days) is read once an hour; every check reads only the recent window (the longer silence, at least
/// an hour), which is enough for the newest activity and touch of every account.
/// </para>
/// <para>
/// Nothing is stored besides the events themselves: at its first check after a start the watch takes the alerts it still
/// has open from the <c>system.alert</c> deliveries of the last 30 days in the outbox, so a restart announces neither an
/// open alert again nor misses resolving one. Without any subscriber there is no such record, and an open alert is
/// raised again once after a restart (with the same <c>id</c>, derived from the silence itself).
/// </para>
/// </summary>
public sealed partial class SilenceWatch(
    IDbContextFactory<AppDbContext> contexts,
    OutboundQueue outbound,
    AlertBoard board,
    IOptions<AlertOptions> options,
    TimeProvider time,
    ILogger<SilenceWatch> logger) : ScheduledWorker(new WakeSignal(), time, logger)
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan BaselineRefresh = TimeSpan.FromHours(1);
    private static readonly TimeSpan AnnouncementMemory = TimeSpan.FromDays(30);

    private readonly SemaphoreSlim _pass = new(1, 1);
    private Dictionary<AlertKey, SilenceAlert>? _open;
    private Dictionary<(string Platform, string AccountId), Tally> _baseline = [];
    private DateTimeOffset? _baselineAt;

    private sealed record Tally(int Conversations, DateTimeOffset? LastActivity, int Referrals, DateTimeOffset? LastReferral);

    protected override async Task<TimeSpan?> RunDueAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return null;
        }

        await CheckAsync(cancellationToken);
        return CheckEvery;
    }

    /// <summary>One check: raises and resolves what the data says, announces it, and returns what changed.</summary>
    public async Task<SilenceChanges> CheckAsync(CancellationToken cancellationToken = default)
    {
        await _pass.WaitAsync(cancellationToken);
        try
        {
            var now = Time.GetUtcNow();
            var settings = options.Value;
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            _open ??= await AnnouncedOpenAsync(db, now, cancellationToken);
            if (_baselineAt is not { } at || now - at >= BaselineRefresh || now < at)
            {
                _baseline = await TallyAsync(db, now - settings.BaselineWindow, cancellationToken);
                _baselineAt = now;
            }

            var recentWindow = new[] { settings.SilenceAfter, settings.ReferralSilenceAfter, BaselineRefresh }.Max();
            var recent = await TallyAsync(db, now - recentWindow, cancellationToken);
            var traffic = _baseline.Keys.Union(recent.Keys).Select(key =>
            {
                var b = _baseline.GetValueOrDefault(key);
                var r = recent.GetValueOrDefault(key);
                return new AccountTraffic(
                    key.Platform, key.AccountId, Math.Max(b?.Conversations ?? 0, r?.Conversations ?? 0), Newest(b?.LastActivity, r?.LastActivity),
                    Math.Max(b?.Referrals ?? 0, r?.Referrals ?? 0), Newest(b?.LastReferral, r?.LastReferral));
            }).ToList();

            var changes = SilenceRules.Evaluate(settings, now, traffic, _open);
            var handles = await db.BusinessAccounts.AsNoTracking().Select(a => new { a.Platform, a.AccountId, a.Handle })
                .ToDictionaryAsync(a => (a.Platform, a.AccountId), a => a.Handle, cancellationToken);
            string? HandleOf(SilenceAlert alert) => handles.GetValueOrDefault((alert.Platform, alert.AccountId));

            if (changes.Raised.Count + changes.Resolved.Count > 0)
            {
                // Announced before they count as open or resolved here: a failed save leaves the state as it was, and the
                // next check (a few seconds later) tries again.
                var subscribers = outbound.SubscribersOf(EventTypes.SystemAlert);
                foreach (var (alert, status) in changes.Resolved.Select(a => (a, AlertStatus.Resolved)).Concat(changes.Raised.Select(a => (a, AlertStatus.Raised))))
                {
                    var message = AlertEvent.Of(alert, status, now, HandleOf(alert));
                    outbound.Add(db, message.Id, message.Type, message.Serialize(), subscribers);
                }

                await db.SaveChangesAsync(cancellationToken);
                outbound.Wake();
                foreach (var alert in changes.Resolved)
                {
                    _open.Remove(alert.Key);
                    LogResolved(logger, alert.Kind, alert.Platform, alert.AccountId, alert.Since);
                }

                foreach (var alert in changes.Raised)
                {
                    _open[alert.Key] = alert;
                    LogRaised(logger, alert.Kind, alert.Platform, alert.AccountId, alert.Since);
                }
            }

            board.Publish([.. _open.Values.OrderBy(a => a.Since).Select(a => AlertDto.Of(a, AlertStatus.Raised, null, HandleOf(a)))]);
            return changes;
        }
        finally
        {
            _pass.Release();
        }
    }

    private static DateTimeOffset? Newest(DateTimeOffset? a, DateTimeOffset? b) => a > b || b is null ? a : b;

    /// <summary>Per platform and account: conversations with activity, and campaign touches, since <paramref name="from"/>.</summary>
    private static async Task<Dictionary<(string Platform, string AccountId), Tally>> TallyAsync(AppDbContext db, DateTimeOffset from, CancellationToken cancellationToken)
    {
        var activity = await db.Conversations.AsNoTracking()
            .Where(c => c.LastActivityAt >= from && !c.Simulated)
            .GroupBy(c => new { c.Platform, c.AccountId })
            .Select(g => new { g.Key.Platform, g.Key.AccountId, Count = g.Count(), Last = g.Max(c => c.LastActivityAt) })
            .ToListAsync(cancellationToken);
        var referrals = await db.ReferralTouches.AsNoTracking()
            .Where(t => t.OccurredAt >= from && t.IsCampaignTouch && !t.Simulated)
            .GroupBy(t => new { t.Platform, t.AccountId })
            .Select(g => new { g.Key.Platform, g.Key.AccountId, Count = g.Count(), Last = g.Max(t => t.OccurredAt) })
            .ToListAsync(cancellationToken);

        var tallies = new Dictionary<(string Platform, string AccountId), Tally>();
        foreach (var a in activity.Where(a => !DemoDataGenerator.IsDemoAccount(a.AccountId)))
        {
            tallies[(a.Platform, a.AccountId)] = new Tally(a.Count, a.Last, 0, null);
        }

        foreach (var r in referrals.Where(r => !DemoDataGenerator.IsDemoAccount(r.AccountId)))
        {
            var tally = tallies.GetValueOrDefault((r.Platform, r.AccountId)) ?? new Tally(0, null, 0, null);
            tallies[(r.Platform, r.AccountId)] = tally with { Referrals = r.Count, LastReferral = r.Last };
        }

        return tallies;
    }

    /// <summary>The alerts the outbox says were raised and not resolved since (each delivery repeats its event per subscriber).</summary>
    private static async Task<Dictionary<AlertKey, SilenceAlert>> AnnouncedOpenAsync(AppDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var horizon = now - AnnouncementMemory;
        var payloads = await db.OutboundDeliveries.AsNoTracking()
            .Where(d => d.CreatedAt >= horizon && d.EventType == EventTypes.SystemAlert)
            .OrderBy(d => d.Id)
            .Select(d => d.Payload)
            .ToListAsync(cancellationToken);
        var latest = new Dictionary<string, AlertDto>();
        foreach (var alert in payloads.Select(AlertEvent.TryParse).OfType<AlertEvent>().Select(e => e.Data.Alert))
        {
            latest[alert.Id] = alert;
        }

        return latest.Values
            .Where(a => a.Status == AlertStatus.Raised)
            .Select(a => new SilenceAlert(new AlertKey(a.Kind, a.Platform, a.Account.Id), a.Since, a.RaisedAt, a.Baseline))
            .GroupBy(a => a.Key)
            .ToDictionary(g => g.Key, g => g.MaxBy(a => a.Since)!);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silence alert raised: {Kind} for {Platform} account {AccountId}, nothing since {Since}")]
    private static partial void LogRaised(ILogger logger, string kind, string platform, string accountId, DateTimeOffset since);

    [LoggerMessage(Level = LogLevel.Information, Message = "Silence alert resolved: {Kind} for {Platform} account {AccountId} (silent since {Since})")]
    private static partial void LogResolved(ILogger logger, string kind, string platform, string accountId, DateTimeOffset since);
}
