namespace ReferralStudio.Tests.Infrastructure;

/// <summary>
/// The storage engine a suite's app starts on: the SQLite file of <see cref="TestApp.StartAsync"/> unless a subclass
/// says otherwise. A suite that starts its app in one place takes an engine in a protected constructor, so a one-line
/// subclass runs the same tests, with the same answers expected, on PostgreSQL (<see cref="PostgresEngine"/>).
/// </summary>
public class TestEngine : IAsyncDisposable
{
    public virtual Task<TestApp> StartAsync() => TestApp.StartAsync();

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// A PostgreSQL database of this engine's own, created when the app starts and dropped with the engine. xunit makes a
/// test class instance per test, and the instance its engine, so every test starts on an empty database of its own.
/// </summary>
public sealed class PostgresEngine : TestEngine
{
    private PostgresDatabase? _database;

    public override async Task<TestApp> StartAsync()
    {
        _database = new PostgresDatabase();
        await _database.InitializeAsync();
        return await TestApp.StartAsync(settings: _database.AppSettings);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
