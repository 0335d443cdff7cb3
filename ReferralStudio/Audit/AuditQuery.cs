using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Api;
using ReferralStudio.Data;
using ReferralStudio.Insight;

namespace ReferralStudio.Audit;

/// <summary>
/// The audit page's filters, as its address holds them: who (<c>actor</c>, exact), <c>type</c>, <c>action</c>, and the
/// days <c>from</c> and <c>to</c> (both included, <c>yyyy-MM-dd</c> in the business's time zone). The CSV export reads the same.
/// </summary>
public sealed record AuditFilter(string? Actor = null, string? EntityType = null, string? Action = null, DateOnly? From = null, DateOnly? To = null)
{
    public const int MaxActorLength = 320;

    public static (AuditFilter Filter, FieldErrors Errors) Read(IQueryCollection query)
    {
        var errors = new FieldErrors();
        var actor = errors.Text("actor", query["actor"], MaxActorLength);
        var type = Blank(query["type"]);
        if (type is not null && !AuditActions.EntityTypes.Contains(type))
        {
            errors.Add("type", $"'{FieldErrors.Quote(type)}' is not an entity type; use {string.Join(", ", AuditActions.EntityTypes)}.");
            type = null;
        }

        var action = Blank(query["action"]);
        if (action is not null && !AuditActions.All.Contains(action))
        {
            errors.Add("action", $"'{FieldErrors.Quote(action)}' is not an action; use one of {string.Join(", ", AuditActions.All)}.");
            action = null;
        }

        var from = Day(errors, "from", query["from"]);
        var to = Day(errors, "to", query["to"]);
        if (from > to)
        {
            errors.Add("to", "The last day comes before the first.");
            to = null;
        }

        return (new AuditFilter(Blank(actor), type, action, from, to), errors);
    }

    public string ToQueryString()
    {
        var parts = new Dictionary<string, string?>
        {
            ["actor"] = Actor,
            ["type"] = EntityType,
            ["action"] = Action,
            ["from"] = From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["to"] = To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        return string.Join("&", parts.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}"));
    }

    /// <summary>The matching entries, newest first.</summary>
    public IQueryable<AuditEntry> Apply(AppDbContext db, BusinessDay day)
    {
        var query = db.AuditEntries.AsNoTracking();
        if (Actor is not null)
        {
            query = query.Where(e => e.Actor == Actor);
        }

        if (EntityType is not null)
        {
            query = query.Where(e => e.EntityType == EntityType);
        }

        if (Action is not null)
        {
            query = query.Where(e => e.Action == Action);
        }

        if (From is { } from)
        {
            var start = day.Window(from).Start;
            query = query.Where(e => e.OccurredAt >= start);
        }

        if (To is { } to)
        {
            var end = day.Window(to).End;
            query = query.Where(e => e.OccurredAt < end);
        }

        return query.OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id);
    }

    /// <summary>One page (from 1) of the matching entries and how many match in all.</summary>
    public async Task<(List<AuditEntry> Rows, int Total)> PageAsync(AppDbContext db, BusinessDay day, int page, int pageSize, CancellationToken cancellationToken)
    {
        var query = Apply(db, day);
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.Skip((Math.Max(1, page) - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return (rows, total);
    }

    /// <summary>Everyone who has changed something, for the who filter.</summary>
    public static Task<List<string>> ActorsAsync(AppDbContext db, CancellationToken cancellationToken) =>
        db.AuditEntries.AsNoTracking().Select(e => e.Actor).Distinct().OrderBy(a => a).ToListAsync(cancellationToken);

    private static DateOnly? Day(FieldErrors errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        errors.Add(field, $"'{FieldErrors.Quote(value)}' is not a day; write it as yyyy-MM-dd.");
        return null;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
