using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Conversions;
using ReferralStudio.Data;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Conversions;

/// <summary>Compares <see cref="CampaignReport"/> with the base-table query it replaced (<see cref="CampaignReference"/>).</summary>
public static class CampaignCheck
{
    public static Task SameAsReferenceAsync(TestApp app, bool firstTouch, DateTimeOffset? since, DateTimeOffset? until, string context) =>
        SameAsReferenceAsync(
            app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext,
            app.Services.GetRequiredService<CampaignCaches>(),
            firstTouch, since, until, context);

    public static async Task SameAsReferenceAsync(
        Func<AppDbContext> contexts, CampaignCaches caches, bool firstTouch, DateTimeOffset? since, DateTimeOffset? until, string context)
    {
        CampaignReportDto expected, actual;
        await using (var db = contexts())
        {
            expected = await CampaignReference.RunAsync(db, firstTouch, since, until, default);
        }

        await using (var db = contexts())
        {
            actual = await CampaignReport.RunAsync(db, caches, firstTouch, since, until, default);
        }

        var what = $"{context}, {(firstTouch ? "first" : "last")} touch, [{since:O}, {until:O})";
        Same(expected.ByRef, actual.ByRef, what + ", by ref");
        Same(expected.ByTrigger, actual.ByTrigger, what + ", by trigger");
    }

    /// <summary>
    /// Same rows in the same order with the same counts. A code seen in several spellings is one row shown in one
    /// of them, as before (compared ignoring case); values are sums of doubles added in another order, so they
    /// may differ in the last bits.
    /// </summary>
    public static void Same(IReadOnlyList<CampaignRowDto> expected, IReadOnlyList<CampaignRowDto> actual, string what)
    {
        for (var i = 0; i < Math.Max(expected.Count, actual.Count); i++)
        {
            var e = i < expected.Count ? expected[i] : null;
            var a = i < actual.Count ? actual[i] : null;
            var same = e is not null && a is not null
                && e.TriggerId == a.TriggerId && e.TriggerName == a.TriggerName
                && string.Equals(e.Ref, a.Ref, StringComparison.OrdinalIgnoreCase) && e.AdId == a.AdId
                && e.Conversations == a.Conversations && e.ConvertedConversations == a.ConvertedConversations
                && e.Conversions == a.Conversions && e.ConversionRate == a.ConversionRate
                && e.Touches == a.Touches && e.Scans == a.Scans && e.ConversationsPerScan == a.ConversationsPerScan
                && Math.Abs(e.ConversionValue - a.ConversionValue) <= 1e-9 * Math.Max(1, Math.Abs(e.ConversionValue));
            Assert.True(same, $"{what}: row {i} of {expected.Count} expected {e}, got {a} (of {actual.Count})");
        }
    }

    /// <summary>Every rollup row: (table, model, start, key id) with its figures, in key order.</summary>
    public static async Task<List<string>> RollupAsync(string databasePath)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath}");
        await connection.OpenAsync();
        return await RollupAsync(connection);
    }

    /// <summary>The same on an open connection of either engine (the SQL is unquoted: PostgreSQL folds it to its names).</summary>
    public static async Task<List<string>> RollupAsync(DbConnection connection)
    {
        var rows = new List<string>();
        foreach (var table in new[] { "CampaignHours", "CampaignDays" })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT Model, Start, KeyId, Conversations, Converted, Conversions, Value, Touches FROM {table} ORDER BY Model, Start, KeyId";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                // Values rounded: the same sums added in another order.
                rows.Add($"{table} {reader.GetInt32(0)} {reader.GetInt64(1)} {reader.GetInt64(2)}: {reader.GetInt32(3)} {reader.GetInt32(4)} {reader.GetInt32(5)} {Math.Round(reader.GetDouble(6), 6):R} {reader.GetInt32(7)}");
            }
        }

        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT Start, TriggerId, Touches FROM TouchQuarters ORDER BY Start, TriggerId";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add($"TouchQuarters {reader.GetInt64(0)} {reader.GetInt64(1)}: {reader.GetInt32(2)}");
            }
        }

        return rows;
    }

    /// <summary>The rollup as maintained equals the rollup rebuilt from the base tables.</summary>
    public static async Task RollupEqualsRebuildAsync(string databasePath)
    {
        var maintained = await RollupAsync(databasePath);
        await using (var connection = new SqliteConnection($"Data Source={databasePath}"))
        {
            await connection.OpenAsync();
            await CampaignRollup.RebuildAsync(connection);
        }

        var rebuilt = await RollupAsync(databasePath);
        Assert.Equal(rebuilt, maintained);
    }

    /// <summary>The same for <paramref name="app"/>'s database, on its engine.</summary>
    public static async Task RollupEqualsRebuildAsync(TestApp app)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var maintained = await RollupAsync(connection);
        await CampaignRollup.RebuildAsync(connection);
        Assert.Equal(await RollupAsync(connection), maintained);
    }
}
