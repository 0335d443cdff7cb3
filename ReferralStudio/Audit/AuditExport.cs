using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;
using ReferralStudio.Insight;
using ReferralStudio.Auth;

namespace ReferralStudio.Audit;

/// <summary>CSV of the filtered audit log (<see cref="CsvExport"/>), newest first.</summary>
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

        CsvExport.Start(context.Response, "audit-log", time);
        await using var db = await contexts.CreateDbContextAsync(context.RequestAborted);
        await WriteCsvAsync(filter.Apply(db, day), context.Response.Body, context.RequestAborted);
        return Results.Empty;
    }

    /// <summary>Streams <paramref name="entries"/> as CSV to <paramref name="output"/>; returns the number of rows written.</summary>
    public static Task<long> WriteCsvAsync(IQueryable<AuditEntry> entries, Stream output, CancellationToken cancellationToken) =>
        CsvExport.WriteAsync(entries.AsAsyncEnumerable(), Header, (line, e) => line
            .Append(CsvExport.Time(e.OccurredAt)).Append(',')
            .Append(CsvExport.Cell(e.ActorKind)).Append(',')
            .Append(CsvExport.Cell(e.ActorId)).Append(',')
            .Append(CsvExport.Cell(e.Actor)).Append(',')
            .Append(CsvExport.Cell(e.Action)).Append(',')
            .Append(CsvExport.Cell(e.EntityType)).Append(',')
            .Append(CsvExport.Cell(e.EntityId)).Append(',')
            .Append(CsvExport.Cell(e.EntityName)).Append(',')
            .Append(CsvExport.Cell(e.Summary)).Append(',')
            .Append(CsvExport.Cell(e.Before)).Append(',')
            .Append(CsvExport.Cell(e.After)), output, cancellationToken);
}
