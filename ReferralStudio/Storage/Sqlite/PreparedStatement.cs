using System.Text;
using Microsoft.Data.Sqlite;
using ReferralStudio.Data;
using SQLitePCL;

namespace ReferralStudio.Storage.Sqlite;

/// <summary>
/// One SQL statement compiled once on an open connection and run many times with its parameters
/// bound by position (1-based, in the order they appear in the SQL): no name lookups, no boxing, no
/// command or reader objects per execution. It runs on the connection's own handle, so it takes part
/// in whatever transaction the connection has open; like the connection, it is used by one thread at a
/// time, and is disposed before the connection is closed. For the hot path only; everything else uses
/// EF Core or <see cref="SqliteCommand"/>.
/// </summary>
public sealed class PreparedStatement : IStatement
{
    private const uint Persistent = 0x01; // SQLITE_PREPARE_PERSISTENT: the statement lives as long as the connection.
    // A zero-length span pins to a null pointer, which SQLite would bind as NULL; this binds ''.
    private static readonly byte[] EmptyText = [0];

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private byte[] _utf8 = new byte[512];

    /// <summary>
    /// Compiles <paramref name="sql"/>; <paramref name="parameters"/> names its parameters in the order they
    /// first appear, which is checked here once, so each binding site can use positions (1 for the first).
    /// </summary>
    public PreparedStatement(SqliteConnection connection, string sql, params string[] parameters)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v3(_db, sql, Persistent, out _statement));
        var count = raw.sqlite3_bind_parameter_count(_statement);
        for (var i = 1; i <= Math.Max(count, parameters.Length); i++)
        {
            var name = i <= count ? raw.sqlite3_bind_parameter_name(_statement, i).utf8_to_string() : null;
            if (i > parameters.Length || name != parameters[i - 1])
            {
                _statement.Dispose();
                throw new ArgumentException($"Parameter {i} is {name ?? "missing"}, not {(i <= parameters.Length ? parameters[i - 1] : "listed")}.", nameof(parameters));
            }
        }
    }

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public void Bind(int index, long? value)
    {
        if (value is { } v)
        {
            Bind(index, v);
        }
        else
        {
            BindNull(index);
        }
    }

    public void Bind(int index, bool value) => Bind(index, value ? 1L : 0L);

    public void Bind(int index, DateTimeOffset value) => Bind(index, UnixMs.From(value));

    public void Bind(int index, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            Bind(index, UnixMs.From(v));
        }
        else
        {
            BindNull(index);
        }
    }

    /// <summary>Binds text, transcoded into a reused buffer (SQLite copies it on bind).</summary>
    public void Bind(int index, string? value)
    {
        if (value is null)
        {
            BindNull(index);
            return;
        }

        if (value.Length == 0)
        {
            Check(raw.sqlite3_bind_text(_statement, index, utf8z.FromSpan(EmptyText)));
            return;
        }

        if (value.Length * 3 > _utf8.Length)
        {
            _utf8 = new byte[Math.Max(value.Length * 3, _utf8.Length * 2)];
        }

        var length = Encoding.UTF8.GetBytes(value, _utf8);
        Check(raw.sqlite3_bind_text(_statement, index, _utf8.AsSpan(0, length)));
    }

    /// <summary>Binds a list as EF Core stores a primitive collection on SQLite: a JSON array in a TEXT column.</summary>
    public void Bind(int index, IReadOnlyList<string> values) => Bind(index, System.Text.Json.JsonSerializer.Serialize(values));

    /// <summary>Binds UTF-8 text as it is.</summary>
    public void BindUtf8(int index, ReadOnlySpan<byte> value) =>
        Check(value.IsEmpty ? raw.sqlite3_bind_text(_statement, index, utf8z.FromSpan(EmptyText)) : raw.sqlite3_bind_text(_statement, index, value));

    /// <summary>Binds bytes as a BLOB (SQLite copies them: the span may be reused after the call).</summary>
    public void BindBlob(int index, ReadOnlySpan<byte> value) =>
        Check(value.IsEmpty ? raw.sqlite3_bind_zeroblob(_statement, index, 0) : raw.sqlite3_bind_blob(_statement, index, value));

    public void BindNull(int index) => Check(raw.sqlite3_bind_null(_statement, index));

    /// <summary>Runs a statement that returns no rows; returns the number of rows it changed.</summary>
    public int Execute()
    {
        try
        {
            while (Step())
            {
            }

            return raw.sqlite3_changes(_db);
        }
        finally
        {
            Reset();
        }
    }

    /// <summary>SQLite runs in-process: nothing is gained by waiting.</summary>
    public void ExecuteDeferred() => Execute();

    /// <summary>
    /// Runs an INSERT and returns the new row's rowid, or null when it inserted nothing (an ON CONFLICT DO
    /// NOTHING that hit the conflict). Cheaper than <c>RETURNING</c>, which makes SQLite run the insert as a
    /// multi-row write with a statement journal (a copy of every page it touches).
    /// </summary>
    public long? ExecuteInsert() => Execute() > 0 ? raw.sqlite3_last_insert_rowid(_db) : null;

    /// <summary>Runs a query and returns its first row's first column as an integer, or null when there is no row.</summary>
    public long? ExecuteScalarInt64()
    {
        try
        {
            return Step() ? GetInt64(0) : null;
        }
        finally
        {
            Reset();
        }
    }

    /// <summary>
    /// Advances to the next row (true) or the end (false). Read columns with the getters, then call
    /// <see cref="Reset"/> (always, also after an exception) before the statement runs again.
    /// </summary>
    public bool Step()
    {
        var rc = raw.sqlite3_step(_statement);
        return rc switch
        {
            raw.SQLITE_ROW => true,
            raw.SQLITE_DONE => false,
            _ => throw Error(rc),
        };
    }

    /// <summary>Ends this run (releasing its read position) so the statement can run again; bindings are replaced on the next run.</summary>
    public void ReadEach<T>(IReadOnlyList<T> items, Action<IStatement, T> bind, Action<IStatement, T> read)
    {
        foreach (var item in items)
        {
            bind(this, item);
            try
            {
                read(this, item);
            }
            finally
            {
                Reset();
            }
        }
    }

    public void Reset() => raw.sqlite3_reset(_statement);

    public bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    public long GetInt64(int column) => raw.sqlite3_column_int64(_statement, column);

    public long? GetInt64OrNull(int column) => IsNull(column) ? null : GetInt64(column);

    public bool GetBoolean(int column) => GetInt64(column) != 0;

    public DateTimeOffset GetDateTime(int column) => UnixMs.To(GetInt64(column));

    public DateTimeOffset? GetDateTimeOrNull(int column) => IsNull(column) ? null : UnixMs.To(GetInt64(column));

    public string? GetString(int column) =>
        IsNull(column) ? null : Encoding.UTF8.GetString(raw.sqlite3_column_blob(_statement, column));

    /// <summary>
    /// The column's text, as <paramref name="known"/> itself when it holds the same text: a value the caller already
    /// has (a lookup key) is not allocated again.
    /// </summary>
    public string? GetString(int column, string known)
    {
        if (IsNull(column))
        {
            return null;
        }

        var bytes = raw.sqlite3_column_blob(_statement, column);
        return Ascii.Equals(bytes, known) ? known : Encoding.UTF8.GetString(bytes);
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw Error(rc);
        }
    }

    /// <summary>An exception with the code and message Microsoft.Data.Sqlite would give for this result.</summary>
    private SqliteException Error(int rc) =>
        new($"SQLite Error {rc}: '{raw.sqlite3_errmsg(_db).utf8_to_string()}'.", rc, raw.sqlite3_extended_errcode(_db));

    public void Dispose() => _statement.Dispose();
}
