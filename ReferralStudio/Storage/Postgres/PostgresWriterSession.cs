using Npgsql;

namespace ReferralStudio.Storage.Postgres;

/// <summary>
/// The attribution writer's session on PostgreSQL: one connection of its own, one transaction at a time, with the
/// foreign keys checked at commit if at all (a new conversation's row is inserted at commit, after the touches that name it;
/// <see cref="ChecksForeignKeys"/>).
/// </summary>
internal sealed class PostgresWriterSession : IWriterSession
{
    private readonly NpgsqlConnection _connection;
    private readonly DeferredStatements _deferred;
    private readonly IdBlocks _ids;
    private readonly IdBlocks.Table _conversationIds;
    private NpgsqlTransaction? _transaction;

    public PostgresWriterSession(NpgsqlConnection connection)
    {
        _connection = connection;
        _deferred = new DeferredStatements(connection);
        _ids = new IdBlocks(connection);
        _conversationIds = _ids.For("conversations");
        // Each statement planned once and its plan kept (planning every run was a fifth of the server's time), and that
        // plan never a table scan: every read and write here finds its rows by key, and a plan made while the tables were
        // small (a fresh database, or before autovacuum's next ANALYZE) would otherwise scan them long after they grew.
        // No JIT: a plan whose only choice is a disabled scan costs more than JIT's threshold, and compiling per run costs
        // more than the statement.
        using var plans = new NpgsqlCommand("SET enable_seqscan = off; SET jit = off; SET plan_cache_mode = force_generic_plan", connection);
        plans.ExecuteNonQuery();
        ChecksForeignKeys = !TryWriteWithoutForeignKeyChecks(connection);
    }

    /// <summary>
    /// Whether this session's commits check the foreign keys. As on SQLite, the writer's own rows need no checks: each names
    /// a row it read or wrote in the same transaction. Skipping them takes a role allowed to set
    /// <c>session_replication_role</c> (<c>GRANT SET ON PARAMETER session_replication_role TO ...</c>, PostgreSQL 15+); a
    /// role without it writes the same rows with the checks. Every other connection checks them always.
    /// </summary>
    public bool ChecksForeignKeys { get; }

    /// <summary>
    /// Turns the session's foreign key triggers off (the schema has no other triggers). Checking each new touch's
    /// conversation at commit was a tenth of the server's time for this session (bench/RESULTS.md).
    /// </summary>
    private static bool TryWriteWithoutForeignKeyChecks(NpgsqlConnection connection)
    {
        using var replica = new NpgsqlCommand("SET session_replication_role = replica", connection);
        try
        {
            replica.ExecuteNonQuery();
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            return false;
        }
    }

    public bool DefersInserts => true;

    public IStatement Prepare(string sql, params string[] parameters) => new NpgsqlStatement(_connection, _deferred, sql, parameters);

    public IStatement PrepareInsert(string sql, params string[] parameters) =>
        new NpgsqlStatement(_connection, _deferred, sql, parameters, _ids.For(NpgsqlStatement.InsertedTable(sql)));

    // The conversations' own trigram index serves the name search: nothing to keep beside the row.
    public IStatement PrepareAppend(string sql, bool returnsId, params string[] parameters) =>
        new NpgsqlStatement(_connection, _deferred, sql, parameters, returnsId ? _ids.For(NpgsqlStatement.InsertedTable(sql)) : null, _deferred.Appends);

    public IStatement? PrepareNameIndexAdd() => null;

    public IStatement? PrepareNameIndexRemove() => null;

    public string IgnoringCase(string expression) => $"lower({expression})";

    public string AnyOf(string parameter) => $"= ANY({parameter})";

    public long NextConversationId() => _conversationIds.Next();

    public void Begin()
    {
        _transaction = _connection.BeginTransaction();
        using var defer = new NpgsqlCommand("SET CONSTRAINTS ALL DEFERRED", _connection, _transaction);
        defer.ExecuteNonQuery();
    }

    public void Commit()
    {
        _deferred.Flush();
        _transaction!.Commit();
        EndTransaction();
    }

    public void Rollback()
    {
        _deferred.Clear();
        _transaction?.Rollback();
        EndTransaction();
    }

    public void Settle()
    {
    }

    private void EndTransaction()
    {
        _transaction?.Dispose();
        _transaction = null;
    }

    public void Dispose()
    {
        _ids.Dispose();
        _transaction?.Dispose();
        _connection.Dispose();
    }
}
