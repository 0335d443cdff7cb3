using Npgsql;

namespace ReferralStudio.Storage.Postgres;

/// <summary>
/// The writer's tables' column types (PostgreSQL's type names by lower-case column name), read once per table on the
/// writer's connection: binary COPY and arrays of values convert nothing, so each value is sent as its column's type.
/// </summary>
internal sealed class ColumnTypes(NpgsqlConnection connection)
{
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _tables = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyDictionary<string, string> Of(string table)
    {
        if (!_tables.TryGetValue(table, out var types))
        {
            types = Read(table);
            _tables.Add(table, types);
        }

        return types;
    }

    private Dictionary<string, string> Read(string table)
    {
        using var command = new NpgsqlCommand("""
            SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
            WHERE a.attrelid = to_regclass(@table) AND a.attnum > 0 AND NOT a.attisdropped
            """, connection);
        command.Parameters.AddWithValue("table", table.ToLowerInvariant());
        using var reader = command.ExecuteReader();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            types[reader.GetString(0)] = reader.GetString(1);
        }

        return types.Count > 0 ? types : throw new ArgumentException($"No table {table}.", nameof(table));
    }
}
