using Microsoft.Data.Sqlite;

namespace ReferralStudio.Storage.Sqlite;

/// <summary>One-off reads for start-up checks and upgrades (nothing here runs per delivery).</summary>
internal static class SqliteConnectionExtensions
{
    /// <summary>Whether the connection's main schema has <paramref name="table"/>.</summary>
    public static bool TableExists(this SqliteConnection connection, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM main.sqlite_master WHERE type = 'table' AND name = $name";
        command.Parameters.AddWithValue("$name", table);
        return (long)command.ExecuteScalar()! > 0;
    }

    /// <summary>The first column of the first row as an integer; null for no row or NULL.</summary>
    public static long? ScalarInt64(this SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() is long value ? value : null;
    }

    /// <summary>The first column of the first row as text; null for no row or NULL.</summary>
    public static string? ScalarText(this SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() as string;
    }
}
