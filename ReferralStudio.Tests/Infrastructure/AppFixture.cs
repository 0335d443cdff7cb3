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
    private readonly PostgresEngine _engine = new();

    public TestApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await _engine.StartAsync();

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await _engine.DisposeAsync();
    }
}
