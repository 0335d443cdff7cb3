using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;
using ReferralStudio.Auth;

namespace ReferralStudio.Insight;

/// <summary>CSV export of the filtered feed (<see cref="CsvExport"/>), newest first.</summary>
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

        CsvExport.Start(context.Response, "attribution-feed", time);
        await using var db = await contexts.CreateDbContextAsync(context.RequestAborted);
        await WriteCsvAsync(db, filter, context.Response.Body, context.RequestAborted);
        return Results.Empty;
    }

    /// <summary>Streams the filtered feed as CSV to <paramref name="output"/>; returns the number of rows written.</summary>
    public static async Task<long> WriteCsvAsync(AppDbContext db, FeedFilter filter, Stream output, CancellationToken cancellationToken)
    {
        // Trigger names and account handles once, not a lookup per row.
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
        return await CsvExport.WriteAsync(rows.AsAsyncEnumerable(), Header, (line, row) => line
            .Append(CsvExport.Time(row.OccurredAt)).Append(',')
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
            .Append(accounts.TryGetValue((row.Platform, row.AccountId), out var handle) ? handle : ""), output, cancellationToken);
    }

    private static string Cell(string? value) => CsvExport.Cell(value);
}
