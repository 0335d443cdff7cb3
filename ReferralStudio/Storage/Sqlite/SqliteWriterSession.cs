using Microsoft.Data.Sqlite;

namespace ReferralStudio.Storage.Sqlite;

/// <summary>
/// The attribution writer's session on the main file: statements compiled with SQLite's C API, one write transaction at
/// a time, and a <see cref="WalCheckpointer"/> that copies the log back beside the next transaction.
/// </summary>
internal sealed class SqliteWriterSession : IWriterSession
{
    private readonly SqliteConnection _connection;
    private readonly WalCheckpointer _checkpoints;
    private readonly PreparedStatement _lastConversationId;
    private SqliteTransaction? _transaction;
    private long _nextConversationId;

    public SqliteWriterSession(SqliteConnection connection, WalCheckpointer checkpoints)
    {
        _connection = connection;
        _checkpoints = checkpoints;
        // A new conversation gets its id when first seen (AUTOINCREMENT's rule: past every id ever used; the
        // transaction holds the write lock, so nobody else takes one meanwhile) and its row is inserted once,
        // at commit, with its final values. Inserting it at once and updating it at commit cost twice as much:
        // an UPDATE that sets the referral columns is checked for foreign keys and runs with a statement journal.
        _lastConversationId = new PreparedStatement(connection, """
            SELECT MAX(IFNULL((SELECT seq FROM sqlite_sequence WHERE name = 'Conversations'), 0), IFNULL((SELECT MAX(Id) FROM Conversations), 0))
            """);
    }

    public bool DefersInserts => false;

    public IStatement Prepare(string sql, params string[] parameters) => new PreparedStatement(_connection, sql, parameters);

    // SQLite's last_insert_rowid() gives the id: RETURNING would run each insert with a statement journal.
    public IStatement PrepareInsert(string sql, params string[] parameters) => new PreparedStatement(_connection, sql, parameters);

    public IStatement PrepareAppend(string sql, bool returnsId, params string[] parameters) => new PreparedStatement(_connection, sql, parameters);

    public IStatement? PrepareNameIndexAdd() => new PreparedStatement(_connection, FeedSearchIndex.AddConversationSql, "$id", "$name", "$username");

    public IStatement? PrepareNameIndexRemove() => new PreparedStatement(_connection, FeedSearchIndex.RemoveConversationSql, "$id", "$name", "$username");

    public string IgnoringCase(string expression) => expression;

    public string AnyOf(string parameter) => $"IN (SELECT value FROM json_each({parameter}))";

    public long NextConversationId()
    {
        if (_nextConversationId == 0)
        {
            _nextConversationId = (_lastConversationId.ExecuteScalarInt64() ?? 0) + 1;
        }

        return _nextConversationId++;
    }

    public void Begin() => _transaction = _connection.BeginTransaction();

    public void Commit()
    {
        _transaction!.Commit();
        EndTransaction();
        // The checkpoint runs beside the next transaction (this connection skips the automatic one).
        _checkpoints.Request();
    }

    public void Rollback()
    {
        _transaction?.Rollback();
        EndTransaction();
    }

    public void Settle() => _checkpoints.RewindIfLarge();

    private void EndTransaction()
    {
        _transaction?.Dispose();
        _transaction = null;
        _nextConversationId = 0;
    }

    public void Dispose()
    {
        _lastConversationId.Dispose();
        _checkpoints.Dispose();
        _connection.Dispose();
    }
}
