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

    /// <summary>The app each test gets; a class that needs settings overrides it.</summary>
    protected virtual Task<TestApp> StartAppAsync() => TestApp.StartAsync(systemClock: true);

    /// <summary>What a class stores before each test, once the app runs.</summary>
    protected virtual Task SeedAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        App = await StartAppAsync();
        await SeedAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.CloseContextsAsync();
        await App.DisposeAsync();
    }
}
