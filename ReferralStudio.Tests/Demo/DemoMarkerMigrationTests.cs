using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Demo;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Demo;

/// <summary>
/// A database with demo data loaded before demo rows were marked upgrades with the demo's triggers and accounts
/// marked, and a user's trigger of a demo name, made at another time, not.
/// </summary>
public sealed class DemoMarkerMigrationTests : IDisposable
{
    private const string BeforeMarkers = "20261206114431_FeedRefIndexModelled";
    private static readonly DateTimeOffset Loaded = DateTimeOffset.Parse("2026-11-18T09:00:00Z");
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Demo_Triggers_And_Accounts_Loaded_Before_The_Upgrade_Are_Marked_And_A_Users_Are_Not()
    {
        await _database.MigrateToAsync(BeforeMarkers);
        var at = Loaded.ToUnixTimeMilliseconds();
        var earlier = Loaded.AddDays(-3).ToUnixTimeMilliseconds();
        await _database.ExecuteAsync($"""
            INSERT INTO BusinessAccounts (Platform, AccountId, Handle, CreatedAt) VALUES
                ('instagram', 'demo-ig-1784140000', 'acme.demo', {at}),
                ('messenger', 'demo-page-1065403', 'acmedemo', {at}),
                ('whatsapp', 'demo-wa-1065403529', '+15550100200', {at}),
                ('instagram', '17841400000000001', 'acme', {earlier});
            INSERT INTO Triggers (Id, Name, Pattern, Platforms, AdIds, Priority, Enabled, Tags, GreetingText, GreetingMode, CreatedAt, UpdatedAt) VALUES
                (1, 'Summer sale', 'summer_sale', '[]', '[]', 0, 1, '[]', NULL, 0, {earlier}, {earlier}),
                (2, 'Black Friday', 'black_friday', '[]', '[]', 0, 1, '[]', NULL, 0, {at + 150}, {at + 150}),
                (3, 'TikTok', '*_tiktok', '[]', '[]', 0, 1, '[]', NULL, 0, {at + 900}, {at + 900}),
                (4, 'Mine', 'mine_*', '[]', '[]', 0, 1, '[]', NULL, 0, {at + 300}, {at + 300});
            """);

        await using var app = await TestApp.StartAsync(_database.FilePath);
        var demo = app.Services.GetRequiredService<DemoLoader>();

        Assert.Equal(new DemoSummary(0, 0, 2, 3), await demo.SummarizeAsync());
        await demo.ClearAsync();
        var left = await app.Api.GetJsonAsync("/api/triggers");
        Assert.Equal(["Mine", "Summer sale"], left.EnumerateArray().Select(t => t.Str("name")).Order(StringComparer.Ordinal));
        await using var connection = new SqliteConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var accounts = connection.CreateCommand();
        accounts.CommandText = "SELECT group_concat(AccountId) FROM BusinessAccounts";
        Assert.Equal("17841400000000001", await accounts.ExecuteScalarAsync());
    }
}
