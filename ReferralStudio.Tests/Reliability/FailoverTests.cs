using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Npgsql;
using ReferralStudio.Tests.Infrastructure;
using ReferralStudio.Webhooks;
using Xunit.Abstractions;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Reliability;

/// <summary>
/// Two instances on one PostgreSQL database and one Redis, as behind a load balancer. The leading instance (the one
/// applying the inbox) is killed with SIGKILL while deliveries arrive at both: the other takes over, every acknowledged
/// delivery is applied exactly once, and a live board connected to the survivor shows every attribution.
/// </summary>
public sealed class FailoverTests(PostgresDatabase database, ITestOutputHelper output) : IClassFixture<PostgresDatabase>
{
    private const int Deliveries = 120;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Killing_The_Leader_Under_Load_Loses_Nothing_And_Applies_Everything_Once()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var keys = Path.Combine(Path.GetTempPath(), "referralstudio-tests", $"keys-{run}");
        var settings = new Dictionary<string, string>
        {
            ["Database:Provider"] = "postgres",
            ["ConnectionStrings:ReferralStudio"] = database.ConnectionString,
            ["Redis:Connection"] = await TestServices.RedisAnsweringAsync(),
            ["Redis:ChannelPrefix"] = $"failover-{run}",
            ["DataProtection:KeysPath"] = keys,
        };
        var unused = TestApp.NewDatabasePath();
        using var leader = await AppProcess.StartAsync(unused, AppProcess.FreePort(), ReadyTimeout, settings);
        using var survivor = await AppProcess.StartAsync(unused, AppProcess.FreePort(), ReadyTimeout, settings);
        var prefix = $"failover_{run}_";
        await using var board = NodeScripts.Start(
            "signalr-collect.mjs",
            [new Uri(survivor.BaseAddress, "/hubs/attribution").ToString(), prefix, Deliveries.ToString(CultureInfo.InvariantCulture), "150"],
            new Dictionary<string, string> { ["HUB_KEY"] = TestApp.ApiKey });
        Assert.Equal("connected", Event(await board.ReadLineAsync(TimeSpan.FromSeconds(60))).GetProperty("event").GetString());

        // Alternate instances, as a load balancer would; a post that fails (the killed instance) goes to the other.
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var targets = new[] { leader.BaseAddress, survivor.BaseAddress };
        var acknowledged = 0;
        var next = -1;
        var killed = false;
        async Task SendAsync()
        {
            for (var i = Interlocked.Increment(ref next); i < Deliveries; i = Interlocked.Increment(ref next))
            {
                var body = Encoding.UTF8.GetBytes(Instagram(Referral($"failover-{run}-{i}",
                    DateTimeOffset.Parse("2026-11-20T10:00:00Z", CultureInfo.InvariantCulture).AddSeconds(i), prefix + i)));
                for (var attempt = i; ; attempt++)
                {
                    if (await PostAsync(client, Volatile.Read(ref killed) ? survivor.BaseAddress : targets[attempt % 2], body))
                    {
                        break;
                    }
                }

                if (Interlocked.Increment(ref acknowledged) == Deliveries / 3)
                {
                    // A third in: the leader dies mid-stream, with deliveries in flight to it and being applied by it.
                    leader.Kill();
                    Volatile.Write(ref killed, true);
                    output.WriteLine($"leader killed after {Deliveries / 3} acknowledgements");
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(SendAsync))).WaitAsync(Bound);
        Assert.Equal(Deliveries, acknowledged);

        // The survivor leads within seconds and applies what the leader left: wait until nothing is pending.
        await WhenAllAppliedAsync().WaitAsync(Bound);
        for (var i = 0; i < Deliveries; i++)
        {
            var participant = $"failover-{run}-{i}";
            Assert.Equal(1L, await CountAsync("SELECT COUNT(*) FROM webhookevents WHERE participantid = $1", participant));
            Assert.Equal(1L, await CountAsync("SELECT COUNT(*) FROM referraltouches WHERE participantid = $1", participant));
            Assert.Equal(1L, await CountAsync("SELECT COUNT(*) FROM conversations WHERE participantid = $1", participant));
        }

        Assert.Empty(database.ForeignKeyViolations());

        // Every attribution reached the board on the survivor: through Redis while the leader lived, from the survivor after.
        var refs = new HashSet<string>();
        while (refs.Count < Deliveries)
        {
            var line = Event(await board.ReadLineAsync(TimeSpan.FromSeconds(60)));
            if (line.GetProperty("notice").GetProperty("ref").GetString() is { } code && code.StartsWith(prefix, StringComparison.Ordinal))
            {
                refs.Add(code);
            }
        }

        Assert.Equal(Deliveries, refs.Count);
        Assert.Equal(0, await board.WaitForExitAsync());
    }

    private static async Task<bool> PostAsync(HttpClient client, Uri instance, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(instance, WebhookEndpoints.Path)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(WebhookEndpoints.SignatureHeader, MetaSignature.Sign(body, Encoding.UTF8.GetBytes(TestApp.AppSecret)));
        try
        {
            using var response = await client.SendAsync(request);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private async Task WhenAllAppliedAsync()
    {
        while (await CountAsync("SELECT COUNT(*) FROM inbounddeliveries d WHERE NOT EXISTS (SELECT 1 FROM deliveryoutcomes o WHERE o.deliveryid = d.id)", null) > 0)
        {
            await Task.Delay(100);
        }
    }

    private async Task<long> CountAsync(string sql, string? parameter)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        if (parameter is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = parameter });
        }

        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static JsonElement Event(string line) => JsonDocument.Parse(line).RootElement.Clone();
}
