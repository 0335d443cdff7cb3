using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Accounts;
using ReferralStudio.Audit;
using ReferralStudio.Data;
using ReferralStudio.Links.Trackable;
using ReferralStudio.Outbound;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Audit;

/// <summary>Every change leaves one entry naming who, what and the fields it changed; secrets never do; entries outlive what they name.</summary>
public sealed class AuditTrailTests : IAsyncLifetime
{
    private static readonly AuditActor Ana = AuditActor.User("ana@studio.test", "7");

    private TestApp _app = null!;

    // Subscriptions point at port 9 (discard): allowed, as the port rule requires, and never answering.
    public async Task InitializeAsync() => _app = await TestApp.StartAsync(settings: new Dictionary<string, string?> { ["Outbound:AllowedPorts:0"] = "9" });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private BusinessAccounts Accounts => _app.Services.GetRequiredService<BusinessAccounts>();

    private OutboundSubscriptions Subscriptions => _app.Services.GetRequiredService<OutboundSubscriptions>();
    private TrackableLinks Links => _app.Services.GetRequiredService<TrackableLinks>();

    private async Task<List<AuditEntry>> EntriesAsync(long after = 0)
    {
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().Where(e => e.Id > after).OrderBy(e => e.Id).ToListAsync();
    }

    private static JsonObject? Json(string? text) => text is null ? null : JsonNode.Parse(text)!.AsObject();

    /// <summary>One change: what it does (returning the entity's id), and the entry it must leave.</summary>
    private sealed record Change(string Name, Func<Task<long>> Make, string Action, AuditActor Actor, string? Before, string? After);

    [Fact]
    public async Task Each_Change_Leaves_Exactly_One_Entry_With_Its_Action_Actor_Entity_And_Changed_Fields()
    {
        var api = AuditActor.ApiKey("api");
        long trigger = 0, subscription = 0, account = 0, link = 0;
        var hook = "http://127.0.0.1:9/audit";
        Change[] changes =
        [
            new("api trigger create", async () =>
            {
                var (status, body) = await _app.Api.PostJsonAsync("/api/triggers", new { name = "Summer", pattern = "summer_sale" });
                Assert.Equal(HttpStatusCode.Created, status);
                return trigger = body.GetProperty("id").GetInt64();
            }, AuditActions.TriggerCreated, api, null, """{"name":"Summer","pattern":"summer_sale","platforms":[],"adIds":[],"priority":0,"enabled":true,"tags":[],"greetingText":null,"greetingMode":"after_first_message"}"""),
            new("api trigger update", async () =>
            {
                var (status, _) = await _app.Api.SendJsonAsync(HttpMethod.Put, $"/api/triggers/{trigger}", new { name = "Summer", pattern = "summer_sale", priority = 5 });
                Assert.Equal(HttpStatusCode.OK, status);
                return trigger;
            }, AuditActions.TriggerUpdated, api, """{"priority":0}""", """{"priority":5}"""),
            new("api trigger disable", async () =>
            {
                var (status, _) = await _app.Api.SendJsonAsync(HttpMethod.Put, $"/api/triggers/{trigger}", new { name = "Summer", pattern = "summer_sale", priority = 5, enabled = false });
                Assert.Equal(HttpStatusCode.OK, status);
                return trigger;
            }, AuditActions.TriggerDisabled, api, """{"enabled":true}""", """{"enabled":false}"""),
            new("api trigger delete", async () =>
            {
                Assert.Equal(HttpStatusCode.NoContent, (await _app.Api.DeleteAsync($"/api/triggers/{trigger}")).StatusCode);
                return trigger;
            }, AuditActions.TriggerDeleted, api, """{"name":"Summer","pattern":"summer_sale","platforms":[],"adIds":[],"priority":5,"enabled":false,"tags":[],"greetingText":null,"greetingMode":"after_first_message"}""", null),
            new("api subscription create", async () =>
            {
                var (status, body) = await _app.Api.PostJsonAsync("/api/webhooks/subscriptions", new { url = hook, events = new[] { "conversion.recorded" } });
                Assert.Equal(HttpStatusCode.Created, status);
                return subscription = body.GetProperty("id").GetInt64();
            }, AuditActions.SubscriptionCreated, api, null, $$"""{"url":"{{hook}}","events":["conversion.recorded"],"enabled":true,"disabledReason":null,"secret":"set"}"""),
            new("api subscription rotate", async () =>
            {
                var (status, _) = await _app.Api.PostJsonAsync($"/api/webhooks/subscriptions/{subscription}/rotate-secret");
                Assert.Equal(HttpStatusCode.OK, status);
                return subscription;
            }, AuditActions.SubscriptionSecretRotated, api, """{"secret":"set"}""", """{"secret":"changed"}"""),
            new("dashboard subscription disable", async () =>
            {
                Assert.NotNull(await Subscriptions.DisableAsync(Ana, subscription, "switched off"));
                return subscription;
            }, AuditActions.SubscriptionDisabled, Ana, """{"enabled":true,"disabledReason":null}""", """{"enabled":false,"disabledReason":"switched off"}"""),
            new("api subscription enable", async () =>
            {
                var (status, _) = await _app.Api.PostJsonAsync($"/api/webhooks/subscriptions/{subscription}/enable");
                Assert.Equal(HttpStatusCode.OK, status);
                return subscription;
            }, AuditActions.SubscriptionEnabled, api, """{"enabled":false,"disabledReason":"switched off"}""", """{"enabled":true,"disabledReason":null}"""),
            new("api subscription delete", async () =>
            {
                Assert.Equal(HttpStatusCode.NoContent, (await _app.Api.DeleteAsync($"/api/webhooks/subscriptions/{subscription}")).StatusCode);
                return subscription;
            }, AuditActions.SubscriptionDeleted, api, $$"""{"url":"{{hook}}","events":["conversion.recorded"],"enabled":true,"disabledReason":null,"secret":"set"}""", null),
            new("account create with a token", async () =>
            {
                var saved = await Accounts.SaveAsync(Ana, null, "instagram", "acme.shop", "17841400000000001", "EAAG-first");
                return account = saved.Account!.Id;
            }, AuditActions.AccountCreated, Ana, null, """{"platform":"instagram","handle":"acme.shop","accountId":"17841400000000001","conversionsDatasetId":null,"whatsAppBusinessAccountId":null,"accessToken":"set","conversionsToken":null}"""),
            new("account token set", async () =>
            {
                Assert.Null((await Accounts.SaveAsync(Ana, account, "instagram", "acme.shop", "17841400000000001", "EAAG-second")).Error);
                return account;
            }, AuditActions.AccountTokenSet, Ana, """{"accessToken":"set"}""", """{"accessToken":"changed"}"""),
            new("account handle changed, token kept", async () =>
            {
                Assert.Null((await Accounts.SaveAsync(Ana, account, "instagram", "acme.store", "17841400000000001", "")).Error);
                return account;
            }, AuditActions.AccountUpdated, Ana, """{"handle":"acme.shop"}""", """{"handle":"acme.store"}"""),
            new("account conversions api set", async () =>
            {
                Assert.Null((await Accounts.SaveAsync(Ana, account, "instagram", "acme.store", "17841400000000001", "", new ConversionsApiSettings("900000000000001", "EAAG-capi"))).Error);
                return account;
            }, AuditActions.AccountUpdated, Ana, """{"conversionsDatasetId":null,"conversionsToken":null}""", """{"conversionsDatasetId":"900000000000001","conversionsToken":"set"}"""),
            new("account conversions token removed", async () =>
            {
                Assert.NotNull(await Accounts.RemoveConversionsTokenAsync(Ana, account));
                return account;
            }, AuditActions.AccountTokenRemoved, Ana, """{"conversionsToken":"set"}""", """{"conversionsToken":"removed"}"""),
            new("account token removed", async () =>
            {
                Assert.NotNull(await Accounts.RemoveTokenAsync(Ana, account));
                return account;
            }, AuditActions.AccountTokenRemoved, Ana, """{"accessToken":"set"}""", """{"accessToken":"removed"}"""),
            new("account delete", async () =>
            {
                Assert.True(await Accounts.DeleteAsync(Ana, account));
                return account;
            }, AuditActions.AccountDeleted, Ana, """{"platform":"instagram","handle":"acme.store","accountId":"17841400000000001","conversionsDatasetId":"900000000000001","whatsAppBusinessAccountId":null,"accessToken":null,"conversionsToken":null}""", null),
            new("trackable link issued", async () =>
            {
                var issued = await Links.CreateAsync(Ana, "audit-box", new LinkTarget("instagram", "acme.shop", "summer_sale", null));
                Assert.False(issued.Errors.Any);
                return link = issued.Link!.Id;
            }, AuditActions.LinkCreated, Ana, null, """{"platform":"instagram","account":"acme.shop","code":"summer_sale","whatsAppTemplate":null,"enabled":true}"""),
            new("trackable link re-pointed", async () =>
            {
                Assert.False((await Links.UpdateAsync(Ana, "audit-box", new LinkChange(Code: "winter_sale")))!.Errors.Any);
                return link;
            }, AuditActions.LinkUpdated, Ana, """{"code":"summer_sale"}""", """{"code":"winter_sale"}"""),
            new("trackable link disabled", async () =>
            {
                Assert.False((await Links.UpdateAsync(Ana, "audit-box", new LinkChange(Enabled: false)))!.Errors.Any);
                return link;
            }, AuditActions.LinkUpdated, Ana, """{"enabled":true}""", """{"enabled":false}"""),
        ];

        foreach (var change in changes)
        {
            var last = (await EntriesAsync()).Select(e => e.Id).DefaultIfEmpty().Max();
            var id = await change.Make();

            var entry = Assert.Single(await EntriesAsync(last));
            Assert.True(change.Action == entry.Action, $"{change.Name}: {entry.Action}");
            Assert.Equal((change.Name, change.Actor.Kind, change.Actor.Name, change.Actor.Id), (change.Name, entry.ActorKind, entry.Actor, entry.ActorId));
            Assert.Equal((change.Name, id.ToString(System.Globalization.CultureInfo.InvariantCulture)), (change.Name, entry.EntityId));
            Assert.True(JsonNode.DeepEquals(Json(change.Before), Json(entry.Before)), $"{change.Name} before: {entry.Before}");
            Assert.True(JsonNode.DeepEquals(Json(change.After), Json(entry.After)), $"{change.Name} after: {entry.After}");
            Assert.Equal(_app.Time.GetUtcNow(), entry.OccurredAt);
            Assert.NotEmpty(entry.Summary);
        }
    }

    [Fact]
    public async Task A_Change_That_Changes_Nothing_Leaves_No_Entry()
    {
        var (_, created) = await _app.Api.PostJsonAsync("/api/triggers", new { name = "Summer", pattern = "summer_sale" });
        var id = created.GetProperty("id").GetInt64();
        var before = (await EntriesAsync()).Count;

        var (status, _) = await _app.Api.SendJsonAsync(HttpMethod.Put, $"/api/triggers/{id}", new { name = "Summer", pattern = "summer_sale" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(before, (await EntriesAsync()).Count);
    }

    [Fact]
    public async Task Tokens_And_Signing_Secrets_Never_Reach_The_Log_Neither_Plain_Nor_Encrypted()
    {
        const string Token = "EAAG-audit-secret-123";
        var created = await Accounts.SaveAsync(Ana, null, "messenger", "acme", "1044000000000001", Token);
        await Accounts.SaveAsync(Ana, created.Account!.Id, "messenger", "acme", "1044000000000001", Token + "-next");
        var (_, subscription) = await _app.Api.PostJsonAsync("/api/webhooks/subscriptions", new { url = "http://127.0.0.1:9/s", events = new[] { "conversion.recorded" } });
        var id = subscription.GetProperty("id").GetInt64();
        var (_, rotated) = await _app.Api.PostJsonAsync($"/api/webhooks/subscriptions/{id}/rotate-secret");
        await Accounts.RemoveTokenAsync(Ana, created.Account.Id);

        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var stored = await db.WebhookSubscriptions.AsNoTracking().SingleAsync(s => s.Id == id);
        string[] secrets = [Token, subscription.Str("secret")!, rotated.Str("secret")!, stored.Secret, stored.PreviousSecret!];
        Assert.All(secrets[3..], s => Assert.StartsWith("dp1:", s));
        var entries = await EntriesAsync();
        Assert.True(entries.Count >= 5);
        foreach (var entry in entries)
        {
            var row = JsonSerializer.Serialize(entry);
            Assert.DoesNotContain("dp1:", row);
            Assert.DoesNotContain("whsec_", row);
            Assert.DoesNotContain("EAAG", row);
            Assert.All(secrets, secret => Assert.DoesNotContain(secret, row));
        }
    }

    [Fact]
    public async Task Entries_Outlive_The_Entity_They_Name()
    {
        var (_, created) = await _app.Api.PostJsonAsync("/api/triggers", new { name = "Winter", pattern = "winter_sale" });
        var id = created.GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NoContent, (await _app.Api.DeleteAsync($"/api/triggers/{id}")).StatusCode);

        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.False(await db.Triggers.AnyAsync(t => t.Id == id));
        var entries = await db.AuditEntries.AsNoTracking().Where(e => e.EntityType == AuditActions.Trigger && e.EntityId == id.ToString()).OrderBy(e => e.Id).ToListAsync();
        Assert.Equal([AuditActions.TriggerCreated, AuditActions.TriggerDeleted], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal("Winter", e.EntityName));
    }

    [Fact]
    public async Task Demo_Load_And_Clear_Are_Recorded_With_Who_Asked()
    {
        var demo = _app.Services.GetRequiredService<ReferralStudio.Demo.DemoLoader>();
        await demo.LoadAsync(conversations: 40, by: Ana);
        await demo.ClearAsync(by: Ana);

        var entries = (await EntriesAsync()).Where(e => e.EntityType == AuditActions.Demo).ToList();
        Assert.Equal([AuditActions.DemoLoaded, AuditActions.DemoCleared], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal(Ana.Name, e.Actor));
        Assert.Equal(40, Json(entries[0].After)!["conversations"]!.GetValue<int>());
    }
}
