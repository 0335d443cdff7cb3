using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;

namespace ReferralStudio.Storage.Postgres;

/// <summary>
/// Rows of <see cref="IWriterSession.PrepareAppend"/> statements, held until the session's next flush and then written
/// with one binary COPY per table, ahead of the flush's other statements: a COPY row costs the server a fraction of an
/// INSERT's execution. Binary COPY converts nothing, so each value is written as its column's own type.
/// </summary>
internal sealed partial class BulkAppends(NpgsqlConnection connection, ColumnTypes columnTypes)
{
    private readonly List<Table> _tables = [];

    /// <summary>The COPY of one INSERT INTO table (columns) VALUES (...) whose values are its parameters or constants.</summary>
    public Table For(string sql, string[] parameters)
    {
        var insert = Insert().Match(sql);
        if (!insert.Success)
        {
            throw new ArgumentException("An append is INSERT INTO table (columns) VALUES (parameters or constants), nothing after.", nameof(sql));
        }

        var columns = insert.Groups["columns"].Value.Split(',', StringSplitOptions.TrimEntries);
        var values = insert.Groups["values"].Value.Split(',', StringSplitOptions.TrimEntries);
        if (columns.Length != values.Length)
        {
            throw new ArgumentException($"{columns.Length} columns but {values.Length} values.", nameof(sql));
        }

        var types = columnTypes.Of(insert.Groups["table"].Value);
        var sources = new Source[columns.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            var type = types.TryGetValue(columns[i].ToLowerInvariant(), out var t) ? t : throw new ArgumentException($"No column {columns[i]}.", nameof(sql));
            var parameter = Array.IndexOf(parameters, values[i]);
            sources[i] = parameter >= 0 ? new Source(type, parameter, null) : new Source(type, -1, Constant(values[i]));
        }

        var table = new Table($"COPY {insert.Groups["table"].Value} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)", sources);
        _tables.Add(table);
        return table;
    }

    public bool Any => _tables.Exists(t => t.Rows.Count > 0);

    /// <summary>Writes every table's rows, one COPY each, in the order the tables were prepared.</summary>
    public void Flush()
    {
        foreach (var table in _tables)
        {
            if (table.Rows.Count == 0)
            {
                continue;
            }

            using (var copy = connection.BeginBinaryImport(table.Copy))
            {
                foreach (var row in table.Rows)
                {
                    copy.StartRow();
                    foreach (var source in table.Sources)
                    {
                        Write(copy, source.Type, source.Parameter >= 0 ? row[source.Parameter] : source.Constant!);
                    }
                }

                copy.Complete();
            }

            table.Rows.Clear();
        }
    }

    /// <summary>The transaction was rolled back: its rows go with it.</summary>
    public void Clear()
    {
        foreach (var table in _tables)
        {
            table.Rows.Clear();
        }
    }

    private static void Write(NpgsqlBinaryImporter copy, string type, object value)
    {
        if (value is DBNull)
        {
            copy.WriteNull();
            return;
        }

        switch (type)
        {
            case "int8":
                copy.Write(Convert.ToInt64(value, CultureInfo.InvariantCulture), NpgsqlDbType.Bigint);
                break;
            case "int4":
                copy.Write(Convert.ToInt32(value, CultureInfo.InvariantCulture), NpgsqlDbType.Integer);
                break;
            case "int2":
                copy.Write(Convert.ToInt16(value, CultureInfo.InvariantCulture), NpgsqlDbType.Smallint);
                break;
            case "bool":
                copy.Write(value is bool b ? b : Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0, NpgsqlDbType.Boolean);
                break;
            case "float8":
                copy.Write(Convert.ToDouble(value, CultureInfo.InvariantCulture), NpgsqlDbType.Double);
                break;
            case "numeric":
                copy.Write(Convert.ToDecimal(value, CultureInfo.InvariantCulture), NpgsqlDbType.Numeric);
                break;
            case "text":
                copy.Write((string)value, NpgsqlDbType.Text);
                break;
            case "_text":
                copy.Write((string[])value, NpgsqlDbType.Array | NpgsqlDbType.Text);
                break;
            case "bytea":
                copy.Write((byte[])value, NpgsqlDbType.Bytea);
                break;
            default:
                throw new NotSupportedException($"Appending a {type} column is not supported.");
        }
    }

    private static object Constant(string literal) => literal.ToUpperInvariant() switch
    {
        "TRUE" => true,
        "FALSE" => false,
        "NULL" => DBNull.Value,
        _ => long.TryParse(literal, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new ArgumentException($"Only parameters, integers, TRUE, FALSE and NULL can be appended, not {literal}.", nameof(literal)),
    };

    [GeneratedRegex(@"^\s*INSERT INTO (?<table>\w+) \((?<columns>[^)]*)\)\s*VALUES \((?<values>[^)]*)\)\s*$")]
    private static partial Regex Insert();

    /// <summary>Where a column's value comes from: a parameter's position (0-based) or a constant.</summary>
    public readonly record struct Source(string Type, int Parameter, object? Constant);

    /// <summary>One appended table: its COPY, where each column's value comes from, and the rows waiting.</summary>
    public sealed class Table(string copy, Source[] sources)
    {
        public string Copy { get; } = copy;

        public Source[] Sources { get; } = sources;

        public List<object[]> Rows { get; } = [];
    }
}
