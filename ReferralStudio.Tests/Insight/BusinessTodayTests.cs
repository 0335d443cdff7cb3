using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Time.Testing;
using ReferralStudio.Data;
using ReferralStudio.Insight;
using ReferralStudio.Live;
using ReferralStudio.Storage.Postgres;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Insight;

/// <summary>
/// The overview's "attributed today", its chart's days and the live board's counts, on a real SQLite file, in the
/// business's time zone: both count the same day, and the chart has one bar per day of the range, today's partial.
/// <see cref="PostgresBusinessTodayTests"/> asks the same of PostgreSQL.
/// </summary>
public class BusinessTodayTests : IAsyncLifetime
{
    private TempDatabase? _database;
    private long _next;

    public virtual async Task InitializeAsync()
    {
        _database = new();
        await using var db = Open();
        await db.Database.MigrateAsync();
    }

    public virtual Task DisposeAsync()
    {
        _database?.Dispose();
        return Task.CompletedTask;
    }

    protected virtual AppDbContext Open() => new(_database!.Options);

    /// <summary>Runs raw inserts with the foreign keys off (a touch and its conversation name each other).</summary>
    protected virtual Task ExecuteAsync(string inserts) => _database!.ExecuteAsync("PRAGMA foreign_keys = OFF;" + inserts);

    /// <summary>How the engine's SQL writes false and true.</summary>
    protected virtual (string False, string True) Booleans => ("0", "1");

    private static BusinessDay In(string zone, string now) =>
        new(new FakeTimeProvider(DateTimeOffset.Parse(now)), TimeZoneInfo.FindSystemTimeZoneById(zone));

    /// <summary>Conversations first attributed at each instant, by a campaign touch of ref <c>spring</c> at the same instant.</summary>
    private async Task AttributedAtAsync(params string[] instants)
    {
        var (f, t) = Booleans;
        var sql = new System.Text.StringBuilder();
        foreach (var instant in instants)
        {
            var id = ++_next;
            var at = DateTimeOffset.Parse(instant).ToUnixTimeMilliseconds();
            sql.Append($"""
                INSERT INTO Conversations (Id, Platform, AccountId, ParticipantId, CreatedAt, LastActivityAt, WindowExpiresAt, FirstReferralId, FirstReferralAt,
                    LatestReferralId, LastReferralAt, MessageCount, HasInboundText, HasWaitingGreeting, Simulated)
                VALUES ({id}, 'instagram', 'acct', 'person-{id}', {at}, {at}, {at}, {id}, {at}, {id}, {at}, 1, {f}, {f}, {f});
                INSERT INTO ReferralTouches (Id, ConversationId, EventId, Ref, Source, Type, Arrival, Passive, IsCampaignTouch, OccurredAt, ReceivedAt, Platform, AccountId, ParticipantId, Simulated)
                VALUES ({id}, {id}, {id}, 'spring', 'SHORTLINKS', 'OPEN_THREAD', 'standalone', {f}, {t}, {at}, {at}, 'instagram', 'acct', 'person-{id}', {f});
                """);
        }

        await ExecuteAsync(sql.ToString());
    }

    private static DateOnly Day(int year, int month, int day) => new(year, month, day);

    [Fact]
    public async Task Per_Day_Counts_Fall_On_Berlin_Days_Across_The_Spring_Change_Zero_Filled_With_Today_Partial()
    {
        var days = In("Europe/Berlin", "2026-03-30T10:00:00Z");
        await AttributedAtAsync(
            "2026-03-26T22:30:00Z", // 23:30 on the 26th: before the range
            "2026-03-26T23:30:00Z", // 00:30 on the 27th
            "2026-03-28T22:59:00Z", // 23:59 on the 28th (CET)
            "2026-03-28T23:00:00Z", // 00:00 on the 29th, the 23-hour day
            "2026-03-29T21:59:00Z", // 23:59 on the 29th (CEST)
            "2026-03-29T22:00:00Z"); // 00:00 on the 30th, today
        await using var db = Open();

        var perDay = await InsightQueries.AttributedPerDayAsync(db, days, Day(2026, 3, 27), Day(2026, 3, 31), default);

        Assert.Equal(
            [
                new DayCount(Day(2026, 3, 27), 1, false),
                new DayCount(Day(2026, 3, 28), 1, false),
                new DayCount(Day(2026, 3, 29), 2, false),
                new DayCount(Day(2026, 3, 30), 1, true),
                new DayCount(Day(2026, 3, 31), 0, false),
            ],
            perDay);
    }

    [Fact]
    public async Task Per_Day_Counts_Fall_On_New_York_Days_Across_The_Autumn_Change()
    {
        // Late on 1 November in New York, the 25-hour day: 01:30 happened twice.
        var days = In("America/New_York", "2026-11-02T04:30:00Z");
        await AttributedAtAsync(
            "2026-10-31T03:59:00Z", // 23:59 on 30 October (EDT)
            "2026-11-01T04:30:00Z", // 00:30 on 1 November (EDT)
            "2026-11-01T05:30:00Z", // 01:30 EDT
            "2026-11-01T06:30:00Z", // 01:30 EST
            "2026-11-02T04:29:00Z"); // 23:29 EST, a minute ago
        await using var db = Open();

        var perDay = await InsightQueries.AttributedPerDayAsync(db, days, Day(2026, 10, 30), Day(2026, 11, 1), default);

        Assert.Equal([new DayCount(Day(2026, 10, 30), 1, false), new DayCount(Day(2026, 10, 31), 0, false), new DayCount(Day(2026, 11, 1), 4, true)], perDay);
    }

    [Fact]
    public async Task Per_Day_Counts_In_A_Zone_East_Of_Utc_Off_The_Hour()
    {
        // Kathmandu is UTC+05:45: its days start at 18:15 UTC.
        var days = In("Asia/Kathmandu", "2026-11-25T06:00:00Z");
        await AttributedAtAsync("2026-11-19T18:14:59Z", "2026-11-19T18:15:00Z", "2026-11-20T18:14:59Z", "2026-11-22T12:00:00Z");
        await using var db = Open();

        var perDay = await InsightQueries.AttributedPerDayAsync(db, days, Day(2026, 11, 19), Day(2026, 11, 23), default);

        Assert.Equal([1, 2, 0, 1, 0], perDay.Select(d => d.Count));
        Assert.DoesNotContain(perDay, d => d.Partial);
    }

    [Fact]
    public async Task An_Empty_Range_Has_No_Days_And_A_Range_Without_Data_Has_Zeros()
    {
        var days = In("America/Los_Angeles", "2026-11-20T12:00:00Z");
        await AttributedAtAsync("2026-11-10T20:00:00Z");
        await using var db = Open();

        Assert.Empty(await InsightQueries.AttributedPerDayAsync(db, days, Day(2026, 11, 20), Day(2026, 11, 19), default));
        var quiet = await InsightQueries.AttributedPerDayAsync(db, days, Day(2026, 11, 18), Day(2026, 11, 20), default);
        Assert.Equal([new DayCount(Day(2026, 11, 18), 0, false), new DayCount(Day(2026, 11, 19), 0, false), new DayCount(Day(2026, 11, 20), 0, true)], quiet);
    }

    [Fact]
    public async Task The_Overview_And_The_Live_Board_Count_The_Same_Business_Day()
    {
        // 00:30 on 21 November in Berlin, still the 20th in UTC.
        var days = In("Europe/Berlin", "2026-11-20T23:30:00Z");
        await AttributedAtAsync("2026-11-20T22:50:00Z", "2026-11-20T23:10:00Z", "2026-11-20T23:20:00Z");
        await using var db = Open();

        var overview = await InsightQueries.OverviewAsync(db, days, Day(2026, 11, 15), Day(2026, 11, 21), default);
        var live = await LiveQueries.CountsTodayAsync(db, days, default);
        var chart = await InsightQueries.AttributedPerDayAsync(db, days, Day(2026, 11, 20), Day(2026, 11, 21), default);

        Assert.Equal(2, overview.Today);
        Assert.Equal([("spring", 2)], live);
        Assert.Equal([new DayCount(Day(2026, 11, 20), 1, false), new DayCount(Day(2026, 11, 21), 2, true)], chart);
        Assert.Equal(3, overview.InRange);
        Assert.Equal("Conversations attributed since 00:00 Europe/Berlin", InsightQueries.DescribeToday(days));
        var today = LiveQueries.Today(days);
        Assert.Equal("Campaign touches since 00:00 Europe/Berlin", today.Description);
        Assert.Equal((Day(2026, 11, 21), DateTimeOffset.Parse("2026-11-20T23:00:00Z"), DateTimeOffset.Parse("2026-11-21T23:00:00Z")), (today.Day, today.Start, today.End));
    }
}

/// <summary><see cref="BusinessTodayTests"/> on a PostgreSQL database of each test's own.</summary>
public sealed class PostgresBusinessTodayTests : BusinessTodayTests
{
    private readonly PostgresDatabase _database = new();

    public override async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await using var db = Open();
        await db.Database.MigrateAsync();
    }

    public override Task DisposeAsync() => _database.DisposeAsync();

    // Migrated as the app migrates (PostgresStorage): its foreign keys DEFERRABLE, which the inserts below need.
    protected override AppDbContext Open() => new PostgresAppDbContext(new DbContextOptionsBuilder<PostgresAppDbContext>()
        .UseNpgsql(_database.DataSource).ReplaceService<IMigrationsSqlGenerator, DeferrableForeignKeys>().Options);

    // The foreign keys are DEFERRABLE: checked at the commit, when both rows are there.
    protected override async Task ExecuteAsync(string inserts)
    {
        await using var command = _database.DataSource.CreateCommand($"BEGIN; SET CONSTRAINTS ALL DEFERRED; {inserts} COMMIT;");
        await command.ExecuteNonQueryAsync();
    }

    protected override (string False, string True) Booleans => ("false", "true");
}
