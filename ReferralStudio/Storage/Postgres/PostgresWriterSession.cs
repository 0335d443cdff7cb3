using Npgsql;

namespace ReferralStudio.Storage.Postgres;

/// <summary>
/// The attribution writer's session on PostgreSQL: one connection of its own, one transaction at a time, with the
/// foreign keys checked at commit (a new conversation's row is inserted at commit, after the touches that name it).
/// </summary>
internal sealed class PostgresWriterSession : IWriterSession
{
    private readonly NpgsqlConnection _connection;
    private readonly DeferredStatements _deferred;
    private readonly NpgsqlStatement _nextConversationId;
    private NpgsqlTransaction? _transaction;

    public PostgresWriterSession(NpgsqlConnection connection)
    {
        _connection = connection;
        _deferred = new DeferredStatements(connection);
        // The identity column's own sequence: ids taken here are never handed out again, whoever inserts next.
        _nextConversationId = new NpgsqlStatement(connection, _deferred, "SELECT nextval(pg_get_serial_sequence('conversations', 'id'))", [], returnsId: false);
    }

    public IStatement Prepare(string sql, params string[] parameters) => new NpgsqlStatement(_connection, _deferred, sql, parameters, returnsId: false);

    public IStatement PrepareInsert(string sql, params string[] parameters) => new NpgsqlStatement(_connection, _deferred, sql, parameters, returnsId: true);

    // The conversations' own trigram index serves the name search: nothing to keep beside the row.
    public IStatement? PrepareNameIndexAdd() => null;

    public IStatement? PrepareNameIndexRemove() => null;

    public string IgnoringCase(string expression) => $"lower({expression})";

    public long NextConversationId() => _nextConversationId.ExecuteScalarInt64()!.Value;

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
        _nextConversationId.Dispose();
        _transaction?.Dispose();
        _connection.Dispose();
    }
}
