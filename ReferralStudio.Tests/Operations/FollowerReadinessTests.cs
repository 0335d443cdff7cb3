using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using ReferralStudio.Hosting;
using ReferralStudio.Storage.Postgres;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Operations;

/// <summary>
/// With several instances on PostgreSQL, one that does not lead is ready while another instance leads (the leader's
/// processor applies what it acknowledges), and not ready when nobody leads. The other instance here is a connection
/// holding the leadership lock, as a leading instance's session does.
/// </summary>
public sealed class FollowerReadinessTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task A_Follower_Is_Ready_While_Another_Instance_Leads_And_Not_When_None_Does()
    {
        await database.MigrateAsync();
        await using var leader = await database.DataSource.OpenConnectionAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_try_advisory_lock({PostgresLeadership.LockKey})", leader))
        {
            Assert.Equal(true, await take.ExecuteScalarAsync());
        }

        await using var follower = await TestApp.StartAsync(settings: database.AppSettings);

        var (status, processor) = await ProcessorCheckAsync(follower);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("Healthy", "another instance's processor holds the lease"), processor);

        // The follower stops trying for leadership, then the leader goes: nobody applies the inbox.
        await follower.Services.GetServices<IHostedService>().OfType<LeaderServices>().Single().StopAsync(CancellationToken.None);
        await using (var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({PostgresLeadership.LockKey})", leader))
        {
            Assert.Equal(true, await release.ExecuteScalarAsync());
        }

        (status, processor) = await ProcessorCheckAsync(follower);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(("Unhealthy", "no processor holds the lease"), processor);
    }

    private static async Task<(HttpStatusCode Status, (string Status, string Description) Processor)> ProcessorCheckAsync(TestApp app)
    {
        using var response = await app.Client.GetAsync("/readyz");
        var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var processor = report.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "processor");
        return (response.StatusCode, (processor.GetProperty("status").GetString()!, processor.GetProperty("description").GetString()!));
    }
}
