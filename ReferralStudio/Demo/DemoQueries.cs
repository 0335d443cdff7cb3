using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ReferralStudio.Data;

namespace ReferralStudio.Demo;

/// <summary>
/// What is demo and what is not, in SQL. Demo conversations are those on demo account ids
/// (<see cref="DemoDataGenerator.AccountPrefix"/>, never an id Meta issues: Meta's are numeric), and every row keyed to
/// them is theirs; demo triggers and accounts carry <c>IsDemo</c>. Written once for SQLite and PostgreSQL: unquoted names,
/// <c>TRUE</c> for flags, <c>EXISTS</c> read as a boolean, counts cast to integer, <c>@name</c> parameters.
/// </summary>
internal static class DemoQueries
{
    // The prefix as a range ('demo-' up to 'demo.'), so an index on the column can seek it, where LIKE cannot.
    private static readonly string PrefixEnd = DemoDataGenerator.AccountPrefix[..^1] + (char)(DemoDataGenerator.AccountPrefix[^1] + 1);

    /// <summary>A condition true for the demo's account ids in <paramref name="column"/>.</summary>
    public static string IsDemoAccount(string column) => $"({column} >= '{DemoDataGenerator.AccountPrefix}' AND {column} < '{PrefixEnd}')";

    /// <summary>The ids of the demo conversations, as a subquery.</summary>
    public static string DemoConversationIds { get; } = $"(SELECT Id FROM Conversations WHERE {IsDemoAccount("AccountId")})";

    /// <summary>
    /// A campaign touch in [from, until) on an account that is not the demo's. Walks the distinct accounts through
    /// the (AccountId, OccurredAt) index, one seek each, then seeks each non-demo account's range: a handful of index
    /// seeks however many demo or real touches there are, where scanning the range by time would pass every demo
    /// touch in it first.
    /// </summary>
    public static string RealAttributionSql { get; } = $"""
        WITH RECURSIVE accounts (Id) AS (
            SELECT MIN(AccountId) FROM ReferralTouches
            UNION ALL
            SELECT (SELECT MIN(t.AccountId) FROM ReferralTouches t WHERE t.AccountId > a.Id) FROM accounts a WHERE a.Id IS NOT NULL)
        SELECT EXISTS (
            SELECT 1 FROM accounts a
            WHERE a.Id IS NOT NULL AND NOT {IsDemoAccount("a.Id")}
              AND EXISTS (SELECT 1 FROM ReferralTouches t
                          WHERE t.AccountId = a.Id AND t.OccurredAt >= @from AND t.OccurredAt < @until AND t.IsCampaignTouch = TRUE)) AS Value
        """;

    private static readonly string HasDemoDataSql = $"""
        SELECT EXISTS (SELECT 1 FROM BusinessAccounts WHERE IsDemo = TRUE)
            OR EXISTS (SELECT 1 FROM Triggers WHERE IsDemo = TRUE)
            OR EXISTS (SELECT 1 FROM ReferralTouches WHERE {IsDemoAccount("AccountId")}) AS Value
        """;

    private static readonly string SummarySql = $"""
        SELECT CAST((SELECT COUNT(*) FROM Conversations WHERE {IsDemoAccount("AccountId")}) AS INTEGER) AS Conversations,
               CAST((SELECT COUNT(*) FROM Conversions WHERE ConversationId IN {DemoConversationIds}) AS INTEGER) AS Conversions,
               CAST((SELECT COUNT(*) FROM Triggers WHERE IsDemo = TRUE) AS INTEGER) AS Triggers,
               CAST((SELECT COUNT(*) FROM BusinessAccounts WHERE IsDemo = TRUE) AS INTEGER) AS Accounts
        """;

    /// <summary>The ids of the deliveries that carried demo events (the inbox keeps only bodies, so they are found by their events).</summary>
    public static string DemoDeliveryIdsSql { get; } = $"SELECT DISTINCT DeliveryId AS Value FROM WebhookEvents WHERE {IsDemoAccount("AccountId")}";

    public static async Task<bool> HasRealAttributionAsync(AppDbContext db, DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var rows = await db.Database.SqlQueryRaw<bool>(
            RealAttributionSql, Parameter(db, "@from", UnixMs.From(from)), Parameter(db, "@until", UnixMs.From(until))).ToListAsync(cancellationToken);
        return rows[0];
    }

    /// <summary>Any demo row: an account or trigger it made, or a touch on its accounts (an index seek).</summary>
    public static async Task<bool> HasDemoDataAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.Database.SqlQueryRaw<bool>(HasDemoDataSql).ToListAsync(cancellationToken);
        return rows[0];
    }

    /// <summary>
    /// Counts what a clear removes. Conversations have no account index (the processor keeps none it does not read by),
    /// so this reads the table once: fine for a confirmation, not for every page view.
    /// </summary>
    public static async Task<DemoSummary> SummarizeAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.Database.SqlQueryRaw<SummaryRow>(SummarySql).ToListAsync(cancellationToken);
        var row = rows[0];
        return new DemoSummary(row.Conversations, row.Conversions, row.Triggers, row.Accounts);
    }

    /// <summary>A named parameter of the context's engine (both read <c>@name</c>).</summary>
    private static DbParameter Parameter(AppDbContext db, string name, object value) =>
        db.Database.IsNpgsql() ? new NpgsqlParameter(name, value) : new SqliteParameter(name, value);

    private sealed record SummaryRow(int Conversations, int Conversions, int Triggers, int Accounts);
}
