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
/// </summary>
internal sealed partial class NpgsqlStatement : IStatement
{
    private readonly NpgsqlCommand _command;
    private readonly NpgsqlParameter[] _parameters;
    private readonly DeferredStatements _deferred;
    private NpgsqlDataReader? _reader;

    public NpgsqlStatement(NpgsqlConnection connection, DeferredStatements deferred, string sql, string[] parameters, bool returnsId)
    {
        _deferred = deferred;
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < parameters.Length; i++)
        {
            positions.Add(parameters[i], i + 1);
        }

        var text = Parameter().Replace(sql, match => positions.TryGetValue(match.Value, out var position)
            ? "$" + position
            : throw new ArgumentException($"Parameter {match.Value} is not listed.", nameof(parameters)));
        _command = new NpgsqlCommand(returnsId ? text + " RETURNING Id" : text, connection);
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

    public void ExecuteDeferred() => _deferred.Add(_command.CommandText, _parameters);

    public long? ExecuteInsert()
    {
        _deferred.Flush();
        return _command.ExecuteScalar() is long id ? id : null;
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
        _reader?.Dispose();
        _reader = null;
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

    [GeneratedRegex(@"\$[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex Parameter();
}

/// <summary>
/// The statements a session queued (<see cref="IStatement.ExecuteDeferred"/>), sent in order as one batch, one round
/// trip, before the next statement that returns something and before the commit.
/// </summary>
internal sealed class DeferredStatements(NpgsqlConnection connection)
{
    private NpgsqlBatch? _batch;

    public void Add(string sql, NpgsqlParameter[] parameters)
    {
        _batch ??= new NpgsqlBatch(connection);
        var command = new NpgsqlBatchCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter.Clone());
        }

        _batch.BatchCommands.Add(command);
    }

    public void Flush()
    {
        if (_batch is null)
        {
            return;
        }

        using var batch = _batch;
        _batch = null;
        batch.ExecuteNonQuery();
    }

    /// <summary>The transaction was rolled back: what it queued goes with it.</summary>
    public void Clear()
    {
        _batch?.Dispose();
        _batch = null;
    }
}
