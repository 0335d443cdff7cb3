using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;

namespace ReferralStudio.Insight;

/// <summary>
/// CSV export of the filtered feed, streamed row by row from the database reader to the response,
/// so memory stays flat however many rows match.
/// </summary>
public static class FeedExport
{
    public static readonly string Header = "occurred_at,platform,account_id,participant_id,ref,ad_id,source,arrival,trigger_id,trigger,campaign_touch,passive,simulated,conversation_id";

    public static IEndpointRouteBuilder MapFeedExport(this IEndpointRouteBuilder app)
    {
        app.MapGet("/feed/export.csv", ExportAsync).RequireAuthorization().ExcludeFromDescription();
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
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), bufferSize: 64 * 1024, leaveOpen: true);
        await writer.WriteAsync(Header + "\r\n");
        var line = new StringBuilder(256);
        long rows = 0;
        await foreach (var row in FeedQuery.Rows(db, filter, null).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            line.Clear();
            line.Append(row.OccurredAt.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)).Append(',')
                .Append(row.Platform).Append(',')
                .Append(Cell(row.AccountId)).Append(',')
                .Append(Cell(row.ParticipantId)).Append(',')
                .Append(Cell(row.Ref)).Append(',')
                .Append(Cell(row.AdId)).Append(',')
                .Append(Cell(row.Source)).Append(',')
                .Append(row.Arrival).Append(',')
                .Append(row.TriggerId?.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Cell(row.TriggerName)).Append(',')
                .Append(row.CampaignTouch ? "true" : "false").Append(',')
                .Append(row.Passive ? "true" : "false").Append(',')
                .Append(row.Simulated ? "true" : "false").Append(',')
                .Append(row.ConversationId.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
            await writer.WriteAsync(line, cancellationToken);
            rows++;
        }

        await writer.FlushAsync(cancellationToken);
        return rows;
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
