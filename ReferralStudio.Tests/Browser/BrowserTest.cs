using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Browser;

/// <summary>
/// A browser test: its own app on a store of its own (SQLite unless a class passes another <see cref="TestStore"/>),
/// pages from the one shared Chromium, and every browser context it opened closed when it ends (see
/// <see cref="BrowserFixture.CloseContextsAsync"/>).
/// </summary>
[Collection(BrowserCollection.Name)]
public abstract class BrowserTest(BrowserFixture browser, TestStore store) : IAsyncLifetime
{
    protected BrowserTest(BrowserFixture browser)
        : this(browser, TestStore.Sqlite())
    {
    }

    protected BrowserFixture Browser { get; } = browser;

    /// <summary>Where <see cref="App"/> keeps its data.</summary>
    protected TestStore Store { get; } = store;

    protected TestApp App { get; private set; } = null!;

    /// <summary>
    /// An integrator's webhook receiver, started before the app so the app can allow its port
    /// (<c>Outbound:AllowedPorts</c>); <see cref="StartAppAsync(IDictionary{string, string}, Action{IServiceCollection})"/> passes it as <c>receivers</c>.
    /// </summary>
    protected LoopbackServer Receiver { get; private set; } = null!;

    /// <summary>The app each test gets; a class that needs settings overrides it with <see cref="StartAppAsync(IDictionary{string, string}, Action{IServiceCollection})"/>.</summary>
    protected virtual Task<TestApp> StartAppAsync() => StartAppAsync(new Dictionary<string, string?>());

    /// <summary>
    /// The app on <see cref="Store"/> and the system clock, allowing <see cref="Receiver"/>, with <paramref name="settings"/>
    /// and <paramref name="services"/> (a log capture, say).
    /// </summary>
    protected async Task<TestApp> StartAppAsync(IDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        await Store.PrepareAsync();
        return await TestApp.StartAsync(Store.Path, systemClock: true, settings: Store.With(settings), services: services, receivers: [Receiver]);
    }

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
        await Store.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
