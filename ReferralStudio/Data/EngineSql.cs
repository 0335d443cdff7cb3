using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using ReferralStudio.Storage.Postgres;

namespace ReferralStudio.Data;

/// <summary>
/// The seam for hand-written reads whose SQL differs between the engines (NOCASE, FTS5, <c>INDEXED BY</c> and <c>IS</c>
/// on SQLite; <c>lower(...)</c>, trigrams, <c>IS NOT DISTINCT FROM</c> and quoted result names on PostgreSQL): a query
/// keeps its SQLite text as measured in bench/ and has a PostgreSQL text beside it, chosen here. Parameters are named
/// <c>$name</c> in SQLite's text and <c>@name</c> in PostgreSQL's; <see cref="Parameter"/> makes either from the same name.
/// </summary>
public static class EngineSql
{
    /// <summary>Whether <paramref name="db"/> is on PostgreSQL (a type test: no provider lookup per query).</summary>
    public static bool IsPostgres(this AppDbContext db) => db is PostgresAppDbContext;

    public static bool IsPostgres(this DbConnection connection) => connection is NpgsqlConnection;

    public static bool IsPostgres(this DbCommand command) => command is NpgsqlCommand;

    /// <summary>A parameter named <paramref name="name"/> (<c>$name</c>) for the engine's driver: <c>@name</c> on PostgreSQL.</summary>
    public static DbParameter Parameter(this AppDbContext db, string name, object? value) =>
        db.IsPostgres() ? PostgresParameter(name, value) : new SqliteParameter(name, value ?? DBNull.Value);

    /// <summary>Adds <paramref name="name"/> (<c>$name</c>) to a command of either engine.</summary>
    public static void AddParameter(this DbCommand command, string name, object? value) =>
        command.Parameters.Add(command is NpgsqlCommand ? PostgresParameter(name, value) : new SqliteParameter(name, value ?? DBNull.Value));

    private static NpgsqlParameter PostgresParameter(string name, object? value) => new(name.TrimStart('$'), value ?? DBNull.Value);
}
