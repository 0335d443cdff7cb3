using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;
using ReferralStudio.Auth;

namespace ReferralStudio.Insight;

/// <summary>
/// CSV export of the filtered feed, streamed row by row from the database reader to the response,
/// so memory stays flat however many rows match.
/// </summary>
public static class FeedExport
{
    // New columns go at the end, so a sheet that reads the old ones by position keeps working.
    public static readonly string Header = "occurred_at,platform,account_id,participant_id,ref,ad_id,source,arrival,trigger_id,trigger,campaign_touch,passive,simulated,conversation_id," +
        "participant_name,participant_username,account";

    public static IEndpointRouteBuilder MapFeedExport(this IEndpointRouteBuilder app)
    {
        app.MapGet("/feed/export.csv", ExportAsync).RequireAuthorization(StudioRoles.Policies.Read).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ExportAsync(HttpContext context, IDbContextFactory<AppDbContext> contexts, TimeProvider time)
    {
        var (filter, errors) = FeedFilter.Read(context.Request.Query);
        if (errors.Any)
        {
            return errors.Problem();
        }

        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"attribution-feed-{time.GetUtcNow():yyyyMMdd-HHmmss}.csv\"";
        await using var db = await contexts.CreateDbContextAsync(context.RequestAborted);
        await WriteCsvAsync(db, filter, context.Response.Body, context.RequestAborted);
        return Results.Empty;
    }

    /// <summary>Streams the filtered feed as CSV to <paramref name="output"/>; returns the number of rows written.</summary>
    public static async Task<long> WriteCsvAsync(AppDbContext db, FeedFilter filter, Stream output, CancellationToken cancellationToken)
    {
        // Trigger names and account handles once, not a lookup per row; rows are written in ~32 KB slices, not one await per line.
        var triggers = await db.Triggers.AsNoTracking().ToDictionaryAsync(t => t.Id, t => Cell(t.Name), cancellationToken);
        var accounts = await db.BusinessAccounts.AsNoTracking().ToDictionaryAsync(a => (a.Platform, a.AccountId), a => Cell(a.Handle), cancellationToken);
        var rows = FeedQuery.Apply(db, filter)
            .OrderByDescending(t => t.OccurredAt).ThenByDescending(t => t.Id)
            .Select(t => new
            {
                t.OccurredAt, t.Platform, t.AccountId, t.ParticipantId, t.Ref, t.AdId, t.Source, t.Arrival, t.TriggerId, t.IsCampaignTouch, t.Passive, t.Simulated, t.ConversationId,
                // Scalar subqueries by primary key: a join or a two-column subquery may reorder or window the whole export.
                Name = db.Conversations.Where(c => c.Id == t.ConversationId).Select(c => c.ParticipantName).FirstOrDefault(),
                Username = db.Conversations.Where(c => c.Id == t.ConversationId).Select(c => c.ParticipantUsername).FirstOrDefault(),
            });
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), bufferSize: 64 * 1024, leaveOpen: true);
        var slice = new StringBuilder(40 * 1024);
        slice.Append(Header).Append("\r\n");
        long count = 0;
        await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            slice.Append(row.OccurredAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)).Append(',')
                .Append(row.Platform).Append(',')
                .Append(Cell(row.AccountId)).Append(',')
                .Append(Cell(row.ParticipantId)).Append(',')
                .Append(Cell(row.Ref)).Append(',')
                .Append(Cell(row.AdId)).Append(',')
                .Append(Cell(row.Source)).Append(',')
                .Append(row.Arrival).Append(',')
                .Append(row.TriggerId?.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(row.TriggerId is { } id && triggers.TryGetValue(id, out var name) ? name : "").Append(',')
                .Append(row.IsCampaignTouch ? "true" : "false").Append(',')
                .Append(row.Passive ? "true" : "false").Append(',')
                .Append(row.Simulated ? "true" : "false").Append(',')
                .Append(row.ConversationId.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Cell(row.Name)).Append(',')
                .Append(Cell(row.Username)).Append(',')
                .Append(accounts.TryGetValue((row.Platform, row.AccountId), out var handle) ? handle : "").Append("\r\n");
            count++;
            if (slice.Length >= 32 * 1024)
            {
                await writer.WriteAsync(slice, cancellationToken);
                slice.Clear();
            }
        }

        await writer.WriteAsync(slice, cancellationToken);
        await writer.FlushAsync(cancellationToken);
        return count;
    }

    /// <summary>RFC 4180 quoting, and a leading ' on text a spreadsheet would run as a formula.</summary>
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}
