using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using ReferralStudio.Attribution;
using ReferralStudio.Data;
using ReferralStudio.Inbox;
using ReferralStudio.Outbound;
using ReferralStudio.Storage.Postgres;
using ReferralStudio.Storage.Sqlite;
using ReferralStudio.Triggers;

/// <summary>A pending delivery of the backlog: when it was received, its object type, its body.</summary>
internal sealed record BacklogDelivery(long ReceivedAt, string ObjectType, byte[] Body);

/// <summary>The engine a run measures: a fresh database migrated by the app when started, the backlog staged in bulk, the app's own storage over it.</summary>
internal abstract class BenchStore : IAsyncDisposable
{
    public abstract string Name { get; }

    /// <summary>The inbox table as the processor's SQL names it on this engine.</summary>
    public abstract string InboxTable { get; }

    /// <summary>How an acknowledged delivery is made durable (printed beside the probe's latencies).</summary>
    public abstract string Durability { get; }

    public abstract IDbContextFactory<AppDbContext> Contexts { get; }

    public abstract IInbox Inbox { get; }

    public abstract IStorageProbe Probe { get; }

    /// <summary>Stores the backlog as pending deliveries, as fast as the engine allows (not through the inbox writer).</summary>
    public abstract void InsertBacklog(IEnumerable<BacklogDelivery> backlog);

    public abstract IAttributionStorage AttributionStorage(TriggerCatalog triggers, OutboundQueue outbound, TimeProvider time);

    public abstract long Count(string sql);

    /// <summary>CPU the database server spent so far (zero for an engine inside this process).</summary>
    public virtual TimeSpan ServerCpu() => TimeSpan.Zero;

    public abstract string Size();

    public abstract ValueTask DisposeAsync();
}

internal sealed class SqliteBenchStore : BenchStore
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"rs-processing-{Environment.ProcessId}");
    private readonly string _path;
    private readonly string? _keepAt;
    private readonly SqliteFiles _files;
    private readonly ServiceProvider _services;

    /// <param name="keepAt">Where the database is moved afterwards (for a look with sqlite3's dbstat); null: deleted.</param>
    private SqliteBenchStore(string? keepAt)
    {
        Directory.CreateDirectory(_dir);
        _path = Path.Combine(_dir, "bench.db");
        _keepAt = keepAt;
        _files = new SqliteFiles($"Data Source={_path}", _dir);
        _services = new ServiceCollection().AddDbContextFactory<AppDbContext>(o => o.UseAppDatabase(_files)).BuildServiceProvider();
        Contexts = _services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        Inbox = new SqliteInbox(_files, NullLogger<SqliteInbox>.Instance);
        Probe = new SqliteStorageProbe(_files);
    }

    public override string Name => "SQLite";

    public override string InboxTable => "inbox.InboundDeliveries";

    public override string Durability => "synchronous=FULL";

    public override IDbContextFactory<AppDbContext> Contexts { get; }

    public override IInbox Inbox { get; }

    public override IStorageProbe Probe { get; }

    /// <summary>Creates and migrates the database (the app's migrations).</summary>
    public static async Task<SqliteBenchStore> StartAsync(string? keepAt)
    {
        var store = new SqliteBenchStore(keepAt);
        await SqliteStorage.MigrateAsync(store._files);
        return store;
    }

    /// <summary>Raw prepared inserts in large transactions: the fastest way to stage a big inbox.</summary>
    public override void InsertBacklog(IEnumerable<BacklogDelivery> backlog)
    {
        using var connection = _files.OpenInbox();
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous = OFF;";
            pragma.ExecuteNonQuery();
        }

        using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO InboundDeliveries (ReceivedAt, Status, ObjectType, Body, Simulated)
            VALUES ($at, 0, $object, $body, 0)
            """;
        var at = insert.Parameters.Add("$at", SqliteType.Integer);
        var objectType = insert.Parameters.Add("$object", SqliteType.Text);
        var body = insert.Parameters.Add("$body", SqliteType.Blob);
        var transaction = connection.BeginTransaction();
        insert.Transaction = transaction;
        var n = 0;
        foreach (var delivery in backlog)
        {
            at.Value = delivery.ReceivedAt;
            objectType.Value = delivery.ObjectType;
            body.Value = delivery.Body;
            insert.ExecuteNonQuery();
            if (++n % 20_000 == 0)
            {
                transaction.Commit();
                transaction.Dispose();
                transaction = connection.BeginTransaction();
                insert.Transaction = transaction;
            }
        }

        transaction.Commit();
        transaction.Dispose();
    }

    public override IAttributionStorage AttributionStorage(TriggerCatalog triggers, OutboundQueue outbound, TimeProvider time) =>
        new SqliteAttributionStorage(_files, Options.Create(new WhatsAppOptions()), triggers, outbound, time, NullLogger<SqliteAttributionStorage>.Instance);

    public override long Count(string sql)
    {
        using var connection = _files.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    public override string Size() => $"database file {new FileInfo(_path).Length / 1048576.0:N0} MiB";

    public override async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (_keepAt is not null)
        {
            File.Move(_path, _keepAt, overwrite: true);
        }

        Directory.Delete(_dir, recursive: true);
    }
}

/// <summary>A fresh database on a PostgreSQL server (<see cref="BenchPostgresDatabase"/>); the app's own data source settings (auto-prepare).</summary>
internal sealed class PostgresBenchStore : BenchStore
{
    private readonly BenchPostgresDatabase _database;
    private readonly NpgsqlDataSource _dataSource;
    private readonly ServiceProvider _services;

    private PostgresBenchStore(BenchPostgresDatabase database)
    {
        _database = database;
        _dataSource = database.DataSource;
        _services = new ServiceCollection().AddDbContextFactory<PostgresAppDbContext>(o => o.UsePostgres(_dataSource)).BuildServiceProvider();
        Contexts = new BaseContexts(_services.GetRequiredService<IDbContextFactory<PostgresAppDbContext>>());
        Inbox = new PostgresInbox(_dataSource);
        Probe = new PostgresStorageProbe(_dataSource);
    }

    /// <summary>Creates and migrates the database (the app's migrations).</summary>
    public static async Task<PostgresBenchStore> StartAsync() =>
        new(await BenchPostgresDatabase.StartAsync(BenchPostgresDatabase.DefaultServer, $"rs_processing_{Environment.ProcessId}"));

    public override string Name => "PostgreSQL " + Version();

    public override string InboxTable => "inbounddeliveries";

    public override string Durability => "synchronous_commit=on";

    public override IDbContextFactory<AppDbContext> Contexts { get; }

    public override IInbox Inbox { get; }

    public override IStorageProbe Probe { get; }

    /// <summary>Binary COPY: the fastest way to stage a big inbox on PostgreSQL.</summary>
    public override void InsertBacklog(IEnumerable<BacklogDelivery> backlog)
    {
        using var connection = _dataSource.OpenConnection();
        using (var copy = connection.BeginBinaryImport("COPY inbounddeliveries (receivedat, status, objecttype, body, simulated) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var delivery in backlog)
            {
                copy.StartRow();
                copy.Write(delivery.ReceivedAt, NpgsqlDbType.Bigint);
                copy.Write(0, NpgsqlDbType.Integer);
                copy.Write(delivery.ObjectType, NpgsqlDbType.Text);
                copy.Write(delivery.Body, NpgsqlDbType.Bytea);
                copy.Write(false, NpgsqlDbType.Boolean);
            }

            copy.Complete();
        }

        // As autovacuum would soon after: the processor's reads are planned with statistics.
        using var analyze = new NpgsqlCommand("ANALYZE", connection);
        analyze.ExecuteNonQuery();
    }

    public override IAttributionStorage AttributionStorage(TriggerCatalog triggers, OutboundQueue outbound, TimeProvider time) =>
        new PostgresAttributionStorage(_dataSource, Options.Create(new WhatsAppOptions()), triggers, outbound, time);

    public override long Count(string sql)
    {
        using var command = _dataSource.CreateCommand(sql);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>User and system time of every postgres process, and of the backends that have ended (the postmaster's children).</summary>
    public override TimeSpan ServerCpu()
    {
        long ticks = 0;
        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(process, "comm")).Trim() != "postgres")
                {
                    continue;
                }

                var stat = File.ReadAllText(Path.Combine(process, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // Fields 14-17 of /proc/<pid>/stat (utime, stime, cutime, cstime), counted from the state field (3).
                ticks += long.Parse(fields[11]) + long.Parse(fields[12]) + long.Parse(fields[13]) + long.Parse(fields[14]);
            }
            catch (IOException)
            {
                // The process ended meanwhile.
            }
        }

        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    public override string Size() => _database.Size();

    public override async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _database.DisposeAsync();
    }

    private string Version() => Count("SHOW server_version_num") is var v ? $"{v / 10000}.{v % 10000}" : "";

    private sealed class BaseContexts(IDbContextFactory<PostgresAppDbContext> contexts) : IDbContextFactory<AppDbContext>
    {
        public AppDbContext CreateDbContext() => contexts.CreateDbContext();
    }
}
