namespace ReferralStudio.Tests.Infrastructure;

/// <summary>One running app per test class; tests keep apart by using their own participant ids.</summary>
public sealed class AppFixture : IAsyncLifetime
{
    public TestApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await TestApp.StartAsync();

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>One running app per test class on a PostgreSQL database of its own.</summary>
public sealed class PostgresAppFixture : IAsyncLifetime
{
    private readonly TestStore _store = TestStore.Postgres();

    public TestApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await _store.StartAppAsync();

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await _store.DisposeAsync();
    }
}
