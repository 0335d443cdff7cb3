using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Data;
using ReferralStudio.Tests.Infrastructure;
using ReferralStudio.Webhooks;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Api;

/// <summary>
/// /openapi/v1.json judged by tools that share no code with its generator: Redocly's recommended lint, and Ajv
/// (Node/openapi-check.mjs) validating README.md's request examples and live answers of every operation.
/// </summary>
public sealed class OpenApiDocumentTests
{
    private const string Missing = "999999";

    // The CLI would otherwise report usage and look for updates over the network.
    private static readonly Dictionary<string, string> RedoclyOffline = new()
    {
        ["REDOCLY_TELEMETRY"] = "off",
        ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true",
    };

    private static readonly HttpMethod Get = HttpMethod.Get;
    private static readonly HttpMethod Post = HttpMethod.Post;
    private static readonly HttpMethod Put = HttpMethod.Put;
    private static readonly HttpMethod Delete = HttpMethod.Delete;
    private static readonly HttpMethod Patch = HttpMethod.Patch;

    [Fact]
    public async Task Document_Passes_The_Recommended_Lint_Without_Errors_Or_Warnings()
    {
        await using var app = await TestApp.StartAsync();
        var file = Path.Combine(Path.GetTempPath(), $"openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, await app.Api.GetStringAsync("/openapi/v1.json"));
        try
        {
            var result = await NodeScripts.RunAsync(
                "node_modules/@redocly/cli/bin/cli.js", ["lint", file, "--config", "redocly.yaml", "--format", "json"], RedoclyOffline);

            Assert.True(result.Output.TrimStart().StartsWith('{'), result.ToString());
            using var report = JsonDocument.Parse(result.Output);
            var totals = report.RootElement.GetProperty("totals");
            var problems = report.RootElement.GetProperty("problems").EnumerateArray().Select(p =>
                $"{p.Str("severity")} {p.Str("ruleId")} at {p.GetProperty("location")[0].Str("pointer")}: {p.Str("message")}");
            Assert.True(
                totals.GetProperty("errors").GetInt32() == 0 && totals.GetProperty("warnings").GetInt32() == 0,
                $"Redocly lint: {totals}\n{string.Join("\n", problems)}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Readme_Request_Examples_Match_The_Document()
    {
        await using var app = await TestApp.StartAsync();

        var check = await CheckAsync(await app.Api.GetStringAsync("/openapi/v1.json"), []);

        Assert.True(check.Problems.Count == 0, string.Join("\n", check.Problems));
        // Every JSON body an /api client can send has an example in README.md, checked here.
        var withBody = check.Operations.Where(o => o.Path.StartsWith("/api/", StringComparison.Ordinal) && o.Body).Select(o => o.Id);
        Assert.Empty(withBody.Except(check.Examples));
    }

    [Fact]
    public async Task Every_Operation_Answers_As_The_Document_Says()
    {
        await using var receiver = await LoopbackServer.StartAsync();
        await using var gone = await LoopbackServer.StartAsync();
        gone.Default = new ScriptedResponse(410);
        await using var app = await TestApp.StartAsync(receivers: [receiver, gone], settings: new Dictionary<string, string?> { ["Meta:MaxBodyBytes"] = "65536" });
        var x = new ExchangeRecorder();
        var now = app.Time.GetUtcNow();

        // Meta: the handshake, a refused one, and deliveries the endpoint refuses.
        await x.SendAsync(app.Client, Get, $"/webhooks/meta?hub.mode=subscribe&hub.verify_token={TestApp.VerifyToken}&hub.challenge=1158201444", HttpStatusCode.OK);
        await x.SendAsync(app.Client, Get, "/webhooks/meta?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1", HttpStatusCode.Forbidden);
        await PostWebhookAsync(x, app, "{not json", HttpStatusCode.BadRequest);
        await PostWebhookAsync(x, app, Instagram(Referral("IGSID-0", now, "summer_sale")), HttpStatusCode.Unauthorized, "sha256=" + new string('0', 64));
        await PostWebhookAsync(x, app, new string(' ', 70_000), HttpStatusCode.RequestEntityTooLarge);

        // Subscriptions first, so that the events below are delivered.
        var delivered = await x.SendJsonAsync(app.Api, Post, "/api/webhooks/subscriptions", HttpStatusCode.Created,
            new { url = new Uri(receiver.BaseAddress, "hooks").ToString(), events = new[] { "referral.received", "conversion.recorded" } });
        var disabled = await x.SendJsonAsync(app.Api, Post, "/api/webhooks/subscriptions", HttpStatusCode.Created,
            new { url = new Uri(gone.BaseAddress, "hooks").ToString(), events = new[] { "conversation.started" } });
        await x.SendJsonAsync(app.Api, Post, "/api/webhooks/subscriptions", HttpStatusCode.BadRequest, new { url = "ftp://example.test", events = new[] { "nope" } });
        await x.SendAsync(app.Api, Post, "/api/webhooks/subscriptions", HttpStatusCode.UnsupportedMediaType, "url=x", "application/x-www-form-urlencoded");

        // Triggers: an exact code, a pattern it wins over, and a Messenger-only pattern excluded on Instagram.
        var alice = await x.SendJsonAsync(app.Api, Post, "/api/triggers", HttpStatusCode.Created, new
        {
            name = "Alice",
            pattern = "collab_alice",
            priority = 5,
            actions = new { tags = new[] { "affiliate:alice" }, greeting = new { text = "Hi! Thanks for coming from Alice.", mode = "immediate" } },
        });
        var collabs = await x.SendJsonAsync(app.Api, Post, "/api/triggers", HttpStatusCode.Created,
            new { name = "Collabs", pattern = "collab_*", actions = new { tags = new[] { "affiliate:{1}" } } });
        await x.SendJsonAsync(app.Api, Post, "/api/triggers", HttpStatusCode.Created,
            new { name = "Messenger collabs", pattern = "collab_a*", platforms = new[] { "messenger" } });
        await x.SendJsonAsync(app.Api, Post, "/api/triggers", HttpStatusCode.BadRequest, new { name = "", pattern = "collab_**" });
        await x.SendAsync(app.Api, Post, "/api/triggers", HttpStatusCode.BadRequest, """{"name": 5}""");
        await x.SendAsync(app.Api, Post, "/api/triggers", HttpStatusCode.UnsupportedMediaType, "name=x", "text/plain");
        var collabsId = collabs.GetProperty("id").GetInt64();
        await x.SendAsync(app.Api, Get, "/api/triggers", HttpStatusCode.OK);
        await x.SendAsync(app.Api, Get, $"/api/triggers/{alice.GetProperty("id").GetInt64()}", HttpStatusCode.OK);
        await x.SendAsync(app.Api, Get, $"/api/triggers/{Missing}", HttpStatusCode.NotFound);
        await x.SendJsonAsync(app.Api, Put, $"/api/triggers/{collabsId}", HttpStatusCode.OK,
            new { name = "Collabs", pattern = "collab_*", platforms = new[] { "instagram", "whatsapp" }, adIds = new[] { "120210000000001" }, enabled = true, actions = new { tags = new[] { "affiliate:{1}" } } });
        await x.SendJsonAsync(app.Api, Put, $"/api/triggers/{collabsId}", HttpStatusCode.BadRequest, new { name = "Collabs", pattern = "collab_*", priority = 5000 });
        await x.SendJsonAsync(app.Api, Put, $"/api/triggers/{Missing}", HttpStatusCode.NotFound, new { name = "Nobody", pattern = "nobody" });
        await x.SendAsync(app.Api, Put, $"/api/triggers/{collabsId}", HttpStatusCode.UnsupportedMediaType, "name=x", "text/plain");
        var match = await x.SendAsync(app.Api, Get, "/api/triggers/match?ref=collab_alice&platform=instagram&adId=120210000000001", HttpStatusCode.OK);
        Assert.NotEqual(0, match.GetProperty("candidates").GetArrayLength());
        Assert.NotEqual(0, match.GetProperty("excluded").GetArrayLength());
        await x.SendAsync(app.Api, Get, "/api/triggers/match?platform=fax", HttpStatusCode.BadRequest);
        var doomed = await x.SendJsonAsync(app.Api, Post, "/api/triggers", HttpStatusCode.Created, new { name = "Doomed", pattern = "doomed" });
        await x.SendAsync(app.Api, Delete, $"/api/triggers/{doomed.GetProperty("id").GetInt64()}", HttpStatusCode.NoContent);
        await x.SendAsync(app.Api, Delete, $"/api/triggers/{Missing}", HttpStatusCode.NotFound);

        // Conversations of every arrival form and platform, so that the referral extras appear.
        await DeliverAsync(x, app, Instagram(Referral("IGSID-alice", now.AddMinutes(-9), "collab_alice")));
        await DeliverAsync(x, app, Instagram(Message("IGSID-bob", now.AddMinutes(-8), "Hi", RefLink("collab_bob"))));
        await DeliverAsync(x, app, Messenger(new
        {
            sender = new { id = "PSID-ad" },
            recipient = new { id = PageId },
            timestamp = Ms(now.AddMinutes(-7)),
            referral = AdReferral("120210000000001", "summer_ad"),
        }));
        await DeliverAsync(x, app, WhatsAppWithContact("4915123456789", "Wanda", WhatsAppText("4915123456789", now.AddMinutes(-6), "Hi!", CtwaReferral("120210000000002", "ctwa-clid-1"))));
        var page = await x.SendAsync(app.Api, Get, "/api/conversations?platform=instagram&ref=collab_alice&participantId=IGSID-alice&since=2026-01-01&until=2027-01-01T00:00:00Z&page=1&pageSize=10", HttpStatusCode.OK);
        var aliceConversation = page.GetProperty("items")[0].GetProperty("id").GetInt64();
        var all = await x.SendAsync(app.Api, Get, "/api/conversations", HttpStatusCode.OK);
        Assert.Equal(4, all.GetProperty("total").GetInt32());
        foreach (var conversation in all.GetProperty("items").EnumerateArray())
        {
            await x.SendAsync(app.Api, Get, $"/api/conversations/{conversation.GetProperty("id").GetInt64()}", HttpStatusCode.OK);
        }

        await x.SendAsync(app.Api, Get, "/api/conversations?pageSize=0&since=yesterday", HttpStatusCode.BadRequest);
        await x.SendAsync(app.Api, Get, $"/api/conversations/{Missing}", HttpStatusCode.NotFound);

        // Conversions, by conversation and by participant; the same externalId again is answered 200.
        var order = new { conversationId = aliceConversation, type = "purchase", value = 49.90, currency = "EUR", occurredAt = now, externalId = "order-1001" };
        await x.SendJsonAsync(app.Api, Post, "/api/conversions", HttpStatusCode.Created, order);
        await x.SendJsonAsync(app.Api, Post, "/api/conversions", HttpStatusCode.OK, order);
        await x.SendJsonAsync(app.Api, Post, "/api/conversions", HttpStatusCode.Created,
            new { platform = "instagram", participantId = "IGSID-bob", accountId = InstagramAccount, type = "signup", externalId = "signup-bob" });
        await x.SendJsonAsync(app.Api, Post, "/api/conversions", HttpStatusCode.BadRequest, new { conversationId = aliceConversation, type = "purchase" });
        await x.SendAsync(app.Api, Post, "/api/conversions", HttpStatusCode.UnsupportedMediaType, "type=purchase", "application/x-www-form-urlencoded");
        var conversions = await x.SendAsync(app.Api, Get, $"/api/conversions?conversationId={aliceConversation}&externalId=order-1001&page=1&pageSize=10", HttpStatusCode.OK);
        Assert.Equal(1, conversions.GetProperty("total").GetInt32());
        await x.SendAsync(app.Api, Get, "/api/conversions?page=0", HttpStatusCode.BadRequest);

        // Campaign analytics under both models.
        var report = await x.SendAsync(app.Api, Get, "/api/campaigns?since=2026-11-01&until=2026-12-01&model=first", HttpStatusCode.OK);
        Assert.NotEqual(0, report.GetProperty("byRef").GetArrayLength());
        await x.SendAsync(app.Api, Get, "/api/campaigns?model=last", HttpStatusCode.OK);
        await x.SendAsync(app.Api, Get, "/api/campaigns?model=middle", HttpStatusCode.BadRequest);

        // Alice's greeting, recorded as a dry run (no access token).
        var outbox = await x.SendAsync(app.Api, Get, $"/api/messages/outbox?conversationId={aliceConversation}&page=1&pageSize=10", HttpStatusCode.OK);
        Assert.NotEqual(0, outbox.GetProperty("total").GetInt32());
        await x.SendAsync(app.Api, Get, "/api/messages/outbox?status=lost", HttpStatusCode.BadRequest);

        // Outbound deliveries: one delivered, one failed by 410 Gone (which disables its subscription).
        var deliveredId = delivered.GetProperty("id").GetInt64();
        var disabledId = disabled.GetProperty("id").GetInt64();
        var deliveries = await x.SendAsync(app.Api, Get, $"/api/webhooks/deliveries?subscriptionId={deliveredId}&eventType=referral.received&page=1&pageSize=50", HttpStatusCode.OK);
        var goodDelivery = deliveries.GetProperty("items")[0].GetProperty("id").GetInt64();
        var goneDelivery = (await app.Api.GetJsonAsync($"/api/webhooks/deliveries?subscriptionId={disabledId}")).GetProperty("items")[0].GetProperty("id").GetInt64();
        Assert.Equal("delivered", (await app.SettledDeliveryAsync(goodDelivery)).Str("status"));
        Assert.Equal("failed", (await app.SettledDeliveryAsync(goneDelivery)).Str("status"));
        await x.SendAsync(app.Api, Get, "/api/webhooks/deliveries?status=delivered", HttpStatusCode.OK);
        await x.SendAsync(app.Api, Get, "/api/webhooks/deliveries?status=lost", HttpStatusCode.BadRequest);
        await x.SendAsync(app.Api, Get, $"/api/webhooks/deliveries/{goodDelivery}", HttpStatusCode.OK);
        await x.SendAsync(app.Api, Get, $"/api/webhooks/deliveries/{Missing}", HttpStatusCode.NotFound);
        await x.SendAsync(app.Api, Post, $"/api/webhooks/deliveries/{goneDelivery}/replay", HttpStatusCode.Conflict);
        await x.SendAsync(app.Api, Post, $"/api/webhooks/deliveries/{goodDelivery}/replay", HttpStatusCode.Accepted);
        await x.SendAsync(app.Api, Post, $"/api/webhooks/deliveries/{Missing}/replay", HttpStatusCode.NotFound);
        await x.SendAsync(app.Api, Get, "/api/webhooks/subscriptions", HttpStatusCode.OK);
        await x.SendAsync(app.Api, Post, $"/api/webhooks/subscriptions/{deliveredId}/rotate-secret", HttpStatusCode.OK);
        await x.SendAsync(app.Api, Post, $"/api/webhooks/subscriptions/{Missing}/rotate-secret", HttpStatusCode.NotFound);
        await x.SendAsync(app.Api, Post, $"/api/webhooks/subscriptions/{disabledId}/enable", HttpStatusCode.OK);
        await x.SendAsync(app.Api, Post, $"/api/webhooks/subscriptions/{Missing}/enable", HttpStatusCode.NotFound);
        await x.SendAsync(app.Api, Delete, $"/api/webhooks/subscriptions/{disabledId}", HttpStatusCode.NoContent);
        await x.SendAsync(app.Api, Delete, $"/api/webhooks/subscriptions/{Missing}", HttpStatusCode.NotFound);

        // Inbound deliveries: one whose processing the database refuses, replayed once the refusal is gone.
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlRawAsync("CREATE TRIGGER refuse_touch BEFORE INSERT ON ReferralTouches WHEN NEW.Ref = 'refused_once' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
            await DeliverAsync(x, app, Instagram(Referral("IGSID-refused", now.AddMinutes(-1), "refused_once")));
            await db.Database.ExecuteSqlRawAsync("DROP TRIGGER refuse_touch");
        }

        var failed = await x.SendAsync(app.Api, Get, "/api/webhooks/inbound?status=failed&page=1&pageSize=10", HttpStatusCode.OK);
        var failedId = failed.GetProperty("items")[0].GetProperty("id").GetInt64();
        await x.SendAsync(app.Api, Get, "/api/webhooks/inbound?status=lost", HttpStatusCode.BadRequest);
        var replay = await x.SendAsync(app.Api, Post, $"/api/webhooks/inbound/{failedId}/replay", HttpStatusCode.Accepted);
        await x.SendAsync(app.Api, Post, $"/api/webhooks/inbound/{Missing}/replay", HttpStatusCode.NotFound);
        await app.WhenIdleAsync();
        await x.SendAsync(app.Api, Post, $"/api/webhooks/inbound/{replay.GetProperty("newDeliveryId").GetInt64()}/replay", HttpStatusCode.Conflict);

        // Links and QR codes.
        await x.SendAsync(app.Api, Get, "/api/links?platform=whatsapp&account=%2B4915123456789&ref=summer_sale&template=Hello%20ref%3A%20%7Bref%7D", HttpStatusCode.OK);
        await x.SendAsync(app.Api, Get, "/api/links?platform=instagram&account=acme.shop&ref=collab_*", HttpStatusCode.BadRequest);
        await x.SendAsync(app.Api, Get, "/api/links/qr?platform=instagram&account=acme.shop&ref=summer_sale", HttpStatusCode.OK);
        await x.SendAsync(app.Api, Get, "/api/links/qr?platform=messenger&account=acmeshop&ref=flyer&format=svg&sizeMm=25&dpi=600&ecc=H&quietZone=2&caption=Scan%20me", HttpStatusCode.OK);
        await x.SendAsync(app.Api, Get, "/api/links/qr?platform=instagram&account=acme.shop&ref=summer_sale&format=gif&dpi=1", HttpStatusCode.BadRequest);

        // Trackable links: issued, read, re-pointed, counted, printed.
        var issued = await x.SendAsync(app.Api, Post, "/api/trackable-links", HttpStatusCode.Created, "{\"slug\":\"box-2026\",\"platform\":\"instagram\",\"account\":\"acme.shop\",\"code\":\"box_2026\"}");
        Assert.Equal("box-2026", issued.Str("slug"));
        await x.SendAsync(app.Api, Post, "/api/trackable-links", HttpStatusCode.BadRequest, "{\"slug\":\"Box\",\"platform\":\"instagram\",\"account\":\"acme.shop\",\"code\":\"box_*\"}");
        await x.SendAsync(app.Api, Get, "/api/trackable-links?code=box_2026", HttpStatusCode.OK);
        await x.SendAsync(app.Api, Get, "/api/trackable-links?code=bad%20code", HttpStatusCode.BadRequest);
        await x.SendAsync(app.Api, Get, "/api/trackable-links/box-2026", HttpStatusCode.OK);
        await x.SendAsync(app.Api, Get, "/api/trackable-links/no-such-link", HttpStatusCode.NotFound);
        await x.SendAsync(app.Api, Patch, "/api/trackable-links/box-2026", HttpStatusCode.OK, "{\"platform\":\"whatsapp\",\"account\":\"+4915123456789\",\"enabled\":false}");
        await x.SendAsync(app.Api, Patch, "/api/trackable-links/box-2026", HttpStatusCode.BadRequest, "{\"account\":\"0151\"}");
        await x.SendAsync(app.Api, Patch, "/api/trackable-links/no-such-link", HttpStatusCode.NotFound, "{\"enabled\":true}");
        await x.SendAsync(app.Api, Get, "/api/trackable-links/box-2026/scans?from=2026-11-01&to=2026-11-30", HttpStatusCode.OK);
        await x.SendAsync(app.Api, Get, "/api/trackable-links/box-2026/scans?from=November", HttpStatusCode.BadRequest);
        await x.SendAsync(app.Api, Get, "/api/trackable-links/no-such-link/scans", HttpStatusCode.NotFound);
        await x.SendAsync(app.Api, Get, "/api/trackable-links/box-2026/qr?format=svg&sizeMm=25", HttpStatusCode.OK);
        await x.SendAsync(app.Api, Get, "/api/trackable-links/box-2026/qr?format=gif", HttpStatusCode.BadRequest);
        await x.SendAsync(app.Api, Get, "/api/trackable-links/no-such-link/qr", HttpStatusCode.NotFound);

        // Silence alerts (none open in this short history).
        await x.SendAsync(app.Api, Get, "/api/alerts", HttpStatusCode.OK);

        // Privacy: a participant's data exported, and another's erased.
        var export = await x.SendAsync(app.Api, Get, $"/api/conversations/{aliceConversation}/export", HttpStatusCode.OK);
        Assert.NotEqual(0, export.GetProperty("inboundDeliveries").GetArrayLength());
        await x.SendAsync(app.Api, Get, $"/api/conversations/{Missing}/export", HttpStatusCode.NotFound);
        var wanda = (await app.Api.GetJsonAsync("/api/conversations?participantId=4915123456789")).GetProperty("items")[0].GetProperty("id").GetInt64();
        await x.SendAsync(app.Api, Delete, $"/api/conversations/{wanda}/personal-data", HttpStatusCode.OK);
        await x.SendAsync(app.Api, Delete, $"/api/conversations/{Missing}/personal-data", HttpStatusCode.NotFound);

        // Without the key, every /api operation answers 401 (a JSON body where one is expected, or routing answers 415 first).
        var document = await app.Api.GetStringAsync("/openapi/v1.json");
        foreach (var (method, path) in ApiOperations(document))
        {
            var url = path.Replace("{id}", "1", StringComparison.Ordinal);
            await x.SendAsync(app.Client, method, url, HttpStatusCode.Unauthorized, method == Post || method == Put ? "{}" : null);
        }

        await RecordRateLimitsAsync(x);

        var check = await CheckAsync(document, x.Exchanges);
        Assert.True(check.Problems.Count == 0, string.Join("\n", check.Problems));
        var unexercised = check.Operations
            .Where(o => !check.Exercised.TryGetValue(o.Id, out var statuses) || !statuses.Any(s => s is >= 200 and < 300) || !statuses.Any(s => s is >= 400 and < 500))
            .Select(o => $"{o.Method} {o.Path} ({string.Join(", ", check.Exercised.GetValueOrDefault(o.Id) ?? [])})");
        Assert.True(!unexercised.Any(), "Operations without both a success and a client error exercised:\n" + string.Join("\n", unexercised));
    }

    /// <summary>429s with Retry-After from an app with budgets of one call (per minute for /api, per second for Meta's endpoint).</summary>
    private static async Task RecordRateLimitsAsync(ExchangeRecorder x)
    {
        await using var app = await TestApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["RateLimits:Api:PermitsPerMinute"] = "1",
            ["RateLimits:Webhooks:PermitsPerSecond"] = "1",
        });
        await x.SendUntilAsync(app.Api, Get, "/api/triggers", HttpStatusCode.TooManyRequests);
        await x.SendUntilAsync(app.Client, Get, $"/webhooks/meta?hub.mode=subscribe&hub.verify_token={TestApp.VerifyToken}&hub.challenge=7", HttpStatusCode.TooManyRequests);
    }

    private static Task PostWebhookAsync(ExchangeRecorder x, TestApp app, string body, HttpStatusCode expected, string? signature = null) =>
        x.SendAsync(app.Client, Post, WebhookEndpoints.Path, expected, body, "application/json", new Dictionary<string, string>
        {
            [WebhookEndpoints.SignatureHeader] = signature ?? MetaSignature.Sign(Encoding.UTF8.GetBytes(body), Encoding.UTF8.GetBytes(TestApp.AppSecret)),
        });

    private static async Task DeliverAsync(ExchangeRecorder x, TestApp app, string body)
    {
        await PostWebhookAsync(x, app, body, HttpStatusCode.OK);
        await app.WhenIdleAsync();
    }

    private static IEnumerable<(HttpMethod Method, string Path)> ApiOperations(string document)
    {
        var paths = JsonNode.Parse(document)!["paths"]!.AsObject();
        return paths.Where(p => p.Key.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(p => p.Value!.AsObject().Select(o => (new HttpMethod(o.Key.ToUpperInvariant()), p.Key)))
            .ToList();
    }

    private sealed record Operation(string Id, string Method, string Path, bool Body);

    private sealed record Check(IReadOnlyList<Operation> Operations, Dictionary<string, int[]> Exercised, IReadOnlyList<string> Examples, IReadOnlyList<string> Problems);

    /// <summary>Runs openapi-check.mjs over the document, README.md and the exchanges.</summary>
    private static async Task<Check> CheckAsync(string document, IReadOnlyList<Exchange> exchanges)
    {
        var input = new JsonObject
        {
            ["document"] = JsonNode.Parse(document),
            ["readme"] = await File.ReadAllTextAsync(Path.Combine(TestApp.RepoRoot, "README.md")),
            ["exchanges"] = JsonSerializer.SerializeToNode(exchanges, JsonSerializerOptions.Web),
        };
        var result = await NodeScripts.RunAsync("openapi-check.mjs", [], stdin: input.ToJsonString());
        Assert.True(result.ExitCode == 0, result.ToString());
        var output = JsonNode.Parse(result.Output)!;
        return new Check(
            output["operations"].Deserialize<List<Operation>>(JsonSerializerOptions.Web)!,
            output["exercised"].Deserialize<Dictionary<string, int[]>>(JsonSerializerOptions.Web)!,
            output["examples"]!.AsArray().Select(e => e!["operationId"]!.GetValue<string>()).ToList(),
            output["problems"].Deserialize<List<string>>(JsonSerializerOptions.Web)!);
    }
}
