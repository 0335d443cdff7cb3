using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Data;
using ReferralStudio.Insight;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Attribution.WhatsAppIdentityTests;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Insight;

/// <summary>
/// The feed's search on what the processor writes: names and usernames as Meta sends them and changes them, people
/// merged into one conversation, and codes, on either engine (<see cref="FeedSearchTests"/>, <see cref="PostgresFeedSearchTests"/>).
/// </summary>
public abstract class FeedSearchChecks(TestApp app)
{
    protected static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-20T09:00:00Z");
    private readonly TestApp _app = app;

    /// <summary>Eight letters no other test's names or codes contain.</summary>
    private static string Token() => string.Concat(Guid.NewGuid().ToString("N").Select(c => (char)('a' + (c % 26))).Take(8));

    private AppDbContext Open() => _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();

    private async Task<List<FeedRow>> SearchAsync(string search)
    {
        await using var db = Open();
        return (await FeedQuery.PageAsync(db, new FeedFilter(Search: search), null, 0, 50, default)).Rows;
    }

    /// <summary>Whether the engine's name index still matches the conversations (SQLite's FTS5 table is kept apart from them).</summary>
    protected virtual Task AssertSearchIndexMatchesConversationsAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_Person_Is_Found_By_Any_Piece_Of_The_Name_And_Username_Meta_Last_Sent()
    {
        var (phone, token) = (NewPhone(), Token());
        await _app.DeliverAsync(WhatsAppFrom(Contact(phone, null, $"Jürgen Vor{token}", $"@jv_{token}"), Text(phone, null, T0, $"Hi ref=winter_{token}")));

        var row = Assert.Single(await SearchAsync($"JÜRGEN VOR{token.ToUpperInvariant()}"));
        Assert.Equal((phone, $"Jürgen Vor{token}", $"@jv_{token}", $"winter_{token}"), (row.ParticipantId, row.ParticipantName, row.ParticipantUsername, row.Ref));
        Assert.Equal(row.TouchId, Assert.Single(await SearchAsync($"v_{token[..4]}")).TouchId);
        Assert.Equal(row.TouchId, Assert.Single(await SearchAsync($"TER_{token}")).TouchId);
        Assert.Equal(row.TouchId, Assert.Single(await SearchAsync(phone)).TouchId);

        // A new profile name and username replace the old ones in the search too.
        await _app.DeliverAsync(WhatsAppFrom(Contact(phone, null, $"Jo Nach{token}", $"@jn_{token}"), Text(phone, null, T0.AddMinutes(5), "new profile")));

        Assert.Equal(row.TouchId, Assert.Single(await SearchAsync($"nach{token}")).TouchId);
        Assert.Equal(row.TouchId, Assert.Single(await SearchAsync($"@jn_{token}")).TouchId);
        Assert.Empty(await SearchAsync($"vor{token}"));
        Assert.Empty(await SearchAsync($"@jv_{token}"));
        await AssertSearchIndexMatchesConversationsAsync();
    }

    [Fact]
    public async Task Two_Conversations_Merged_Into_One_Are_Found_Under_The_Survivors_Name()
    {
        var (phone, bsuid, token) = (NewPhone(), NewBsuid(), Token());
        await _app.DeliverAsync(WhatsAppFrom(Contact(phone, null, $"Phone{token}"), Text(phone, null, T0.AddHours(1), $"Hi ref=late_{token}")));
        await _app.DeliverAsync(WhatsAppFrom(Contact(null, bsuid, $"Device{token}"), Text(null, bsuid, T0, $"Hi ref=early_{token}")));
        Assert.Single(await SearchAsync($"device{token}"));

        // One message carries both identifiers: the later conversation is merged into the earlier one and deleted.
        await _app.DeliverAsync(WhatsAppFrom(Contact(phone, bsuid, $"Phone{token}"), Text(phone, bsuid, T0.AddHours(3), "both")));

        var touches = await SearchAsync($"phone{token}");
        Assert.Equal([$"late_{token}", $"early_{token}"], touches.Select(t => t.Ref));
        Assert.Single(touches.Select(t => t.ConversationId).Distinct());
        Assert.Empty(await SearchAsync($"device{token}"));
        await AssertSearchIndexMatchesConversationsAsync();
    }

    [Fact]
    public async Task The_Export_Carries_Name_Username_And_Account_And_Exports_What_The_Search_Finds()
    {
        var (phone, token) = (NewPhone(), Token());
        await _app.DeliverAsync(WhatsAppFrom(Contact(phone, null, $"Ex, {token}", $"@ex_{token}"), Text(phone, null, T0, $"Hi ref=export_{token}")));
        await using var db = Open();
        db.BusinessAccounts.Add(new() { Platform = "whatsapp", AccountId = PhoneNumberId, Handle = "+15550783881", CreatedAt = T0 });
        await db.SaveChangesAsync();

        using var csv = new MemoryStream();
        Assert.Equal(1, await FeedExport.WriteCsvAsync(db, new FeedFilter(Search: $"EX, {token.ToUpperInvariant()}"), csv, default));

        var lines = Encoding.UTF8.GetString(csv.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(FeedExport.Header, lines[0]);
        // Quoted for the comma; a leading '@' or '+' is escaped so a spreadsheet does not run it as a formula.
        Assert.EndsWith($",\"Ex, {token}\",'@ex_{token},'+15550783881", lines[1]);
        Assert.StartsWith("2026-11-20T09:00:00.000Z,whatsapp,", lines[1]);
    }
}

/// <summary>The feed's search on the SQLite file, and what only SQLite has: its FTS5 index and the migration that filled it.</summary>
public sealed class FeedSearchTests(AppFixture fixture) : FeedSearchChecks(fixture.App), IClassFixture<AppFixture>
{
    protected override Task AssertSearchIndexMatchesConversationsAsync() => AssertSearchIndexMatchesConversationsAsync(fixture.App.DatabasePath);

    [Fact]
    public void A_Search_Longer_Than_Any_Name_Or_Code_Is_Refused_With_The_Field_Named()
    {
        var query = new QueryCollection(new Dictionary<string, Microsoft.Extensions.Primitives.StringValues> { ["q"] = new string('a', FeedFilter.MaxSearchLength + 1) });

        var (filter, errors) = FeedFilter.Read(query);

        Assert.Null(filter.Search);
        Assert.Equal($"q must be at most {FeedFilter.MaxSearchLength} characters (it is {FeedFilter.MaxSearchLength + 1}).", errors.For("q"));
    }

    [Fact]
    public async Task A_Database_From_Before_The_Search_Is_Searchable_After_Its_Upgrade()
    {
        using var database = new TempDatabase();
        await database.MigrateToAsync("20261206114431_FeedRefIndexModelled");
        var at = T0.ToUnixTimeMilliseconds();
        await database.ExecuteAsync($"""
            PRAGMA foreign_keys = OFF;
            INSERT INTO Conversations (Id, Platform, AccountId, ParticipantId, ParticipantName, ParticipantUsername, CreatedAt, LastActivityAt, WindowExpiresAt,
                FirstReferralId, FirstReferralAt, LatestReferralId, LastReferralAt, MessageCount, HasInboundText, HasWaitingGreeting, Simulated)
            VALUES (5, 'instagram', 'acct', 'igsid-old', 'Released Customer', 'released.customer', {at}, {at}, {at}, 9, {at}, 9, {at}, 1, 1, 0, 0),
                   (6, 'instagram', 'acct', 'igsid-nameless', NULL, NULL, {at}, {at}, {at}, 10, {at}, 10, {at}, 1, 1, 0, 0);
            INSERT INTO ReferralTouches (Id, ConversationId, EventId, Ref, Source, Type, Arrival, Passive, IsCampaignTouch, OccurredAt, ReceivedAt, Platform, AccountId, ParticipantId, Simulated)
            VALUES (9, 5, 9, 'summer_berlin', 'SHORTLINKS', 'OPEN_THREAD', 'standalone', 0, 1, {at}, {at}, 'instagram', 'acct', 'igsid-old', 0),
                   (10, 6, 10, 'Summer_Paris', 'SHORTLINKS', 'OPEN_THREAD', 'standalone', 0, 1, {at}, {at}, 'instagram', 'acct', 'igsid-nameless', 0);
            """);

        await using var db = new AppDbContext(database.Options);
        await db.Database.MigrateAsync();

        async Task<long[]> Search(string text) => [.. (await FeedQuery.PageAsync(db, new FeedFilter(Search: text), null, 0, 50, default)).Rows.Select(r => r.TouchId)];
        Assert.Equal(new long[] { 9 }, await Search("CUSTOMER"));
        Assert.Equal(new long[] { 9 }, await Search("d.cus"));
        Assert.Equal(new long[] { 10, 9 }, await Search("SUMMER_"));
        Assert.Equal(new long[] { 10 }, await Search("r_par"));
        await AssertSearchIndexMatchesConversationsAsync(database.FilePath);
    }

    /// <summary>
    /// FTS5's own check of an index against its content table: it fails if a writer ever left an entry for a
    /// conversation's old name, or one for a conversation that is gone.
    /// </summary>
    private static async Task AssertSearchIndexMatchesConversationsAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using var check = connection.CreateCommand();
        check.CommandText = """INSERT INTO "ConversationSearch" ("ConversationSearch", rank) VALUES ('integrity-check', 1)""";
        await check.ExecuteNonQueryAsync();
    }
}

/// <summary>The feed's search on PostgreSQL: names through the trigram index on the conversations themselves.</summary>
public sealed class PostgresFeedSearchTests(PostgresAppFixture fixture) : FeedSearchChecks(fixture.App), IClassFixture<PostgresAppFixture>;
