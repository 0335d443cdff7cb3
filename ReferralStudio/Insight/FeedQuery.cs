using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Api;
using ReferralStudio.Data;

namespace ReferralStudio.Insight;

/// <summary>The attribution feed's filters; the same filter drives the grid and the CSV export.</summary>
public sealed record FeedFilter(
    string? Platform = null,
    long? TriggerId = null,
    string? RefPrefix = null,
    DateTimeOffset? Since = null,
    DateTimeOffset? Until = null,
    string? Arrival = null,
    string? Search = null)
{
    public static readonly string[] Arrivals = ["standalone", "first_message", "postback", "ad", "prefilled_text"];

    /// <summary>Reads the filter from a query string (the feed's URL and the export link share it).</summary>
    public static (FeedFilter Filter, FieldErrors Errors) Read(IQueryCollection query)
    {
        var errors = new FieldErrors();
        var platform = errors.Platform("platform", query["platform"]);
        long? trigger = null;
        if (query["trigger"].ToString() is { Length: > 0 } t)
        {
            if (long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                trigger = id;
            }
            else
            {
                errors.Add("trigger", "trigger must be a trigger id.");
            }
        }

        var arrival = query["arrival"].ToString();
        if (arrival.Length > 0 && !Arrivals.Contains(arrival))
        {
            errors.Add("arrival", $"arrival must be one of {string.Join(", ", Arrivals)}.");
        }

        var filter = new FeedFilter(platform, trigger, Blank(query["ref"]), errors.Time("since", query["since"]), errors.Time("until", query["until"]),
            arrival.Length == 0 ? null : arrival, Blank(query["q"]));
        return (filter, errors);
    }

    public string ToQueryString()
    {
        var parts = new Dictionary<string, string?>
        {
            ["platform"] = Platform,
            ["trigger"] = TriggerId?.ToString(CultureInfo.InvariantCulture),
            ["ref"] = RefPrefix,
            ["since"] = Since?.ToString("O", CultureInfo.InvariantCulture),
            ["until"] = Until?.ToString("O", CultureInfo.InvariantCulture),
            ["arrival"] = Arrival,
            ["q"] = Search,
        };
        return string.Join("&", parts.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}"));
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>One referral touch in the feed.</summary>
public sealed record FeedRow(
    long TouchId,
    long ConversationId,
    DateTimeOffset OccurredAt,
    string Platform,
    string AccountId,
    string ParticipantId,
    string? Ref,
    string? AdId,
    string? Source,
    string Arrival,
    long? TriggerId,
    string? TriggerName,
    bool CampaignTouch,
    bool Passive,
    bool Simulated);

/// <summary>
/// The feed's queries. Every filter maps to an indexed column of ReferralTouches (platform, trigger, ref,
/// participant and time each have an index with OccurredAt), so a page is cheap on millions of rows.
/// </summary>
public static class FeedQuery
{
    public const string DefaultSort = "OccurredAt desc";

    public static IQueryable<ReferralTouch> Apply(IQueryable<ReferralTouch> touches, FeedFilter f)
    {
        if (f.Platform is { } platform)
        {
            touches = touches.Where(t => t.Platform == platform);
        }

        if (f.TriggerId is { } trigger)
        {
            touches = touches.Where(t => t.TriggerId == trigger);
        }

        if (f.RefPrefix is { } prefix)
        {
            // A range on the NOCASE-collated column, so the index serves the prefix search ('_' is no wildcard here).
            var end = prefix + "~";
            touches = touches.Where(t => string.Compare(t.Ref, prefix) >= 0 && string.Compare(t.Ref, end) < 0);
        }

        if (f.Since is { } since)
        {
            touches = touches.Where(t => t.OccurredAt >= since);
        }

        if (f.Until is { } until)
        {
            touches = touches.Where(t => t.OccurredAt < until);
        }

        if (f.Arrival is { } arrival)
        {
            touches = touches.Where(t => t.Arrival == arrival);
        }

        if (f.Search is { } search)
        {
            touches = touches.Where(t => t.Ref == search || t.ParticipantId == search || t.AdId == search || t.AccountId == search);
        }

        return touches;
    }

    public static IQueryable<FeedRow> Rows(AppDbContext db, FeedFilter filter, string? sort)
    {
        var touches = Apply(db.ReferralTouches.AsNoTracking(), filter);
        touches = (sort ?? DefaultSort) switch
        {
            "OccurredAt asc" => touches.OrderBy(t => t.OccurredAt).ThenBy(t => t.Id),
            "Ref asc" => touches.OrderBy(t => t.Ref).ThenByDescending(t => t.Id),
            "Ref desc" => touches.OrderByDescending(t => t.Ref).ThenByDescending(t => t.Id),
            "Platform asc" => touches.OrderBy(t => t.Platform).ThenByDescending(t => t.OccurredAt),
            "Platform desc" => touches.OrderByDescending(t => t.Platform).ThenByDescending(t => t.OccurredAt),
            _ => touches.OrderByDescending(t => t.OccurredAt).ThenByDescending(t => t.Id),
        };
        return touches.Select(t => new FeedRow(
            t.Id, t.ConversationId, t.OccurredAt, t.Platform, t.AccountId, t.ParticipantId, t.Ref, t.AdId, t.Source, t.Arrival, t.TriggerId,
            db.Triggers.Where(tr => tr.Id == t.TriggerId).Select(tr => tr.Name).FirstOrDefault(),
            t.IsCampaignTouch, t.Passive, t.Simulated));
    }

    /// <summary>
    /// The feed counts matching touches up to this many. An exact COUNT(*) walks every matching index
    /// entry (hundreds of milliseconds for "instagram" on a million touches); a capped count stops early.
    /// </summary>
    public const int CountCap = 10_000;

    /// <summary>A page of rows, the number of matching touches up to <see cref="CountCap"/>, and whether there are more.</summary>
    public static async Task<(List<FeedRow> Rows, int Total, bool More)> PageAsync(AppDbContext db, FeedFilter filter, string? sort, int skip, int take, CancellationToken cancellationToken)
    {
        var counted = await CountUpToAsync(Apply(db.ReferralTouches.AsNoTracking(), filter), CountCap + 1, cancellationToken);
        var rows = await Rows(db, filter, sort).Skip(skip).Take(take).ToListAsync(cancellationToken);
        return (rows, Math.Min(counted, CountCap), counted > CountCap);
    }

    /// <summary>
    /// Counts matching touches, stopping at <paramref name="limit"/>. EF Core 6 turns <c>Take(n).Count()</c> into a
    /// subquery selecting every column (dotnet/efcore#29667), so SQLite reads each matching row; summing ones keeps
    /// the subquery to the columns the filter needs, which an index usually holds (10 ms instead of 200 ms for
    /// 100,000 matches here).
    /// </summary>
    private static Task<int> CountUpToAsync(IQueryable<ReferralTouch> touches, int limit, CancellationToken cancellationToken) =>
        touches.Select(t => 1).Take(limit).SumAsync(cancellationToken);
}
