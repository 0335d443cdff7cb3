using ReferralStudio.Data;
using ReferralStudio.Storage.Postgres;
using ReferralStudio.Tests.Reliability;

namespace ReferralStudio.Tests.Infrastructure;

/// <summary>
/// Where a test's app keeps its data, so one suite runs on either engine: a fresh SQLite file pair, or a fresh
/// PostgreSQL database. A suite takes one in a protected constructor, and a one-line subclass runs the same tests, with
/// the same answers expected, on PostgreSQL. xunit makes a test class instance per test, so every test gets a store of
/// its own; restarts of the app within a test find the same data.
/// </summary>
public abstract class TestStore : IAsyncDisposable
{
    /// <summary>The SQLite file (also a harmless placeholder for the PostgreSQL apps, which ignore it).</summary>
    public string Path { get; } = TestApp.NewDatabasePath();

    /// <summary>The settings that put the app on this store (added to a test's own).</summary>
    public abstract IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>The store's tables, through a context of its own, as an operator would read them.</summary>
    public abstract AppDbContext Open();

    /// <summary>The engine's own soundness checks after a crash (SQLite: integrity and foreign keys of both files).</summary>
    public abstract void AssertSound();

    /// <summary>Creates what the store needs on a server (nothing for SQLite); before the first app starts.</summary>
    public virtual Task PrepareAsync() => Task.CompletedTask;

    /// <summary>Starts the app on this store (the suites that need nothing else of <see cref="TestApp.StartAsync"/>).</summary>
    public async Task<TestApp> StartAppAsync()
    {
        await PrepareAsync();
        return await TestApp.StartAsync(Path, settings: With(new Dictionary<string, string?>()));
    }

    public Dictionary<string, string?> With(IDictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>(settings);
        foreach (var (key, value) in Settings)
        {
            all[key] = value;
        }

        return all;
    }

    public abstract ValueTask DisposeAsync();

    public static TestStore Sqlite() => new SqliteStore();

    public static TestStore Postgres() => new PostgresStore(new PostgresDatabase());

    private sealed class SqliteStore : TestStore
    {
        public override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

        public override AppDbContext Open() => TestDatabase.Open(Path);

        public override void AssertSound()
        {
            Assert.Equal("ok", TestDatabase.IntegrityCheck(Path));
            // The processor writes without enforcing them: this shows it wrote whole rows only.
            Assert.Empty(TestDatabase.ForeignKeyViolations(Path));
            Assert.Equal("ok", TestDatabase.IntegrityCheck(TestDatabase.InboxPath(Path)));
        }

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class PostgresStore(PostgresDatabase database) : TestStore
    {
        private bool _created;

        public override IReadOnlyDictionary<string, string?> Settings => database.AppSettings;

        public override async Task PrepareAsync()
        {
            if (!_created)
            {
                await database.InitializeAsync();
                _created = true;
            }
        }

        public override AppDbContext Open() => new PostgresAppDbContext(database.Options);

        // Its WAL keeps its files sound; the processor writes without checking foreign keys, as on SQLite.
        public override void AssertSound() => Assert.Empty(database.ForeignKeyViolations());

        public override async ValueTask DisposeAsync()
        {
            if (_created)
            {
                await database.DisposeAsync();
            }
        }
    }
}
