using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Api;
using ReferralStudio.Audit;
using ReferralStudio.Data;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Api;

/// <summary>Dashboard-made API keys against the real app: scopes, revocation, rotation, what is stored.</summary>
public sealed class ApiKeyTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private readonly List<HttpClient> _clients = [];

    async Task IAsyncLifetime.InitializeAsync() => _app = await TestApp.StartAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        _clients.ForEach(c => c.Dispose());
        await _app.DisposeAsync();
    }

    private ApiKeys Keys => _app.Services.GetRequiredService<ApiKeys>();

    private static readonly AuditActor Admin = AuditActor.User(TestApp.AdminEmail, null);

    private async Task<(ApiKeyCreated Created, HttpClient Client)> CreateAsync(string name, string scope)
    {
        var created = await Keys.CreateAsync(Admin, name, scope);
        Assert.True(created.Succeeded);
        var client = new HttpClient { BaseAddress = _app.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.Key);
        _clients.Add(client);
        return (created, client);
    }

    private static Task<(HttpStatusCode Status, JsonElement Body)> CreateTriggerAsync(HttpClient client, string name) =>
        client.PostJsonAsync("/api/triggers", new { name, pattern = name + "_*", actions = new { tags = Array.Empty<string>() } });

    private static void AssertNeeds(string scope, (HttpStatusCode Status, JsonElement Body) response)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.Equal(scope, response.Body.GetProperty("requiredScope").GetString());
        Assert.Contains($"'{scope}'", response.Body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Each_Scope_Calls_What_It_Covers_And_Gets_403_Naming_The_Scope_Beyond()
    {
        var (_, read) = await CreateAsync("Reporting", ApiScopes.Read);
        var (_, write) = await CreateAsync("CRM sync", ApiScopes.Write);
        var (_, admin) = await CreateAsync("Ops", ApiScopes.Admin);

        await read.GetJsonAsync("/api/conversations");
        await read.GetJsonAsync("/api/triggers");
        AssertNeeds(ApiScopes.Write, await CreateTriggerAsync(read, "from_read"));
        AssertNeeds(ApiScopes.Admin, await read.SendJsonAsync(HttpMethod.Get, "/api/conversations/1/export"));

        Assert.Equal(HttpStatusCode.Created, (await CreateTriggerAsync(write, "from_write")).Status);
        AssertNeeds(ApiScopes.Admin, await write.SendJsonAsync(HttpMethod.Get, "/api/webhooks/subscriptions"));
        AssertNeeds(ApiScopes.Admin, await write.SendJsonAsync(HttpMethod.Delete, "/api/conversations/1/personal-data"));

        await admin.GetJsonAsync("/api/webhooks/subscriptions");
        Assert.Equal(HttpStatusCode.Created, (await CreateTriggerAsync(admin, "from_admin")).Status);
        await admin.GetJsonAsync("/api/conversations/999999/export", HttpStatusCode.NotFound);

        // The configured key stays the bootstrap key, with every scope.
        await _app.Api.GetJsonAsync("/api/webhooks/subscriptions");

        // The audit log names the key that made the change.
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.Equal(["CRM sync", "Ops"], await db.AuditEntries.Where(e => e.Action == AuditActions.TriggerCreated).OrderBy(e => e.Id).Select(e => e.Actor).ToListAsync());
    }

    [Fact]
    public async Task Two_Keys_Work_Side_By_Side_Until_One_Is_Revoked()
    {
        var (old, oldClient) = await CreateAsync("Zapier", ApiScopes.Read);
        var (_, newClient) = await CreateAsync("Zapier (rotated)", ApiScopes.Read);
        await oldClient.GetJsonAsync("/api/conversations");
        await newClient.GetJsonAsync("/api/conversations");

        Assert.True(await Keys.RevokeAsync(Admin, old.Row!.Id));

        var (status, problem) = await oldClient.SendJsonAsync(HttpMethod.Get, "/api/conversations");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Authorization", problem.GetProperty("field").GetString());
        await newClient.GetJsonAsync("/api/conversations");
        Assert.False(await Keys.RevokeAsync(Admin, old.Row!.Id));
    }

    [Fact]
    public async Task The_Row_Holds_The_Hash_And_Prefix_Never_The_Key_And_Last_Use_Is_Written_At_Most_Once_A_Minute()
    {
        var (created, client) = await CreateAsync("Warehouse", ApiScopes.Read);
        Assert.StartsWith(ApiKeys.KeyPrefix, created.Key);
        Assert.Equal(ApiKeys.KeyPrefix.Length + 43, created.Key!.Length);

        async Task<ApiKey> RowAsync()
        {
            await using var scope = _app.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<AppDbContext>().ApiKeys.AsNoTracking().SingleAsync();
        }

        var row = await RowAsync();
        Assert.Null(row.LastUsedAt);
        Assert.Equal(created.Key[..8], row.Prefix);
        Assert.Equal(ApiKeys.Hash(created.Key), row.Hash);
        Assert.Equal(TestApp.AdminEmail, row.CreatedBy);
        // Nothing in the file holds the key: not the row, not its audit entry.
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var entry = await db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == AuditActions.ApiKeyCreated);
            Assert.DoesNotContain(created.Key[8..], entry.After);
            Assert.DoesNotContain(row.Hash, entry.After);
        }

        Assert.DoesNotContain(created.Key[8..], JsonSerializer.Serialize(row));

        var start = _app.Time.GetUtcNow();
        await client.GetJsonAsync("/api/conversations");
        Assert.Equal(start, (await RowAsync()).LastUsedAt);

        _app.Time.Advance(TimeSpan.FromSeconds(30));
        await client.GetJsonAsync("/api/conversations");
        Assert.Equal(start, (await RowAsync()).LastUsedAt);

        _app.Time.Advance(TimeSpan.FromSeconds(31));
        await client.GetJsonAsync("/api/conversations");
        Assert.Equal(start.AddSeconds(61), (await RowAsync()).LastUsedAt);
    }

    [Theory]
    [InlineData("GET", "/api/conversations", ApiScopes.Read)]
    [InlineData("GET", "/api/conversations/5/export", ApiScopes.Admin)]
    [InlineData("DELETE", "/api/conversations/5/personal-data", ApiScopes.Admin)]
    [InlineData("POST", "/api/triggers", ApiScopes.Write)]
    [InlineData("DELETE", "/api/triggers/3", ApiScopes.Write)]
    [InlineData("POST", "/api/conversions", ApiScopes.Write)]
    [InlineData("GET", "/api/webhooks/inbound", ApiScopes.Admin)]
    [InlineData("POST", "/api/webhooks/inbound/4/replay", ApiScopes.Admin)]
    [InlineData("GET", "/API/Webhooks/deliveries", ApiScopes.Admin)]
    [InlineData("GET", "/api/messages/outbox", ApiScopes.Read)]
    public void The_Scope_Table_Names_What_Each_Call_Needs(string method, string path, string scope) =>
        Assert.Equal(scope, ApiScopes.Required(method, path));
}
