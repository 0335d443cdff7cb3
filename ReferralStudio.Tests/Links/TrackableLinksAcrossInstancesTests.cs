using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Links.Trackable;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Links;

/// <summary>Two instances on one PostgreSQL database: a link re-pointed on one redirects to the new target on the other.</summary>
public sealed class TrackableLinksAcrossInstancesTests : IAsyncLifetime
{
    private readonly TestStore _store = TestStore.Postgres();

    public Task InitializeAsync() => _store.PrepareAsync();

    public Task DisposeAsync() => _store.DisposeAsync().AsTask();

    [Fact]
    public async Task A_Link_Repointed_On_One_Instance_Redirects_To_The_New_Target_On_The_Other()
    {
        await using var a = await TestApp.StartAsync(_store.Path, settings: _store.With(new Dictionary<string, string?>()));
        await using var b = await TestApp.StartAsync(_store.Path, settings: _store.With(new Dictionary<string, string?>()));
        var (created, _) = await a.Api.PostJsonAsync("/api/trackable-links", new { slug = "shared-box", platform = "instagram", account = "acme.shop", code = "box_2026" });
        Assert.Equal(HttpStatusCode.Created, created);
        const string NewTarget = "https://ig.me/m/acme.shop?ref=box_2027";
        var catalog = b.Services.GetRequiredService<TrackableLinkCatalog>();
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Each reload of b's routes (its own start, a reconnect, the notification) is checked until the new target is there.
        catalog.Reloaded += () =>
        {
            if (catalog.Find("shared-box")?.Url == NewTarget)
            {
                arrived.TrySetResult();
            }
        };

        var (changed, _) = await a.Api.SendJsonAsync(HttpMethod.Patch, "/api/trackable-links/shared-box", new { code = "box_2027" });
        if (catalog.Find("shared-box")?.Url != NewTarget)
        {
            await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(HttpStatusCode.OK, changed);
        using var scanner = new Scanner(b.BaseAddress);
        using var response = await scanner.ScanAsync("shared-box", userAgent: null);
        Assert.Equal(NewTarget, response.Headers.Location?.OriginalString);
    }
}
