using Microsoft.Data.Sqlite;

namespace ReferralStudio.Data;

/// <summary>
/// Where the SQLite file lives, resolved once: a relative <c>Data Source</c> is taken from the
/// content root (not the process's working directory), and its folder is created.
/// </summary>
public sealed class Database
{
    public Database(string configured, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(configured);
        if (builder.DataSource is not ("" or ":memory:") && !builder.DataSource.StartsWith("file:", StringComparison.Ordinal))
        {
            builder.DataSource = Path.GetFullPath(builder.DataSource, contentRoot);
            Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
        }

        // Writers wait on each other inside SQLite rather than failing with SQLITE_BUSY.
        builder.DefaultTimeout = 30;
        ConnectionString = builder.ToString();
        FilePath = builder.DataSource;
    }

    public string ConnectionString { get; }

    public string FilePath { get; }

    /// <summary>Opens a connection tuned for this app: WAL readers never block the writer.</summary>
    public SqliteConnection Open(bool fullSync = false)
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        // FULL: a commit is on disk before the acknowledgement leaves, even across power loss.
        // NORMAL (WAL): survives a process crash; a lost tail after power loss is replayed from the inbox.
        pragma.CommandText = $"PRAGMA busy_timeout = 30000; PRAGMA synchronous = {(fullSync ? "FULL" : "NORMAL")};";
        pragma.ExecuteNonQuery();
        return connection;
    }
}

/// <summary>
/// Serialises this process's bulk writers (inbox, processor) so they queue in memory instead of
/// hitting SQLite's busy handler, whose sleeps would show up as acknowledgement latency. The inbox
/// enters with priority: while it waits, <see cref="PriorityWaiting"/> tells the processor to commit
/// what it has and let it in, so a 200 never waits behind a long processing transaction.
/// </summary>
public sealed class SqliteWriteGate
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _priorityWaiting;

    /// <summary>True while a priority writer (the inbox) is waiting for the gate.</summary>
    public bool PriorityWaiting => Volatile.Read(ref _priorityWaiting) > 0;

    public async ValueTask<Lease> EnterAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Lease(_gate);
    }

    /// <summary>Enters like <see cref="EnterAsync"/>, and asks the current holder to yield soon.</summary>
    public async ValueTask<Lease> EnterWithPriorityAsync(CancellationToken cancellationToken = default)
    {
        if (_gate.Wait(0))
        {
            return new Lease(_gate);
        }

        Interlocked.Increment(ref _priorityWaiting);
        try
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _priorityWaiting);
        }

        return new Lease(_gate);
    }

    public readonly struct Lease(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
