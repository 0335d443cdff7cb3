using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;
using SQLitePCL;

namespace ReferralStudio.Storage.Sqlite;

/// <summary>For reads that step through SQLite's C API (SQLitePCL's raw calls) because they read too many rows for ADO.NET's per-row cost.</summary>
public static class SqliteRaw
{
    /// <summary>The context's own SQLite connection, opened if it is not yet (EF closes it again when the context goes).</summary>
    public static async Task<SqliteConnection> OpenConnectionAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }

        return connection;
    }

    /// <summary>Throws SQLite's own error for a result code that is neither OK nor DONE.</summary>
    public static void Check(sqlite3 db, int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE))
        {
            throw new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), rc);
        }
    }
}
