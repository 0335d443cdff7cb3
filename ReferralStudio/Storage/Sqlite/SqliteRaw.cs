using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ReferralStudio.Storage.Sqlite;

/// <summary>For reads that step through SQLite's C API (SQLitePCL's raw calls) because they read too many rows for ADO.NET's per-row cost.</summary>
public static class SqliteRaw
{
    /// <summary>Throws SQLite's own error for a result code that is neither OK nor DONE.</summary>
    public static void Check(sqlite3 db, int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE))
        {
            throw new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), rc);
        }
    }
}
