using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using ReferralStudio.Data;
using ReferralStudio.Insight;
using ReferralStudio.Storage.Postgres;
using ReferralStudio.Storage.Sqlite;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Insight;

/// <summary>
/// A migrated SQLite file with 15,000 referral touches: a popular prefix (more than <see cref="FeedQuery.CountCap"/>
/// matches, refs in mixed case), a rare one, refs with '%' and look-alikes for '_', a few without a ref, and
/// times drawn from 2,000 minutes so most touches share their time with others. The 300 conversations have display
/// names (in any case, some with umlauts or a '"', some sharing letters with refs, every tenth none) and usernames
/// (Instagram ones, some WhatsApp ones); two of the three accounts are set up with a handle.
/// <see cref="PostgresFeedDatabase"/> writes the same rows to PostgreSQL.
/// </summary>
public class FeedDatabase : IAsyncLifetime
{
    public static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-11-01T00:00:00Z");
    public static readonly string[] Platforms = ["instagram", "messenger", "whatsapp"];
    public static readonly string[] Arrivals = FeedFilter.Arrivals;
    public static readonly string[] FirstNames = ["Anna", "Jürgen", "ZOË", "Poppy", "ben", "Clara", "Mia"];
    public static readonly string[] LastNames = ["Schmidt", "Müller", "Rare", "O\"Brien", "Looseley", "Lee", "Nowak", "Smith-Jones", "Krüger", "50% Off", "Weber"];
    public static readonly Dictionary<string, string> Handles = new() { ["account-0"] = "shop.example", ["account-1"] = "Example Shop Page" };

    public static string? Name(int conversation) => conversation % 10 == 0 ? null : $"{FirstNames[conversation % 7]} {LastNames[conversation % 11]}";

    public static string? Username(int conversation) => ((conversation - 1) % 3, conversation % 4) switch
    {
        (0, _) => $"{FirstNames[conversation % 7]}.{LastNames[conversation % 11]}{conversation}".ToLowerInvariant().Replace(" ", ""),
        (2, 0) => $"@{FirstNames[conversation % 7].ToLowerInvariant()}_{conversation}",
        _ => null,
    };

    private readonly string _path = TestApp.NewDatabasePath();
    private DbContextOptions<AppDbContext> _options = null!;

    public virtual AppDbContext Open() => new(_options);

    /// <summary>Every touch, read once after the data is written, for the in-memory definition of the feed.</summary>
    public List<ReferralTouch> Touches { get; private set; } = [];

    public Dictionary<long, string> TriggerNames { get; private set; } = [];

    protected static readonly string[] TriggerNamesInOrder = ["Popular", "Rare", "Loose"];

    /// <summary>Each touch's values, in the order of the insert's columns: the same seeded draws on every engine.</summary>
    protected static List<object?[]> TouchValues(long at)
    {
        var random = new Random(20261121);
        var touches = new List<object?[]>(15_000);
        for (var i = 0; i < 15_000; i++)
        {
            var (@ref, trigger) = Ref(i, random);
            var c = 1 + random.Next(300);
            var p = (c - 1) % 3;
            touches.Add([c, i + 1, @ref, Arrivals[random.Next(Arrivals.Length)], at + (random.Next(2_000) * 60_000L), trigger, Platforms[p], $"account-{p}", $"participant-{c}"]);
        }

        return touches;
    }

    /// <summary>Reads back what was written, for <see cref="Touches"/> and <see cref="TriggerNames"/>.</summary>
    protected async Task ReadBackAsync()
    {
        await using var read = Open();
        Touches = await read.ReferralTouches.AsNoTracking().ToListAsync();
        TriggerNames = await read.Triggers.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name);
    }

    public virtual async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _options = new DbContextOptionsBuilder<AppDbContext>().UseSqlite($"Data Source={_path}").Options;
        await using (var db = Open())
        {
            await db.Database.MigrateAsync();
        }

        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync();
        var at = Start.ToUnixTimeMilliseconds();
        foreach (var name in TriggerNamesInOrder)
        {
            await ExecAsync(connection, tx, """
                INSERT INTO Triggers (Name, Pattern, Platforms, AdIds, Priority, Enabled, Tags, GreetingText, GreetingMode, CreatedAt, UpdatedAt)
                VALUES ($name, $name, '[]', '[]', 0, 1, '[]', NULL, 0, $at, $at)
                """, ("$name", name), ("$at", at));
        }

        for (var c = 1; c <= 300; c++)
        {
            var p = (c - 1) % 3;
            await ExecAsync(connection, tx, """
                INSERT INTO Conversations (Id, Platform, AccountId, ParticipantId, ParticipantName, ParticipantUsername, CreatedAt, LastActivityAt, WindowExpiresAt, MessageCount, HasInboundText, HasWaitingGreeting, Simulated)
                VALUES ($id, $platform, $account, $participant, $name, $username, $at, $at, $at, 0, 0, 0, 0)
                """, ("$id", c), ("$platform", Platforms[p]), ("$account", $"account-{p}"), ("$participant", $"participant-{c}"),
                ("$name", (object?)Name(c) ?? DBNull.Value), ("$username", (object?)Username(c) ?? DBNull.Value), ("$at", at));
        }

        foreach (var (account, handle) in Handles)
        {
            await ExecAsync(connection, tx, """
                INSERT INTO BusinessAccounts (Platform, AccountId, Handle, CreatedAt) VALUES ($platform, $account, $handle, $at)
                """, ("$platform", Platforms[int.Parse(account[^1..])]), ("$account", account), ("$handle", handle), ("$at", at));
        }

        await using var insert = connection.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = """
            INSERT INTO ReferralTouches (ConversationId, EventId, Ref, Source, Type, Arrival, Passive, IsCampaignTouch, OccurredAt, ReceivedAt,
                AdId, TriggerId, Platform, AccountId, ParticipantId, Simulated)
            VALUES ($conversation, $event, $ref, 'SHORTLINKS', 'OPEN_THREAD', $arrival, 0, 1, $at, $at, NULL, $trigger, $platform, $account, $participant, 0)
            """;
        foreach (var name in new[] { "$conversation", "$event", "$ref", "$arrival", "$at", "$trigger", "$platform", "$account", "$participant" })
        {
            insert.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        foreach (var values in TouchValues(at))
        {
            for (var v = 0; v < values.Length; v++)
            {
                insert.Parameters[v].Value = values[v] ?? DBNull.Value;
            }

            await insert.ExecuteNonQueryAsync();
        }

        await tx.CommitAsync();
        // Raw inserts, not the processor: the search's index is built from the rows, as after an upgrade.
        await FeedSearchIndex.RebuildAsync(connection);
        await ReadBackAsync();
    }

    /// <summary>Every 200th touch is rare, every 500th has a '%' or a '_' look-alike, every 97th has no ref; the rest are popular or loose.</summary>
    private static (string? Ref, long? Trigger) Ref(int i, Random random) => i switch
    {
        _ when i % 200 == 0 => (new[] { "rare_x", "RARE_y", "Rare_z1" }[random.Next(3)], 2),
        _ when i % 500 == 1 => (new[] { "50%_off", "50x_off", "popxa", "pop%b" }[random.Next(4)], null),
        _ when i % 97 == 2 => (null, null),
        _ => random.Next(100) < 85
            ? (new[] { "pop_a", "Pop_B", "POP_c", "pop_d1", "pop_" }[random.Next(5)], 1)
            : ($"loose_{random.Next(40)}", 3),
    };

    private static async Task ExecAsync(SqliteConnection connection, SqliteTransaction tx, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }

    public virtual Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// <see cref="FeedDatabase"/>'s rows in a PostgreSQL database of its own (one per test class): written with COPY, then
/// <c>feedrefs</c> filled as the processor would have, the name search needing nothing more (a trigram index on the rows).
/// </summary>
public sealed class PostgresFeedDatabase : FeedDatabase
{
    private readonly PostgresDatabase _database = new();

    public override AppDbContext Open() => new PostgresAppDbContext(_database.Options);

    public override async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await _database.MigrateAsync();
        await using var connection = await _database.DataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var at = Start.ToUnixTimeMilliseconds();
        foreach (var name in TriggerNamesInOrder)
        {
            await ExecAsync(connection, """
                INSERT INTO Triggers (Name, Pattern, Platforms, AdIds, Priority, Enabled, Tags, GreetingText, GreetingMode, CreatedAt, UpdatedAt, IsDemo)
                VALUES ($1, $1, '{}', '{}', 0, true, '{}', NULL, 0, $2, $2, false)
                """, name, at);
        }

        for (var c = 1; c <= 300; c++)
        {
            var p = (c - 1) % 3;
            await ExecAsync(connection, """
                INSERT INTO Conversations (Id, Platform, AccountId, ParticipantId, ParticipantName, ParticipantUsername, CreatedAt, LastActivityAt, WindowExpiresAt, MessageCount, HasInboundText, HasWaitingGreeting, Simulated)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $7, 0, false, false, false)
                """, (long)c, Platforms[p], $"account-{p}", $"participant-{c}", Name(c), Username(c), at);
        }

        foreach (var (account, handle) in Handles)
        {
            await ExecAsync(connection, "INSERT INTO BusinessAccounts (Platform, AccountId, Handle, CreatedAt, IsDemo) VALUES ($1, $2, $3, $4, false)",
                Platforms[int.Parse(account[^1..])], account, handle, at);
        }

        await using (var copy = await connection.BeginBinaryImportAsync("""
            COPY referraltouches (conversationid, eventid, ref, source, type, arrival, passive, iscampaigntouch, occurredat, receivedat,
                adid, triggerid, platform, accountid, participantid, simulated) FROM STDIN (FORMAT BINARY)
            """))
        {
            foreach (var values in TouchValues(at))
            {
                await copy.StartRowAsync();
                await copy.WriteAsync((long)(int)values[0]!, NpgsqlDbType.Bigint);
                await copy.WriteAsync((long)(int)values[1]!, NpgsqlDbType.Bigint);
                await copy.WriteAsync(values[2] ?? DBNull.Value, NpgsqlDbType.Text);
                await copy.WriteAsync("SHORTLINKS", NpgsqlDbType.Text);
                await copy.WriteAsync("OPEN_THREAD", NpgsqlDbType.Text);
                await copy.WriteAsync(values[3]!, NpgsqlDbType.Text);
                await copy.WriteAsync(false, NpgsqlDbType.Boolean);
                await copy.WriteAsync(true, NpgsqlDbType.Boolean);
                await copy.WriteAsync((long)values[4]!, NpgsqlDbType.Bigint);
                await copy.WriteAsync((long)values[4]!, NpgsqlDbType.Bigint);
                await copy.WriteNullAsync();
                await copy.WriteAsync(values[5] ?? DBNull.Value, NpgsqlDbType.Bigint);
                await copy.WriteAsync(values[6]!, NpgsqlDbType.Text);
                await copy.WriteAsync(values[7]!, NpgsqlDbType.Text);
                await copy.WriteAsync(values[8]!, NpgsqlDbType.Text);
                await copy.WriteAsync(false, NpgsqlDbType.Boolean);
            }

            await copy.CompleteAsync();
        }

        await ExecAsync(connection, "INSERT INTO feedrefs (ref) SELECT DISTINCT ref FROM referraltouches WHERE ref IS NOT NULL ON CONFLICT DO NOTHING");
        await tx.CommitAsync();
        await ExecAsync(connection, "ANALYZE");
        await ReadBackAsync();
    }

    private static async Task ExecAsync(NpgsqlConnection connection, string sql, params object?[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        await command.ExecuteNonQueryAsync();
    }

    public override async Task DisposeAsync() => await _database.DisposeAsync();
}

/// <summary>
/// The ref-prefix page reads either the prefix's index range or the time index newest first, by how many touches
/// match; both must give exactly the feed's definition: case-insensitive literal prefix, the other filters,
/// newest first with the id breaking ties, and the count capped at <see cref="FeedQuery.CountCap"/>.
/// </summary>
public abstract class FeedQueryChecks(FeedDatabase data)
{
    public static TheoryData<string, string?, long?, int?, int?, string?, string?> Filters() => new()
    {
        // prefix, platform, trigger, since (minutes from the start), until, arrival, search
        { "pop_", null, null, null, null, null, null },
        { "POP_", null, null, null, null, null, null },
        { "Pop_b", null, null, null, null, null, null },
        { "p", null, null, null, null, null, null },
        { "rare_", null, null, null, null, null, null },
        { "RARE_", null, null, null, null, null, null },
        { "rare_z", null, null, null, null, null, null },
        { "50%", null, null, null, null, null, null },
        { "50_", null, null, null, null, null, null },
        { "pop%", null, null, null, null, null, null },
        { "loose_1", null, null, null, null, null, null },
        { "nothing", null, null, null, null, null, null },
        { "pop_", "messenger", null, null, null, null, null },
        { "rare_", "whatsapp", null, null, null, null, null },
        { "pop_", null, 1, null, null, null, null },
        { "pop_", null, 2, null, null, null, null },
        { "rare_", null, 2, null, null, null, null },
        { "pop_", null, null, 300, 900, null, null },
        { "rare_", null, null, 300, 900, null, null },
        { "POP_", null, null, 1_000, null, null, null },
        { "pop_", null, null, null, 40, null, null },
        { "pop_", null, null, null, null, "ad", null },
        { "rare_", null, null, null, null, "postback", null },
        { "pop_", "instagram", 1, 100, 1_500, "standalone", null },
        { "rare_", "messenger", 2, 0, 2_000, null, null },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Both_Plans_Give_Exactly_The_Feed_Definition_On_Every_Page(string prefix, string? platform, long? trigger, int? since, int? until, string? arrival, string? search)
    {
        var filter = new FeedFilter(platform, trigger, prefix, Minutes(since), Minutes(until), arrival, search);
        var expected = Expected(filter);
        foreach (var skip in new[] { 0, 50, 2_000, expected.Count - 30, expected.Count, 12_000 }.Where(s => s >= 0).Distinct())
        {
            var page = expected.Skip(skip).Take(50).ToList();
            foreach (var plan in new[] { FeedQuery.PrefixPlan.ByRef, FeedQuery.PrefixPlan.NewestFirst })
            {
                await using var db = data.Open();
                Assert.Equal(page, await FeedQuery.PrefixPageAsync(db, filter, plan, skip, 50));
            }

            await using (var db = data.Open())
            {
                var (rows, total, more) = await FeedQuery.PageAsync(db, filter, null, skip, 50, default);
                Assert.Equal(page, rows);
                Assert.Equal(Math.Min(expected.Count, FeedQuery.CountCap), total);
                Assert.Equal(expected.Count > FeedQuery.CountCap, more);
            }
        }
    }

    public static TheoryData<string, string?, string?, long?, int?, int?, string?> Searches() => new()
    {
        // search, prefix, platform, trigger, since (minutes from the start), until, arrival
        { "anna", null, null, null, null, null, null },
        { "ANNA", null, null, null, null, null, null },
        { "ürg", null, null, null, null, null, null },
        { "JÜRGEN MÜ", null, null, null, null, null, null },
        { "zoë", null, null, null, null, null, null },
        { "o\"b", null, null, null, null, null, null },
        { "a.sch", null, null, null, null, null, null },
        { "@mia_", null, null, null, null, null, null },
        { "pop", null, null, null, null, null, null },
        { "op_", null, null, null, null, null, null },
        { "50%", null, null, null, null, null, null },
        { "are_", null, null, null, null, null, null },
        { "RARE", null, null, null, null, null, null },
        { "participant-7", null, null, null, null, null, null },
        { "account-1", null, null, null, null, null, null },
        { "nothing here", null, null, null, null, null, null },
        { "anna", null, "instagram", null, null, null, null },
        { "RARE", null, "whatsapp", null, null, null, null },
        { "pop", null, null, 1, null, null, null },
        { "lee", null, null, 3, null, null, null },
        { "rare", null, null, null, 300, 900, null },
        { "pop", null, null, null, 1_000, null, null },
        { "anna", null, null, null, null, null, "ad" },
        { "anna", "pop_", null, null, null, null, null },
        { "account-1", "pop_", null, null, null, null, null },
        { "participant-7", "pop_", null, null, null, null, null },
        { "RARE_X", "rare_", null, null, null, null, null },
        { "pop", null, "instagram", 1, 100, 1_500, "standalone" },
        // Under three characters: a ref prefix, alone or with the prefix filter.
        { "po", null, null, null, null, null, null },
        { "PO", "pop_", null, null, null, null, null },
        { "ra", "pop", null, null, null, null, null },
        { "%", null, null, null, null, null, null },
        { "ü", null, null, null, null, null, null },
    };

    [Theory]
    [MemberData(nameof(Searches))]
    public async Task Both_Search_Plans_Give_Exactly_The_Feed_Definition_On_Every_Page(string search, string? prefix, string? platform, long? trigger, int? since, int? until, string? arrival)
    {
        var filter = new FeedFilter(platform, trigger, prefix, Minutes(since), Minutes(until), arrival, search);
        var expected = Expected(filter);
        foreach (var skip in new[] { 0, 50, 2_000, expected.Count - 30, expected.Count, 12_000 }.Where(s => s >= 0).Distinct())
        {
            var page = expected.Skip(skip).Take(50).ToList();
            if (FeedSearch.Fragment(filter) is { } fragment)
            {
                foreach (var plan in new[] { FeedSearch.SearchPlan.ByMatch, FeedSearch.SearchPlan.NewestFirst })
                {
                    await using var db = data.Open();
                    Assert.Equal(page, await FeedSearch.PageAsync(db, filter, fragment, plan, skip, 50));
                }
            }

            await using (var db = data.Open())
            {
                var (rows, total, more) = await FeedQuery.PageAsync(db, filter, null, skip, 50, default);
                Assert.Equal(page, rows);
                Assert.Equal(Math.Min(expected.Count, FeedQuery.CountCap), total);
                Assert.Equal(expected.Count > FeedQuery.CountCap, more);
            }
        }

        // The CSV export and the other sorts read every match through FeedQuery.Apply.
        await using (var db = data.Open())
        {
            var all = await FeedQuery.Apply(db, filter).Select(t => t.Id).ToListAsync();
            Assert.Equal(expected.Select(r => r.TouchId).Order(), all.Order());
            var byRef = await FeedQuery.Rows(db, filter, "Ref asc").Take(20).ToListAsync();
            // NOCASE folds ASCII letters to lower case only ('_' sorts before letters).
            Assert.Equal(expected.OrderBy(r => r.Ref?.ToLowerInvariant(), StringComparer.Ordinal).ThenByDescending(r => r.TouchId).Take(20).Select(r => r.TouchId), byRef.Select(r => r.TouchId));
        }
    }

    [Fact]
    public async Task Search_Reads_A_Popular_Fragment_Newest_First_And_A_Rare_One_By_Match()
    {
        await using var db = data.Open();
        Assert.Equal(FeedSearch.SearchPlan.NewestFirst, (await FeedSearch.ChoosePlanAsync(db, new FeedFilter(), "pop", 0, 50, default)).Plan);
        Assert.Equal(FeedSearch.SearchPlan.ByMatch, (await FeedSearch.ChoosePlanAsync(db, new FeedFilter(), "pop", 2_000, 50, default)).Plan);
        Assert.Equal(FeedSearch.SearchPlan.ByMatch, (await FeedSearch.ChoosePlanAsync(db, new FeedFilter(), "are_", 0, 50, default)).Plan);
        Assert.Equal(FeedSearch.SearchPlan.ByMatch, (await FeedSearch.ChoosePlanAsync(db, new FeedFilter(), "anna", 0, 50, default)).Plan);
        // With a filter that needs each match's row, the threshold is the candidate cap whatever the page.
        Assert.True(FeedSearch.CandidateCap > Expected(new FeedFilter(Search: "pop")).Count);
        Assert.Equal(FeedSearch.SearchPlan.ByMatch, (await FeedSearch.ChoosePlanAsync(db, new FeedFilter(Platform: "instagram"), "pop", 0, 50, default)).Plan);
    }

    [Fact]
    public void The_Search_Data_Has_Names_Codes_And_Both_In_One_Touch()
    {
        var pop = Expected(new FeedFilter(Search: "pop"));
        Assert.True(pop.Count > FeedQuery.CountCap);
        Assert.Contains(pop, r => r.ParticipantName?.StartsWith("Poppy", StringComparison.Ordinal) == true && r.Ref?.Contains("pop", StringComparison.OrdinalIgnoreCase) == true);
        Assert.Contains(pop, r => r.ParticipantName?.StartsWith("Poppy", StringComparison.Ordinal) == true && r.Ref?.Contains("pop", StringComparison.OrdinalIgnoreCase) != true);
        Assert.InRange(Expected(new FeedFilter(Search: "anna")).Count, 1_000, FeedQuery.CountCap);
        Assert.Contains(Expected(new FeedFilter(Search: "JÜRGEN MÜ")), r => r.ParticipantName == "Jürgen Müller");
        Assert.Contains(Expected(new FeedFilter(Search: "o\"b")), r => r.ParticipantName!.EndsWith("O\"Brien", StringComparison.Ordinal));
        Assert.NotEmpty(Expected(new FeedFilter(Search: "a.sch")));
        Assert.All(Expected(new FeedFilter(Search: "op_")), r => Assert.Contains("op_", r.Ref, StringComparison.OrdinalIgnoreCase));
        Assert.Contains(Expected(new FeedFilter(Search: "50%")), r => r.ParticipantName?.EndsWith("50% Off", StringComparison.Ordinal) == true);
        Assert.Contains(Expected(new FeedFilter(Search: "50%")), r => r.Ref == "50%_off");
        Assert.Contains(Expected(new FeedFilter()), r => r.AccountHandle is null);
    }

    [Fact]
    public void The_Data_Has_Mixed_Case_Ties_And_Literal_Wildcard_Characters()
    {
        var popular = Expected(new FeedFilter(RefPrefix: "pop_"));
        Assert.True(popular.Count > FeedQuery.CountCap);
        Assert.Contains(popular, r => r.Ref == "POP_c");
        Assert.DoesNotContain(popular, r => r.Ref is "popxa" or "pop%b");
        Assert.True(popular.GroupBy(r => r.OccurredAt).Count(g => g.Count() > 1) > 1_000, "most touches share their time with others");

        Assert.Equal(["50%_off"], Expected(new FeedFilter(RefPrefix: "50%")).Select(r => r.Ref).Distinct());
        Assert.Empty(Expected(new FeedFilter(RefPrefix: "50_")));
        Assert.Equal(["pop%b"], Expected(new FeedFilter(RefPrefix: "POP%")).Select(r => r.Ref).Distinct());
        var rare = Expected(new FeedFilter(RefPrefix: "rare_"));
        Assert.InRange(rare.Count, 50, 100);
        Assert.Equal(3, rare.Select(r => r.Ref).Distinct().Count());
    }

    [Fact]
    public async Task Page_Reads_A_Popular_Prefix_Newest_First_And_A_Rare_One_By_Ref()
    {
        await using var db = data.Open();
        Assert.Equal(FeedQuery.PrefixPlan.NewestFirst, (await FeedQuery.ChoosePrefixPlanAsync(db, new FeedFilter(RefPrefix: "POP_"), 0, 50, default)).Plan);
        Assert.Equal(FeedQuery.PrefixPlan.ByRef, (await FeedQuery.ChoosePrefixPlanAsync(db, new FeedFilter(RefPrefix: "pop_"), 2_000, 50, default)).Plan);
        Assert.Equal(FeedQuery.PrefixPlan.ByRef, (await FeedQuery.ChoosePrefixPlanAsync(db, new FeedFilter(RefPrefix: "rare_"), 0, 50, default)).Plan);
        Assert.Equal(FeedQuery.PrefixPlan.ByRef, (await FeedQuery.ChoosePrefixPlanAsync(db, new FeedFilter(RefPrefix: "pop_", Arrival: "ad"), 0, 50, default)).Plan);
        // Every date range here holds fewer than SmallWindow touches: walked whole.
        Assert.Equal(FeedQuery.PrefixPlan.NewestFirst, (await FeedQuery.ChoosePrefixPlanAsync(db, new FeedFilter(RefPrefix: "rare_", Since: Minutes(300)), 0, 50, default)).Plan);
        Assert.False(FeedQuery.ChoosesPrefixPlan(new FeedFilter(RefPrefix: "pop_", Platform: "instagram"), null));
        Assert.False(FeedQuery.ChoosesPrefixPlan(new FeedFilter(RefPrefix: "pop_"), "Ref asc"));
    }

    [Fact]
    public async Task The_Ref_Index_Keeps_Each_Refs_Touches_Newest_First()
    {
        // The model says so (IsDescending) and the migrations must agree: the by-ref plan is only fast with it.
        await using var db = data.Open();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        if (db.IsPostgres())
        {
            // lower(ref), as the queries compare it; text_pattern_ops so a prefix's LIKE can use it too; the id last, as SQLite's rowid;
            // the ref itself carried, so a prefix's count and page are read from the index alone.
            command.CommandText = "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_referraltouches_lowerref_occurredat_id'";
            Assert.Equal("CREATE INDEX ix_referraltouches_lowerref_occurredat_id ON public.referraltouches USING btree (lower(ref) text_pattern_ops, occurredat DESC, id DESC) INCLUDE (ref)", await command.ExecuteScalarAsync());
            return;
        }

        command.CommandText = "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'IX_ReferralTouches_Ref_OccurredAt'";
        Assert.Equal("""CREATE INDEX "IX_ReferralTouches_Ref_OccurredAt" ON "ReferralTouches" ("Ref", "OccurredAt" DESC)""", await command.ExecuteScalarAsync());
    }

    private static DateTimeOffset? Minutes(int? minutes) => minutes is { } m ? FeedDatabase.Start.AddMinutes(m) : null;

    /// <summary>
    /// The feed by its definition, computed in memory from every touch: a ref starting with the prefix ignoring
    /// case, taken literally. A search of three characters or more matches, ignoring case and literally, anywhere in the
    /// conversation's display name or username or the touch's ref, or exactly its participant, ad or account id; a
    /// shorter one is a ref prefix.
    /// </summary>
    private List<FeedRow> Expected(FeedFilter f) => data.Touches
        .Where(t => f.RefPrefix is null || StartsWith(t.Ref, f.RefPrefix))
        .Where(t => f.Platform is null || t.Platform == f.Platform)
        .Where(t => f.TriggerId is null || t.TriggerId == f.TriggerId)
        .Where(t => f.Since is null || t.OccurredAt >= f.Since)
        .Where(t => f.Until is null || t.OccurredAt < f.Until)
        .Where(t => f.Arrival is null || t.Arrival == f.Arrival)
        .Where(t => f.Search is not { } q || (q.EnumerateRunes().Count() < 3 ? StartsWith(t.Ref, q)
            : Contains(FeedDatabase.Name((int)t.ConversationId), q) || Contains(FeedDatabase.Username((int)t.ConversationId), q) || Contains(t.Ref, q)
                || t.ParticipantId == q || t.AdId == q || t.AccountId == q))
        .OrderByDescending(t => t.OccurredAt).ThenByDescending(t => t.Id)
        .Select(t => new FeedRow(t.Id, t.ConversationId, t.OccurredAt, t.Platform, t.AccountId, FeedDatabase.Handles.GetValueOrDefault(t.AccountId),
            t.ParticipantId, FeedDatabase.Name((int)t.ConversationId), FeedDatabase.Username((int)t.ConversationId), t.Ref, t.AdId, t.Source, t.Arrival,
            t.TriggerId, t.TriggerId is { } id ? data.TriggerNames[id] : null, t.IsCampaignTouch, t.Passive, t.Simulated))
        .ToList();

    private static bool StartsWith(string? value, string prefix) => value?.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ?? false;

    private static bool Contains(string? value, string fragment) => value?.Contains(fragment, StringComparison.OrdinalIgnoreCase) ?? false;
}

/// <summary><see cref="FeedQueryChecks"/> on the SQLite file.</summary>
public sealed class FeedQueryTests(FeedDatabase data) : FeedQueryChecks(data), IClassFixture<FeedDatabase>;

/// <summary><see cref="FeedQueryChecks"/> on PostgreSQL: the same pages, counts and plans.</summary>
public sealed class PostgresFeedQueryTests(PostgresFeedDatabase data) : FeedQueryChecks(data), IClassFixture<PostgresFeedDatabase>;
