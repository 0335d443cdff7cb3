using System.Net;
using System.Runtime.Versioning;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Data;
using ReferralStudio.Security;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Security;

/// <summary>A copied database file gives away no access token and no signing secret, and only the app's user can open it.</summary>
public sealed class SecretsAtRestTests
{
    [Fact]
    public async Task A_Signing_Secret_Is_In_No_Database_File_In_Plain_Text_Yet_Signs_Deliveries()
    {
        await using var receiver = await LoopbackServer.StartAsync();
        var path = TestApp.NewDatabasePath();
        string secret;
        await using (var app = await TestApp.StartAsync(path, systemClock: true, receivers: [receiver]))
        {
            var (status, body) = await app.Api.PostJsonAsync("/api/webhooks/subscriptions", new { url = new Uri(receiver.BaseAddress, "hooks").ToString(), events = new[] { "referral.received" } });
            Assert.Equal(HttpStatusCode.Created, status);
            secret = body.Str("secret")!;

            await app.DeliverAsync(Instagram(Referral(Unique("igsid"), DateTimeOffset.UtcNow, "at_rest")));
            var request = await receiver.NextRequestAsync();
            Assert.True(ReferralStudio.Outbound.Signing.StandardWebhookSigner.Verify(request.Header("webhook-id"), request.Header("webhook-timestamp"),
                request.Body, request.Header("webhook-signature"), secret, TimeProvider.System), "the delivery is signed with the secret shown once");

            var listed = await app.Api.GetJsonAsync("/api/webhooks/subscriptions");
            Assert.DoesNotContain(secret, listed.ToString());
            Assert.StartsWith("whsec_", listed[0].Str("secret"));
        }

        Assert.Empty(DatabaseFiles.Holding(path, secret));
    }

    [Fact]
    public async Task Secrets_An_Earlier_Version_Stored_In_Plain_Text_Are_Encrypted_At_The_Next_Start_And_Still_Used()
    {
        await using var graph = await LoopbackServer.StartAsync();
        graph.Default = new ScriptedResponse(200, """{"recipient_id":"x","message_id":"m_1"}""");
        var path = TestApp.NewDatabasePath();
        var settings = new Dictionary<string, string?>
        {
            ["Meta:GraphApiBaseUrl"] = graph.BaseAddress.ToString().TrimEnd('/'),
            ["Meta:GraphApiVersion"] = "v25.0",
        };
        const string token = "EAAG-plain-text-token-5678";
        await using (var app = await TestApp.StartAsync(path, systemClock: true, settings: settings))
        {
            await app.Api.PostJsonAsync("/api/triggers", new { name = "Hello", pattern = "hello_*", actions = new { greeting = new { text = "Hi!", mode = "immediate" } } });
            await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            await db.Database.ExecuteSqlAsync($"INSERT INTO BusinessAccounts (Platform, AccountId, Handle, AccessToken, CreatedAt, IsDemo) VALUES ('instagram', {InstagramAccount}, 'acme.shop', {token}, '2026-11-20 12:00:00+00:00', 0)");
        }

        await using (var app = await TestApp.StartAsync(path, systemClock: true, settings: settings))
        {
            await using (var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
            {
                var stored = await db.BusinessAccounts.Select(a => a.AccessToken).SingleAsync();
                Assert.True(StoredSecrets.IsProtected(stored), stored);
            }

            await app.DeliverAsync(Instagram(Referral(Unique("igsid"), DateTimeOffset.UtcNow.AddMinutes(-1), "hello_again")));
            var send = await graph.NextRequestAsync();
            Assert.Equal($"Bearer {token}", send.Header("Authorization"));
        }

        Assert.Empty(DatabaseFiles.Holding(path, token));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task The_Database_Files_And_The_Keys_Folder_Are_Owner_Only()
    {
        var folder = Path.Combine(Path.GetTempPath(), "referralstudio-tests", Guid.NewGuid().ToString("N"), "data");
        var path = Path.Combine(folder, "app.db");
        await using (var app = await TestApp.StartAsync(path))
        {
            await app.DeliverAsync(Instagram(Referral(Unique("igsid"), app.Time.GetUtcNow(), "modes")));

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(path + ".keys"));
            var files = Directory.GetFiles(folder);
            Assert.Contains(path + "-wal", files);
            Assert.All(files, f => Assert.True(File.GetUnixFileMode(f) == (UnixFileMode.UserRead | UnixFileMode.UserWrite), $"{f}: {File.GetUnixFileMode(f)}"));
        }
    }
}
