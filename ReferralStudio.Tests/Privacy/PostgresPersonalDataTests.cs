using System.Globalization;
using System.Text;
using Npgsql;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Privacy;

/// <summary>
/// The same export and erasure on PostgreSQL, each test on a database of its own. PostgreSQL's files are the server's,
/// not the test's to read: "no trace" is every row of every table, the inbox's included, read through SQL.
/// </summary>
public sealed class PostgresPersonalDataTests : PersonalDataTestBase
{
    private readonly PostgresDatabase _database = new();

    protected override async Task<TestApp> StartAppAsync(LoopbackServer receiver)
    {
        await _database.InitializeAsync();
        return await TestApp.StartAsync(receivers: [receiver], settings: _database.AppSettings);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _database.DisposeAsync();
    }

    protected override IReadOnlyList<string>? FilesHolding(string text) => null;

    protected override async Task<List<string>> RowsHoldingAsync(string text) => await RowsHoldingAsync(_database.DataSource, text);

    /// <summary>Every row of every table of the public schema in which some column holds <paramref name="text"/>.</summary>
    internal static async Task<List<string>> RowsHoldingAsync(NpgsqlDataSource dataSource, string text)
    {
        var tables = new List<string>();
        await using (var list = dataSource.CreateCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var found = new List<string>();
        foreach (var table in tables)
        {
            await using var select = dataSource.CreateCommand($"SELECT * FROM \"{table}\"");
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.GetValue(i) switch
                    {
                        byte[] bytes => Encoding.UTF8.GetString(bytes),
                        var v => Convert.ToString(v, CultureInfo.InvariantCulture),
                    };
                    if (value?.Contains(text, StringComparison.Ordinal) == true)
                    {
                        found.Add($"{table}: {value}");
                    }
                }
            }
        }

        return found;
    }

    /// <summary>
    /// Under each model, the rollups count every conversation with a credited touch once and every conversion with a
    /// credited touch once (hours and days alike), and the quarter-hour touch counts equal the campaign touches.
    /// </summary>
    protected override async Task AssertRollupMatchesBaseTablesAsync()
    {
        foreach (var (model, conversationTouch, conversionTouch) in new[] { (0, "firstreferralid", "firsttouchid"), (1, "latestreferralid", "lasttouchid") })
        {
            var conversations = await _database.ScalarAsync<long>($"SELECT COUNT(*) FROM conversations WHERE {conversationTouch} IS NOT NULL");
            var conversions = await _database.ScalarAsync<long>($"SELECT COUNT(*) FROM conversions WHERE {conversionTouch} IS NOT NULL");
            foreach (var table in new[] { "campaignhours", "campaigndays" })
            {
                Assert.Equal(conversations, await _database.ScalarAsync<long>($"SELECT COALESCE(SUM(conversations), 0) FROM {table} WHERE model = {model}"));
                Assert.Equal(conversions, await _database.ScalarAsync<long>($"SELECT COALESCE(SUM(conversions), 0) FROM {table} WHERE model = {model}"));
            }
        }

        Assert.Equal(
            await _database.ScalarAsync<long>("SELECT COUNT(*) FROM referraltouches WHERE iscampaigntouch"),
            await _database.ScalarAsync<long>("SELECT COALESCE(SUM(touches), 0) FROM touchquarters"));
    }
}
