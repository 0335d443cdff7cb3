using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;
using ReferralStudio.Data;

namespace ReferralStudio.Storage.Postgres;

/// <summary>
/// A writer statement on PostgreSQL: the shared SQL's <c>$name</c> parameters become positional (<c>$1</c>, ...) in the
/// order given, each bound with its PostgreSQL type so a NULL never leaves the server guessing. Npgsql prepares the
/// statement on the server after its first runs (the connection's auto-prepare), so each later run sends only values.
/// An insert that returns its id is given one taken ahead (<see cref="IdBlocks"/>) and sent with the deferred
/// statements, so recording a row never waits for the server.
/// </summary>
internal sealed partial class NpgsqlStatement : IStatement
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlCommand _command;
    private readonly NpgsqlParameter[] _parameters;
    private readonly DeferredStatements _deferred;
    // The table's ids, for an insert that returns its id; null for other statements.
    private readonly IdBlocks.Table? _ids;
    private readonly BulkAppends.Table? _append;
    // The statement over arrays, for runs queued one after another (null when it has no such form), and the table it writes.
    private readonly RowSet? _set;
    private readonly string? _writes;
    private NpgsqlDataReader? _reader;
    // A reader of ReadEach's batch, which ends it (Reset leaves it alone).
    private bool _readingEach;

    /// <summary>Prepares <paramref name="sql"/>, whose <paramref name="parameters"/> are listed in the order they are bound.</summary>
    /// <param name="connection">The writer's connection.</param>
    /// <param name="deferred">Where the session's deferred statements wait for their batch.</param>
    /// <param name="sql">The statement, in the SQL both engines share.</param>
    /// <param name="parameters">Its <c>$name</c> parameters, in binding order.</param>
    /// <param name="ids">The ids of the table an INSERT INTO ... (...) VALUES (...) adds to; null for any other statement.</param>
    /// <param name="appends">For an append (<see cref="IWriterSession.PrepareAppend"/>): where its rows wait for their COPY.</param>
    public NpgsqlStatement(NpgsqlConnection connection, DeferredStatements deferred, string sql, string[] parameters, IdBlocks.Table? ids = null,
        BulkAppends? appends = null)
    {
        _connection = connection;
        _deferred = deferred;
        _ids = ids;
        if (ids is not null)
        {
            (sql, parameters) = WithId(sql, parameters);
        }

        _append = appends?.For(sql, parameters);

        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < parameters.Length; i++)
        {
            positions.Add(parameters[i], i + 1);
        }

        var text = Parameter().Replace(sql, match => positions.TryGetValue(match.Value, out var position)
            ? "$" + position
            : throw new ArgumentException($"Parameter {match.Value} is not listed.", nameof(parameters)));
        if (_append is null)
        {
            _set = RowSet.For(text, parameters.Length, deferred.Columns.Of);
            _writes = Written().Match(text) is { Success: true } written ? written.Groups["table"].Value : null;
        }

        _command = new NpgsqlCommand(text, connection);
        _parameters = new NpgsqlParameter[parameters.Length];
        for (var i = 0; i < _parameters.Length; i++)
        {
            _parameters[i] = new NpgsqlParameter { Value = DBNull.Value };
            _command.Parameters.Add(_parameters[i]);
        }
    }

    public void Bind(int index, long value) => Set(index, NpgsqlDbType.Bigint, value);

    public void Bind(int index, long? value) => Set(index, NpgsqlDbType.Bigint, value is { } v ? v : DBNull.Value);

    public void Bind(int index, bool value) => Set(index, NpgsqlDbType.Boolean, value);

    public void Bind(int index, DateTimeOffset value) => Set(index, NpgsqlDbType.Bigint, UnixMs.From(value));

    public void Bind(int index, DateTimeOffset? value) => Set(index, NpgsqlDbType.Bigint, value is { } v ? UnixMs.From(v) : DBNull.Value);

    public void Bind(int index, string? value) => Set(index, NpgsqlDbType.Text, value is null ? DBNull.Value : value);

    public void Bind(int index, IReadOnlyList<string> values) => Set(index, NpgsqlDbType.Array | NpgsqlDbType.Text, values.ToArray());

    public void BindUtf8(int index, ReadOnlySpan<byte> value) => Set(index, NpgsqlDbType.Text, Encoding.UTF8.GetString(value));

    // Untyped: the server infers the type from where the parameter stands (a column it is compared with or stored in).
    public void BindNull(int index)
    {
        var parameter = _parameters[index - 1];
        parameter.ResetDbType();
        parameter.Value = DBNull.Value;
    }

    public int Execute()
    {
        _deferred.Flush();
        return _command.ExecuteNonQuery();
    }

    public void ExecuteDeferred()
    {
        if (_append is null)
        {
            _deferred.Add(_command.CommandText, _parameters, _set, _writes);
            return;
        }

        var row = new object[_parameters.Length];
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = _parameters[i].Value ?? DBNull.Value;
        }

        _append.Rows.Add(row);
    }

    public long? ExecuteInsert()
    {
        var id = (_ids ?? throw new InvalidOperationException("Not prepared as an insert that returns its id.")).Next();
        Bind(_parameters.Length, id);
        ExecuteDeferred();
        return id;
    }

    public long? ExecuteScalarInt64()
    {
        _deferred.Flush();
        return _command.ExecuteScalar() switch
        {
            long value => value,
            int value => value,
            _ => null,
        };
    }

    public bool Step()
    {
        if (_reader is null)
        {
            _deferred.Flush();
            _reader = _command.ExecuteReader();
        }

        return _reader.Read();
    }

    public void Reset()
    {
        if (!_readingEach)
        {
            _reader?.Dispose();
            _reader = null;
        }
    }

    public void ReadEach<T>(IReadOnlyList<T> items, Action<IStatement, T> bind, Action<IStatement, T> read)
    {
        if (items.Count == 0)
        {
            return;
        }

        _deferred.Flush();
        using var batch = new NpgsqlBatch(_connection);
        foreach (var item in items)
        {
            bind(this, item);
            batch.BatchCommands.Add(DeferredStatements.Command(_command.CommandText, _parameters));
        }

        using var reader = batch.ExecuteReader();
        _reader = reader;
        _readingEach = true;
        try
        {
            for (var i = 0; i < items.Count; i++)
            {
                if (i > 0 && !reader.NextResult())
                {
                    throw new InvalidOperationException($"The batch returned {i} results for {items.Count} runs.");
                }

                read(this, items[i]);
            }
        }
        finally
        {
            _readingEach = false;
            _reader = null;
        }
    }

    public bool IsNull(int column) => _reader!.IsDBNull(column);

    public long GetInt64(int column) => _reader!.GetFieldType(column) == typeof(int) ? _reader.GetInt32(column) : _reader.GetInt64(column);

    public long? GetInt64OrNull(int column) => IsNull(column) ? null : GetInt64(column);

    public bool GetBoolean(int column) => _reader!.GetFieldType(column) == typeof(bool) ? _reader.GetBoolean(column) : GetInt64(column) != 0;

    public DateTimeOffset GetDateTime(int column) => UnixMs.To(GetInt64(column));

    public DateTimeOffset? GetDateTimeOrNull(int column) => IsNull(column) ? null : UnixMs.To(GetInt64(column));

    public string? GetString(int column) => IsNull(column) ? null : _reader!.GetString(column);

    public string? GetString(int column, string known)
    {
        var text = GetString(column);
        return text == known ? known : text;
    }

    private void Set(int index, NpgsqlDbType type, object value)
    {
        var parameter = _parameters[index - 1];
        parameter.NpgsqlDbType = type;
        parameter.Value = value;
    }

    public void Dispose()
    {
        Reset();
        _command.Dispose();
    }

    /// <summary>The INSERT with its table's Id as the first column, bound last (<c>$id</c>).</summary>
    private static (string Sql, string[] Parameters) WithId(string sql, string[] parameters)
    {
        var insert = InsertColumns().Match(sql);
        var values = sql.IndexOf("VALUES (", insert.Index + insert.Length, StringComparison.Ordinal);
        if (!insert.Success || values < 0)
        {
            throw new ArgumentException("An insert that returns its id is an INSERT INTO table (columns) VALUES (...).", nameof(sql));
        }

        const string Id = "$id";
        var columns = insert.Index + insert.Length;
        var end = values + "VALUES (".Length;
        return ($"{sql[..columns]}Id, {sql[columns..end]}{Id}, {sql[end..]}", [.. parameters, Id]);
    }

    [GeneratedRegex(@"\$[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex Parameter();

    /// <summary>The table an INSERT INTO table (columns) VALUES (...) adds to.</summary>
    public static string InsertedTable(string sql) => InsertColumns().Match(sql) is { Success: true } insert
        ? insert.Groups[1].Value
        : throw new ArgumentException("Not an INSERT INTO table (columns) statement.", nameof(sql));

    [GeneratedRegex(@"INSERT INTO (\w+) \(")]
    private static partial Regex InsertColumns();

    // The table an INSERT or UPDATE writes (a DELETE may cascade to others, so it names none).
    [GeneratedRegex(@"^\s*(?:INSERT INTO|UPDATE) (?<table>\w+)", RegexOptions.IgnoreCase)]
    private static partial Regex Written();
}

/// <summary>
/// The statements a session queued (<see cref="IStatement.ExecuteDeferred"/>), sent in order as one batch, one round
/// trip, before the next statement that returns something and before the commit. Consecutive runs of a statement with a
/// set form (<see cref="RowSet"/>) join one run of it, which the batch sends as one statement at the place of its first
/// row, as long as nothing else queued since wrote its table: rows of other tables do not see each other before the
/// commit (the foreign keys are checked there), and a DELETE, which may cascade, ends every run.
/// </summary>
internal sealed class DeferredStatements
{
    private readonly NpgsqlConnection _connection;
    // In order: an NpgsqlBatchCommand, or a RowSet.Run whose rows are still coming.
    private readonly List<object> _queued = [];
    private readonly List<RowSet.Run> _open = [];

    public DeferredStatements(NpgsqlConnection connection)
    {
        _connection = connection;
        Columns = new ColumnTypes(connection);
        Appends = new BulkAppends(connection, Columns);
    }

    public ColumnTypes Columns { get; }

    /// <summary>The appends' rows, written before the batch (see <see cref="IWriterSession.PrepareAppend"/>).</summary>
    public BulkAppends Appends { get; }

    /// <summary>Queues a run of <paramref name="sql"/> with its parameters' values as bound now.</summary>
    /// <param name="sql">The statement.</param>
    /// <param name="parameters">Its parameters.</param>
    /// <param name="set">Its set form, or null.</param>
    /// <param name="table">The table it writes; null for a DELETE or a statement that writes none.</param>
    public void Add(string sql, NpgsqlParameter[] parameters, RowSet? set, string? table)
    {
        if (set is null)
        {
            End(table);
            _queued.Add(Command(sql, parameters));
            return;
        }

        var run = Open(set);
        if (run is not null && run.TryAdd(parameters))
        {
            return;
        }

        End(set.Table);
        run = set.Start();
        run.TryAdd(parameters);
        _open.Add(run);
        _queued.Add(run);
    }

    /// <summary>A batch's command for one run of a statement, with its parameters' values as bound now.</summary>
    public static NpgsqlBatchCommand Command(string sql, NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter.Clone());
        }

        return command;
    }

    public void Flush()
    {
        Appends.Flush();
        if (_queued.Count == 0)
        {
            return;
        }

        using var batch = new NpgsqlBatch(_connection);
        foreach (var queued in _queued)
        {
            batch.BatchCommands.Add(queued as NpgsqlBatchCommand ?? ((RowSet.Run)queued).ToCommand());
        }

        Clear();
        batch.ExecuteNonQuery();
    }

    /// <summary>The transaction was rolled back: what it queued goes with it.</summary>
    public void Clear()
    {
        Appends.Clear();
        _queued.Clear();
        _open.Clear();
    }

    // Loops, not Find/RemoveAll with a lambda: this runs for every queued row, and a capturing lambda allocates each time.
    private RowSet.Run? Open(RowSet set)
    {
        foreach (var run in _open)
        {
            if (run.Set == set)
            {
                return run;
            }
        }

        return null;
    }

    // Rows queued from now on must come after what is queued for the table (or, for null, after everything queued).
    private void End(string? table)
    {
        for (var i = _open.Count - 1; i >= 0; i--)
        {
            if (table is null || string.Equals(_open[i].Set.Table, table, StringComparison.OrdinalIgnoreCase))
            {
                _open.RemoveAt(i);
            }
        }
    }
}
