using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Browser;

/// <summary>
/// A browser test: its own app, pages from the one shared Chromium, and every browser context it opened closed when
/// it ends (see <see cref="BrowserFixture.CloseContextsAsync"/>).
/// </summary>
[Collection(BrowserCollection.Name)]
public abstract class BrowserTest(BrowserFixture browser) : IAsyncLifetime
{
    protected BrowserFixture Browser { get; } = browser;

    protected TestApp App { get; private set; } = null!;

    /// <summary>
    /// An integrator's webhook receiver, started before the app so the app can allow its port
    /// (<c>Outbound:AllowedPorts</c>); <see cref="StartAppAsync"/> passes it as <c>receivers</c>.
    /// </summary>
    protected LoopbackServer Receiver { get; private set; } = null!;

    /// <summary>The app each test gets; a class that needs settings overrides it (passing <see cref="Receiver"/> on).</summary>
    protected virtual Task<TestApp> StartAppAsync() => TestApp.StartAsync(systemClock: true, receivers: [Receiver]);

    /// <summary>What a class stores before each test, once the app runs.</summary>
    protected virtual Task SeedAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        Receiver = await LoopbackServer.StartAsync();
        App = await StartAppAsync();
        await SeedAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.CloseContextsAsync();
        await App.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
