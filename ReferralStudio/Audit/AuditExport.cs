using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;
using ReferralStudio.Insight;
using ReferralStudio.Auth;

namespace ReferralStudio.Audit;

/// <summary>CSV of the filtered audit log, newest first, streamed from the database reader to the response.</summary>
public static class AuditExport
{
    public const string Path = "/settings/audit/export.csv";

    // New columns go at the end, so a sheet that reads the old ones by position keeps working.
    public const string Header = "occurred_at,actor_kind,actor_id,actor,action,entity_type,entity_id,entity_name,summary,before,after";

    public static IEndpointRouteBuilder MapAuditExport(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, ExportAsync).RequireAuthorization(StudioRoles.Policies.Administer).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ExportAsync(HttpContext context, IDbContextFactory<AppDbContext> contexts, BusinessDay day, TimeProvider time)
    {
        var (filter, errors) = AuditFilter.Read(context.Request.Query);
        if (errors.Any)
        {
            return errors.Problem();
        }

        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"audit-log-{time.GetUtcNow():yyyyMMdd-HHmmss}.csv\"";
        await using var db = await contexts.CreateDbContextAsync(context.RequestAborted);
        await WriteCsvAsync(filter.Apply(db, day), context.Response.Body, context.RequestAborted);
        return Results.Empty;
    }

    /// <summary>Streams <paramref name="entries"/> as CSV to <paramref name="output"/>; returns the number of rows written.</summary>
    public static async Task<long> WriteCsvAsync(IQueryable<AuditEntry> entries, Stream output, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), bufferSize: 64 * 1024, leaveOpen: true);
        var slice = new StringBuilder(40 * 1024);
        slice.Append(Header).Append("\r\n");
        long count = 0;
        await foreach (var e in entries.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            slice.Append(e.OccurredAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)).Append(',')
                .Append(FeedExport.Cell(e.ActorKind)).Append(',')
                .Append(FeedExport.Cell(e.ActorId)).Append(',')
                .Append(FeedExport.Cell(e.Actor)).Append(',')
                .Append(FeedExport.Cell(e.Action)).Append(',')
                .Append(FeedExport.Cell(e.EntityType)).Append(',')
                .Append(FeedExport.Cell(e.EntityId)).Append(',')
                .Append(FeedExport.Cell(e.EntityName)).Append(',')
                .Append(FeedExport.Cell(e.Summary)).Append(',')
                .Append(FeedExport.Cell(e.Before)).Append(',')
                .Append(FeedExport.Cell(e.After)).Append("\r\n");
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
}
