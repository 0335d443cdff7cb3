using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;

namespace ReferralStudio.Storage.Postgres;

/// <summary>
/// A one-row writer statement in its set form: the same statement over arrays of values (<c>unnest</c>), so the runs a
/// batch queues of it reach the server as one statement. The server's cost per statement (bind, execute, its executor
/// started and ended) was most of its time per row; in a set it is paid once per batch. Only two shapes qualify, whose
/// rows are independent of each other: <c>INSERT INTO t (columns) VALUES (...)</c>, optionally with an <c>ON CONFLICT</c>
/// without parameters, and <c>UPDATE t SET column = $n, ... WHERE Id = $k</c>.
/// </summary>
internal sealed partial class RowSet
{
    private readonly string[] _types;
    // Parameters (0-based) whose values a run holds once at most: an UPDATE's id, an upsert's conflict target. The server
    // refuses to update one row twice in a statement, so a repeated key starts a new run.
    private readonly int[] _key;

    private RowSet(string table, string sql, string[] types, int[] key)
    {
        Table = table;
        Sql = sql;
        _types = types;
        _key = key;
    }

    /// <summary>The table the statement writes.</summary>
    public string Table { get; }

    /// <summary>The set form, its parameters the arrays of the one-row form's, in the same order.</summary>
    public string Sql { get; }

    /// <summary>
    /// The set form of <paramref name="sql"/> (positional parameters <c>$1</c> to <c>$count</c>), or null when it has
    /// neither shape or a column type no array here carries.
    /// </summary>
    /// <param name="sql">The statement with positional parameters.</param>
    /// <param name="count">How many parameters it has.</param>
    /// <param name="columnTypes">A table's column types by lower-case name (PostgreSQL's type names).</param>
    public static RowSet? For(string sql, int count, Func<string, IReadOnlyDictionary<string, string>> columnTypes)
    {
        sql = Whitespace().Replace(sql, " ").Trim();
        var types = new string?[count];
        if (Insert().Match(sql) is { Success: true } insert)
        {
            return ForInsert(insert, types, columnTypes);
        }

        return Update().Match(sql) is { Success: true } update ? ForUpdate(update, types, columnTypes) : null;
    }

    public Run Start() => new(this);

    private static RowSet? ForInsert(Match insert, string?[] types, Func<string, IReadOnlyDictionary<string, string>> columnTypes)
    {
        var table = insert.Groups["table"].Value;
        var tail = insert.Groups["tail"].Value;
        var columns = insert.Groups["columns"].Value.Split(',', StringSplitOptions.TrimEntries);
        var values = insert.Groups["values"].Value.Split(',', StringSplitOptions.TrimEntries);
        if (columns.Length != values.Length || tail.Contains('$', StringComparison.Ordinal)
            || !Assign(columns, values, types, columnTypes(table)))
        {
            return null;
        }

        // Only DO UPDATE minds a key repeated within the statement (DO NOTHING skips the second row).
        var key = Array.Empty<int>();
        if (Conflict().Match(tail) is { Success: true } conflict && tail.Contains("DO UPDATE", StringComparison.OrdinalIgnoreCase))
        {
            var target = conflict.Groups["columns"].Value.Split(',', StringSplitOptions.TrimEntries);
            key = [.. target.Select(column => Array.FindIndex(columns, c => c.Equals(column, StringComparison.OrdinalIgnoreCase)))
                .Where(i => i >= 0 && Position(values[i]) is not null).Select(i => Position(values[i])!.Value)];
            if (key.Length != target.Length)
            {
                return null;
            }
        }

        var selected = string.Join(", ", values.Select(Column));
        return Create(table, $"INSERT INTO {table} ({string.Join(", ", columns)}) SELECT {selected} FROM {Unnest(types)}{tail}", types, key);
    }

    private static RowSet? ForUpdate(Match update, string?[] types, Func<string, IReadOnlyDictionary<string, string>> columnTypes)
    {
        var table = update.Groups["table"].Value;
        var assignments = update.Groups["set"].Value.Split(',', StringSplitOptions.TrimEntries);
        var columns = new string[assignments.Length + 1];
        var values = new string[assignments.Length + 1];
        for (var i = 0; i < assignments.Length; i++)
        {
            var parts = assignments[i].Split('=', StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || Position(parts[1]) is null)
            {
                return null;
            }

            (columns[i], values[i]) = (parts[0], parts[1]);
        }

        (columns[^1], values[^1]) = ("Id", update.Groups["id"].Value);
        if (!Assign(columns, values, types, columnTypes(table)))
        {
            return null;
        }

        var set = string.Join(", ", assignments.Select((_, i) => $"{columns[i]} = {Column(values[i])}"));
        return Create(table, $"UPDATE {table} SET {set} FROM {Unnest(types)} WHERE Id = {Column(values[^1])}", types, [Position(values[^1])!.Value]);
    }

    // Each parameter's type is its column's; every parameter must stand for a column whose type an array carries here.
    private static bool Assign(string[] columns, string[] values, string?[] types, IReadOnlyDictionary<string, string> columnTypes)
    {
        for (var i = 0; i < columns.Length; i++)
        {
            if (Position(values[i]) is not { } position)
            {
                continue;
            }

            if (position >= types.Length || !columnTypes.TryGetValue(columns[i].ToLowerInvariant(), out var type) || !Carried.Contains(type))
            {
                return false;
            }

            types[position] ??= type;
        }

        return Array.TrueForAll(types, t => t is not null);
    }

    private static RowSet Create(string table, string sql, string?[] types, int[] key) => new(table, sql, [.. types.Select(t => t!)], key);

    private static string Unnest(string?[] types) =>
        $"unnest({string.Join(", ", types.Select((t, i) => $"${i + 1}::{t}[]"))}) AS u({string.Join(", ", types.Select((_, i) => $"p{i + 1}"))})";

    // A value of the one-row form as the set form selects it: $3 becomes u.p3; a constant stays.
    private static string Column(string value) => Position(value) is { } position ? $"u.p{position + 1}" : value;

    // The 0-based parameter a value is ($1 is 0), or null for a constant.
    private static int? Position(string value) =>
        value.Length > 1 && value[0] == '$' && int.TryParse(value.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n - 1 : null;

    private static readonly HashSet<string> Carried = new(StringComparer.Ordinal) { "int8", "int4", "int2", "bool", "float8", "numeric", "text" };

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^INSERT INTO (?<table>\w+) \((?<columns>[^()]*)\) VALUES \((?<values>[^()]*)\)(?<tail>( ON CONFLICT.*)?)$", RegexOptions.IgnoreCase)]
    private static partial Regex Insert();

    [GeneratedRegex(@"ON CONFLICT \((?<columns>[^()]*)\)", RegexOptions.IgnoreCase)]
    private static partial Regex Conflict();

    [GeneratedRegex(@"^UPDATE (?<table>\w+) SET (?<set>[^()]*) WHERE Id = (?<id>\$\d+)$", RegexOptions.IgnoreCase)]
    private static partial Regex Update();

    /// <summary>The rows a batch queued of one statement, in order, held as one array per parameter.</summary>
    public sealed class Run
    {
        private readonly RowSet _set;
        private readonly IValues[] _values;
        private readonly HashSet<(object?, object?, object?)>? _keys;

        internal Run(RowSet set)
        {
            _set = set;
            _values = [.. set._types.Select(Values)];
            _keys = set._key.Length == 0 ? null : [];
        }

        public RowSet Set => _set;

        /// <summary>Adds a row of values as bound now; false (nothing added) when its key is already in this run.</summary>
        public bool TryAdd(NpgsqlParameter[] parameters)
        {
            if (_keys is not null && !_keys.Add(Key(parameters)))
            {
                return false;
            }

            for (var i = 0; i < _values.Length; i++)
            {
                _values[i].Add(parameters[i].Value);
            }

            return true;
        }

        public NpgsqlBatchCommand ToCommand()
        {
            var command = new NpgsqlBatchCommand(_set.Sql);
            foreach (var values in _values)
            {
                command.Parameters.Add(values.ToParameter());
            }

            return command;
        }

        private (object?, object?, object?) Key(NpgsqlParameter[] parameters)
        {
            var key = _set._key;
            return (parameters[key[0]].Value, key.Length > 1 ? parameters[key[1]].Value : null, key.Length > 2 ? parameters[key[2]].Value : null);
        }

        private static IValues Values(string type) => type switch
        {
            "int8" => new Values<long>(NpgsqlDbType.Bigint, v => Convert.ToInt64(v, CultureInfo.InvariantCulture)),
            "int4" => new Values<int>(NpgsqlDbType.Integer, v => Convert.ToInt32(v, CultureInfo.InvariantCulture)),
            "int2" => new Values<short>(NpgsqlDbType.Smallint, v => Convert.ToInt16(v, CultureInfo.InvariantCulture)),
            "bool" => new Values<bool>(NpgsqlDbType.Boolean, v => v is bool b ? b : Convert.ToInt64(v, CultureInfo.InvariantCulture) != 0),
            "float8" => new Values<double>(NpgsqlDbType.Double, v => Convert.ToDouble(v, CultureInfo.InvariantCulture)),
            "numeric" => new Values<decimal>(NpgsqlDbType.Numeric, v => Convert.ToDecimal(v, CultureInfo.InvariantCulture)),
            _ => new Texts(),
        };
    }

    private interface IValues
    {
        void Add(object? value);

        NpgsqlParameter ToParameter();
    }

    private sealed class Values<T>(NpgsqlDbType type, Func<object, T> convert) : IValues
        where T : struct
    {
        private readonly List<T?> _values = [];

        public void Add(object? value) => _values.Add(value is null or DBNull ? null : convert(value));

        public NpgsqlParameter ToParameter() => new() { NpgsqlDbType = NpgsqlDbType.Array | type, Value = _values.ToArray() };
    }

    private sealed class Texts : IValues
    {
        private readonly List<string?> _values = [];

        public void Add(object? value) => _values.Add(value as string);

        public NpgsqlParameter ToParameter() => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = _values.ToArray() };
    }
}
