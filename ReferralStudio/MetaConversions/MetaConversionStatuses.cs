using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;

namespace ReferralStudio.MetaConversions;

/// <summary>One HTTP attempt to send a conversion to Meta.</summary>
public sealed record MetaConversionAttemptDto(DateTimeOffset At, int? StatusCode, string? Error);

/// <summary>
/// Where a conversion stands with Meta's Conversions API. Absent on a conversion that is not Meta's business (organic,
/// simulated or demo).
/// </summary>
public sealed record MetaConversionStatusDto(
    string Status,
    string? EventName,
    int Attempts,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? CompletedAt,
    int? LastStatusCode,
    string? LastError,
    JsonElement? Body,
    IReadOnlyList<MetaConversionAttemptDto> AttemptLog)
{
    /// <summary>The timeline's words for it: "sent to Meta", "dry run", "failed: ...".</summary>
    public string Summary => Status switch
    {
        "sent" => "sent to Meta",
        "dry_run" => $"dry run, not sent to Meta{Reason}",
        "failed" => $"failed: {LastError}",
        "skipped" => LastError ?? "not sent to Meta",
        "uncertain" => $"uncertain: {LastError}",
        _ => Attempts == 0 ? "queued for Meta" : $"Meta retry pending after {Attempts} attempts (last: {LastError})",
    };

    private string Reason => LastError is { } why ? $" ({why.Replace("Dry run: ", "", StringComparison.Ordinal).TrimEnd('.')})" : "";
}

/// <summary>Reads the Meta status of conversions for the API and the timeline.</summary>
public static class MetaConversionStatuses
{
    public static string Name(MetaConversionStatus status) => status switch
    {
        MetaConversionStatus.DryRun => "dry_run",
        _ => status.ToString().ToLowerInvariant(),
    };

    /// <summary>The status of each of <paramref name="conversionIds"/> that has one, by conversion id.</summary>
    public static async Task<Dictionary<long, MetaConversionStatusDto>> LoadAsync(AppDbContext db, IReadOnlyCollection<long> conversionIds, CancellationToken cancellationToken)
    {
        if (conversionIds.Count == 0)
        {
            return [];
        }

        var rows = await db.MetaConversionEvents.AsNoTracking().Where(m => conversionIds.Contains(m.ConversionId)).ToListAsync(cancellationToken);
        var rowIds = rows.ConvertAll(r => r.Id);
        var attempts = (await db.MetaConversionAttempts.AsNoTracking().Where(a => rowIds.Contains(a.MetaConversionEventId)).ToListAsync(cancellationToken))
            .OrderBy(a => a.AttemptedAt).ThenBy(a => a.Id)
            .ToLookup(a => a.MetaConversionEventId, a => new MetaConversionAttemptDto(a.AttemptedAt, a.StatusCode, a.Error));
        return rows.ToDictionary(r => r.ConversionId, r => ToDto(r, [.. attempts[r.Id]]));
    }

    private static MetaConversionStatusDto ToDto(MetaConversionEvent row, IReadOnlyList<MetaConversionAttemptDto> attempts)
    {
        JsonElement? body = null;
        if (row.Payload.Length > 0)
        {
            using var json = JsonDocument.Parse(MetaConversionPlanner.RequestBody(row.Payload));
            body = json.RootElement.Clone();
        }

        return new MetaConversionStatusDto(
            Name(row.Status), row.EventName.Length == 0 ? null : row.EventName, row.Attempts,
            row.Status == MetaConversionStatus.Pending ? row.NextAttemptAt : null, row.CompletedAt,
            row.LastStatusCode, row.LastError, body, attempts);
    }
}
