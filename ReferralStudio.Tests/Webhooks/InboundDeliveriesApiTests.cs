using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Data;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Webhooks;

/// <summary>Integrators find failed inbound deliveries and replay them through the API once the cause is fixed.</summary>
public sealed class InboundDeliveriesApiTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_Failed_Delivery_Is_Listed_And_Replayed_Once_The_Cause_Is_Gone()
    {
        // A real processing failure: the database refuses this one touch, as a full disk or a broken migration would.
        await ExecuteAsync("CREATE TRIGGER refuse_touch BEFORE INSERT ON ReferralTouches WHEN NEW.Ref = 'api_refused' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
        await _app.DeliverAsync(Instagram(Referral(Unique("igsid"), _app.Time.GetUtcNow(), "api_refused")));
        await ExecuteAsync("DROP TRIGGER refuse_touch");

        var failed = Assert.Single((await _app.Api.GetJsonAsync("/api/webhooks/inbound?status=failed")).GetProperty("items").EnumerateArray());
        Assert.Contains("refused by the test", failed.Str("reason"));
        var failedId = failed.GetProperty("id").GetInt64();

        var (status, replay) = await _app.Api.PostJsonAsync($"/api/webhooks/inbound/{failedId}/replay");
        await _app.WhenIdleAsync();

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(failedId, replay.GetProperty("replayedDeliveryId").GetInt64());
        var processed = Assert.Single((await _app.Api.GetJsonAsync("/api/webhooks/inbound?status=processed")).GetProperty("items").EnumerateArray());
        Assert.Equal(replay.GetProperty("newDeliveryId").GetInt64(), processed.GetProperty("id").GetInt64());
        Assert.Equal($"replay of delivery {failedId}", processed.Str("reason"));
        Assert.Equal(1, processed.GetProperty("eventCount").GetInt32());
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.ReferralTouches.CountAsync(t => t.Ref == "api_refused"));
    }

    [Fact]
    public async Task Only_A_Failed_Delivery_Can_Be_Replayed_And_Each_Refusal_Says_Why()
    {
        await _app.DeliverAsync(Instagram(Referral(Unique("igsid"), _app.Time.GetUtcNow(), "fine")));
        var processedId = (await _app.Api.GetJsonAsync("/api/webhooks/inbound")).GetProperty("items")[0].GetProperty("id").GetInt64();

        var (again, conflict) = await _app.Api.PostJsonAsync($"/api/webhooks/inbound/{processedId}/replay");
        var (missing, notFound) = await _app.Api.PostJsonAsync("/api/webhooks/inbound/999999/replay");
        var (badStatus, invalid) = await _app.Api.SendJsonAsync(HttpMethod.Get, "/api/webhooks/inbound?status=lost");

        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Contains("processed already", conflict.Str("detail"));
        Assert.Equal("id", conflict.Str("field"));
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal("There is no delivery 999999.", notFound.Str("detail"));
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Equal(["status must be one of pending, processed, rejected, ignored, failed."], invalid.ErrorsFor("status"));
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        await db.Database.ExecuteSqlRawAsync(sql);
    }
}
