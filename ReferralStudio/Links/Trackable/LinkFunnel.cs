using Microsoft.EntityFrameworkCore;
using ReferralStudio.Conversions;
using ReferralStudio.Data;
using ReferralStudio.Insight;

namespace ReferralStudio.Links.Trackable;

/// <summary>One business day of a link's funnel: its scans, and what came in through the code it led to that day.</summary>
public sealed record LinkFunnelDay(DateOnly Day, long Scans, int Conversations, int Touches, int Conversions, double Value);

/// <summary>A link's funnel over its life: the days with anything in them, newest first, and their sum.</summary>
public sealed record LinkFunnelReport(IReadOnlyList<LinkFunnelDay> Days, CampaignFunnel Total, IReadOnlyList<string> Currencies);

/// <summary>
/// A trackable link's own funnel per business day. For each target the link had, over the time it had it: campaign
/// touches on the target's platform with the target's code and no ad; the conversations those touches started (the
/// conversation's first campaign touch); and the conversions credited to them by first touch, on the day they happened.
/// A code that is also shared another way counts those people too: the page says so.
/// </summary>
public sealed class LinkFunnel(IDbContextFactory<AppDbContext> contexts, BusinessDay days)
{
    public async Task<LinkFunnelReport> ReadAsync(long linkId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var postgres = db.IsPostgres();
        var sums = new SortedDictionary<DateOnly, Sum>();
        Sum At(DateOnly day) => sums.TryGetValue(day, out var sum) ? sum : sums[day] = new Sum();

        foreach (var scan in await db.LinkScanDays.AsNoTracking().Where(s => s.LinkId == linkId)
                     .GroupBy(s => s.Day).Select(g => new { Day = g.Key, Scans = g.Sum(s => s.Scans) }).ToListAsync(cancellationToken))
        {
            At(scan.Day).Scans += scan.Scans;
        }

        var targets = await db.TrackableLinkTargets.AsNoTracking().Where(t => t.LinkId == linkId)
            .OrderBy(t => t.ChangedAt).ThenBy(t => t.Id).ToListAsync(cancellationToken);
        long converted = 0;
        var currencies = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < targets.Count; i++)
        {
            var target = targets[i];
            var until = i + 1 < targets.Count ? targets[i + 1].ChangedAt : DateTimeOffset.MaxValue;
            var touches = db.ReferralTouches.AsNoTracking().Where(t => t.IsCampaignTouch && t.Platform == target.Platform
                && t.AdId == null && t.OccurredAt >= target.ChangedAt && t.OccurredAt < until);
            // A code in any case, as campaign keys group it: SQLite's column ignores case, PostgreSQL's ref index is on lower(ref).
            var code = target.Code.ToLowerInvariant();
            touches = postgres ? touches.Where(t => t.Ref!.ToLower() == code) : touches.Where(t => t.Ref == target.Code);
            foreach (var touch in await touches.Select(t => new
                     {
                         t.OccurredAt,
                         Started = db.Conversations.Any(c => c.Id == t.ConversationId && c.FirstReferralId == t.Id),
                         Converted = db.Conversions.Any(v => v.FirstTouchId == t.Id),
                     }).ToListAsync(cancellationToken))
            {
                var sum = At(days.DayOf(touch.OccurredAt));
                sum.Touches++;
                if (touch.Started)
                {
                    sum.Conversations++;
                    converted += touch.Converted ? 1 : 0;
                }
            }

            var conversions = from v in db.Conversions.AsNoTracking()
                              join t in touches on v.FirstTouchId equals t.Id
                              select new { v.OccurredAt, v.Value, v.Currency };
            foreach (var conversion in await conversions.ToListAsync(cancellationToken))
            {
                var sum = At(days.DayOf(conversion.OccurredAt));
                sum.Conversions++;
                sum.Value += conversion.Value ?? 0;
                if (conversion.Currency is { } currency)
                {
                    currencies.Add(currency);
                }
            }
        }

        var list = sums.Reverse().Select(s => new LinkFunnelDay(s.Key, s.Value.Scans, s.Value.Conversations, s.Value.Touches, s.Value.Conversions,
            ConversionValues.Finite(s.Value.Value))).ToList();
        var conversations = list.Sum(d => d.Conversations);
        var total = new CampaignFunnel(list.Sum(d => d.Scans), conversations, conversations, list.Sum(d => d.Touches), (int)converted,
            list.Sum(d => d.Conversions), ConversionValues.Finite(list.Sum(d => d.Value)));
        return new(list, total, [.. currencies]);
    }

    private sealed class Sum
    {
        public long Scans;
        public int Conversations;
        public int Touches;
        public int Conversions;
        public double Value;
    }
}
