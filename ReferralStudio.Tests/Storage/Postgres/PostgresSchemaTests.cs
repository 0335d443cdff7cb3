using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;
using ReferralStudio.Inbox;
using ReferralStudio.Storage.Postgres;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Storage.Postgres;

/// <summary>The PostgreSQL migrations: they create what the model says, in lower case, with what SQLite does by other means.</summary>
public sealed class PostgresSchemaTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => database.MigrateAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Migrations_Apply_To_An_Empty_Database_And_Match_The_Model()
    {
        await using var db = new PostgresAppDbContext(database.Options);

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges());
        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM inboxcursors WHERE id = 1 AND lastdeliveryid = 0"));
    }

    [Fact]
    public void The_Sqlite_Model_Still_Matches_Its_Own_Migrations()
    {
        using var db = new AppDbContext(new DbContextOptionsBuilder<AppDbContext>().UseSqlite("Data Source=:memory:").Options);

        Assert.False(db.Database.HasPendingModelChanges());
    }

    [Fact]
    public async Task Every_Name_Is_Lower_Case_So_Unquoted_Sql_Finds_It()
    {
        // EF Core's own history table keeps its names: only EF reads it, quoted.
        var upper = await database.ScalarAsync<long>("""
            SELECT (SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> lower(table_name)
                        AND table_name <> '__EFMigrationsHistory')
                 + (SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' AND column_name <> lower(column_name)
                        AND table_name <> '__EFMigrationsHistory')
                 + (SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' AND indexname <> lower(indexname)
                        AND tablename <> '__EFMigrationsHistory')
                 + (SELECT count(*) FROM information_schema.table_constraints WHERE table_schema = 'public' AND constraint_name <> lower(constraint_name)
                        AND table_name <> '__EFMigrationsHistory')
            """);

        Assert.Equal(0L, upper);
        // The extras keep their names (set explicitly on SQLite), lower-cased too.
        Assert.Equal(1L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'referraltouches' AND column_name = 'ctwaclid'"));
    }

    [Fact]
    public async Task Booleans_Are_Native_And_Times_Are_Milliseconds()
    {
        Assert.Equal("boolean", await ColumnType("referraltouches", "simulated"));
        Assert.Equal("boolean", await ColumnType("inbounddeliveries", "simulated"));
        Assert.Equal("bigint", await ColumnType("referraltouches", "occurredat"));
        Assert.Equal("bigint", await ColumnType("inbounddeliveries", "receivedat"));
        Assert.Equal("bytea", await ColumnType("inbounddeliveries", "body"));
    }

    [Fact]
    public async Task What_Sqlite_Does_With_Nocase_Fts5_And_A_Temp_View_Exists_In_Postgres_Terms()
    {
        Assert.Contains("lower(ref) text_pattern_ops, occurredat DESC, id DESC", await IndexDefinition("ix_referraltouches_lowerref_occurredat_id"));
        Assert.Contains("(triggerid, lower(ref), adid)", await IndexDefinition("ix_campaignkeys_triggerid_lowerref_adid"));
        Assert.Contains("(conversationid, lower(label))", await IndexDefinition("ix_conversationtags_conversationid_lowerlabel"));
        Assert.Contains("gin (participantname gin_trgm_ops, participantusername gin_trgm_ops)", await IndexDefinition("ix_conversations_participant_trgm"));
        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'"));
        Assert.Equal(1L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM information_schema.table_constraints WHERE table_name = 'feedrefs' AND constraint_type = 'PRIMARY KEY'"));
        // The view's columns, in SqliteFiles.ViewSql's order.
        Assert.Equal(
            "id,receivedat,status,objecttype,body,reason,processedat,eventcount,duplicatecount,rejectedeventcount,ignoredeventcount,simulated",
            await database.ScalarAsync<string>(
                "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'deliverieswithoutcomes'"));
    }

    [Theory]
    // The feed's by-ref plan: one ref, newest first; and a ref prefix (a bytewise range, whatever the collation).
    [InlineData("SELECT id FROM referraltouches WHERE lower(ref) = 'summer' ORDER BY occurredat DESC, id DESC LIMIT 50", "ix_referraltouches_lowerref_occurredat_id")]
    [InlineData("SELECT id FROM referraltouches WHERE lower(ref) LIKE 'summ%'", "ix_referraltouches_lowerref_occurredat_id")]
    // A prefix's count from the ref index alone (it carries the ref: PostgreSQL reads no expression index alone without the column).
    [InlineData("SELECT COUNT(*) FROM referraltouches WHERE lower(ref) LIKE 'summ%'", "Index Only Scan using ix_referraltouches_lowerref_occurredat_id")]
    // A name search's touches by conversation, with their ids, from the index alone.
    [InlineData("SELECT id, occurredat FROM referraltouches WHERE conversationid = 7", "Index Only Scan using ix_referraltouches_conversationid_occurredat_id")]
    // The campaign report's partial hours look each touch's key up by the expressions PostgresCampaignRollup.SameKey compares.
    [InlineData("SELECT k.id FROM referraltouches t JOIN campaignkeys k ON " +
        "COALESCE(k.triggerid, 0) = COALESCE(t.triggerid, 0) AND COALESCE(lower(k.ref), '') = COALESCE(lower(t.ref), '') AND COALESCE(k.adid, '') = COALESCE(t.adid, '') " +
        "WHERE t.id = 7", "ix_campaignkeys_samekey")]
    // Name search anywhere in the name or the username, ignoring case.
    [InlineData("SELECT id FROM conversations WHERE participantname ILIKE '%anna%' OR participantusername ILIKE '%anna%'", "ix_conversations_participant_trgm")]
    // The feed's newest-first page in its full order (time, then id) with a platform filter, read from its index.
    [InlineData("SELECT id FROM referraltouches WHERE platform = 'instagram' ORDER BY occurredat DESC, id DESC LIMIT 50", "ix_referraltouches_platform_occurredat_id")]
    public async Task The_Dashboards_Searches_Can_Use_Their_Indexes(string query, string index)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        // Empty tables: without this the planner would rightly scan them. The question is whether the index can serve.
        command.CommandText = "SET enable_seqscan = off; EXPLAIN " + query;
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        Assert.Contains(plan, line => line.Contains(index, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_Deliveries_View_Shows_Each_Stored_Delivery_With_Its_Outcome()
    {
        var inbox = new PostgresInbox(database.DataSource);
        var ids = new long[2];
        using (var appender = inbox.OpenAppender())
        {
            appender.Append(
            [
                new InboxItem("{\"object\":\"page\"}"u8.ToArray(), DeliveryStatus.Pending, "page", null, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123)),
                new InboxItem("not json"u8.ToArray(), DeliveryStatus.Rejected, null, "not JSON", DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_456), simulated: true),
            ], ids);
        }

        await using (var db = new PostgresAppDbContext(database.Options))
        {
            db.DeliveryOutcomes.Add(new DeliveryOutcome
            {
                DeliveryId = ids[0], Status = DeliveryStatus.Processed, ProcessedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_001_000), EventCount = 3, DuplicateCount = 1,
            });
            await db.SaveChangesAsync();
        }

        await using (var db = new PostgresAppDbContext(database.Options))
        {
            var rows = await db.InboundDeliveries.AsNoTracking().Where(d => ids.Contains(d.Id)).OrderBy(d => d.Id).ToListAsync();

            Assert.Equal([DeliveryStatus.Processed, DeliveryStatus.Rejected], rows.Select(r => r.Status));
            Assert.Equal([3, 0], rows.Select(r => r.EventCount));
            Assert.Equal(1, rows[0].DuplicateCount);
            Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_001_000), rows[0].ProcessedAt);
            Assert.Null(rows[1].ProcessedAt);
            Assert.Equal("not JSON", rows[1].Reason);
            Assert.Equal([false, true], rows.Select(r => r.Simulated));
            Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123), rows[0].ReceivedAt);
            Assert.Equal("{\"object\":\"page\"}"u8.ToArray(), rows[0].Body);
        }
    }

    private Task<string> ColumnType(string table, string column) =>
        database.ScalarAsync<string>($"SELECT data_type FROM information_schema.columns WHERE table_name = '{table}' AND column_name = '{column}'");

    private Task<string> IndexDefinition(string name) =>
        database.ScalarAsync<string>($"SELECT indexdef FROM pg_indexes WHERE indexname = '{name}'");
}
